// From histogram totals to the mask's band weights, in float64 as the original computes them.
// WGSL has no f64, so a small software double (IEEE bits as vec2u(low, high); normal numbers and
// zero only, round to nearest even) follows the reference's exact operation order, and each value is
// rounded to float32 once, where the original does. Integer-only arithmetic: nothing a compiler may
// re-associate or fuse.
//   correlate (one invocation per image and strip): cell means f32(T / area) → L1 normalisation →
//     Pearson ρ as numpy.corrcoef (NaN → 1, clipped to [−1, 1]); writes ρ (float64) and the
//     normalised histograms (float32).
//   bands (one invocation per image, strip and table entry): entry 0 = f32(ρ), entry 1 + c = the
//     network's attention input for pixel value c under weight ρ (f32(f64(c)·ρ), then the network normalisation); the paint kernel looks
//     these up instead of repeating the float64 chain per pixel.

override WG: u32 = 64;

// Constants as float64 bits (low, high), from the host: 1e-5, 1/7, 0.456, 0.225.
struct Params { n: u32, eps: vec2u, inv7: vec2u, mean: vec2u, sd: vec2u }
@group(0) @binding(0) var<uniform> p: Params;
// correlate
@group(0) @binding(1) var<storage, read> totals: array<f32>;           // [N, 5, 8]
@group(0) @binding(2) var<storage, read_write> rho: array<vec2u>;      // [N, 4] float64
@group(0) @binding(3) var<storage, read_write> hog: array<f32>;        // [N, 5, 8]
// bands
@group(0) @binding(1) var<storage, read> rho_in: array<vec2u>;         // [N, 4] float64
@group(0) @binding(2) var<storage, read_write> table: array<f32>;      // [N, 4, 257]

// ---- 64-bit unsigned integers, vec2u(low, high) ----

fn u64_add(a: vec2u, b: vec2u) -> vec2u {
  let lo = a.x + b.x;
  return vec2u(lo, a.y + b.y + select(0u, 1u, lo < a.x));
}

fn u64_sub(a: vec2u, b: vec2u) -> vec2u { // a ≥ b
  return vec2u(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));
}

fn u64_ge(a: vec2u, b: vec2u) -> bool { return a.y > b.y || (a.y == b.y && a.x >= b.x); }

fn u64_shl(a: vec2u, n: u32) -> vec2u { // n < 64
  if (n == 0u) { return a; }
  if (n >= 32u) { return vec2u(0u, a.x << (n - 32u)); }
  return vec2u(a.x << n, (a.y << n) | (a.x >> (32u - n)));
}

fn u64_shr(a: vec2u, n: u32) -> vec2u { // n < 64
  if (n == 0u) { return a; }
  if (n >= 32u) { return vec2u(a.y >> (n - 32u), 0u); }
  return vec2u((a.x >> n) | (a.y << (32u - n)), a.y >> n);
}

/** Whether any of the n lowest bits is set (n < 64). */
fn u64_low(a: vec2u, n: u32) -> bool {
  if (n == 0u) { return false; }
  if (n >= 32u) { return a.x != 0u || (a.y & ((1u << (n - 32u)) - 1u)) != 0u; }
  return (a.x & ((1u << n) - 1u)) != 0u;
}

fn u64_lead(a: vec2u) -> i32 { // highest set bit, −1 for 0
  if (a.y != 0u) { return 32 + i32(firstLeadingBit(a.y)); }
  if (a.x != 0u) { return i32(firstLeadingBit(a.x)); }
  return -1;
}

fn mul32(a: u32, b: u32) -> vec2u {
  let al = a & 0xffffu;
  let ah = a >> 16u;
  let bl = b & 0xffffu;
  let bh = b >> 16u;
  let p0 = al * bl;
  let p1 = al * bh;
  let p2 = ah * bl;
  let mid = (p0 >> 16u) + (p1 & 0xffffu) + (p2 & 0xffffu);
  return vec2u((p0 & 0xffffu) | (mid << 16u), ah * bh + (p1 >> 16u) + (p2 >> 16u) + (mid >> 16u));
}

// ---- float64 ----

fn f64_zero(a: vec2u) -> bool { return (a.y & 0x7ff00000u) == 0u; }
fn f64_sign(a: vec2u) -> u32 { return a.y >> 31u; }
fn f64_exp(a: vec2u) -> i32 { return i32((a.y >> 20u) & 0x7ffu) - 1075; } // of the integer mantissa
fn f64_man(a: vec2u) -> vec2u { return vec2u(a.x, (a.y & 0xfffffu) | 0x100000u); }
fn f64_neg(a: vec2u) -> vec2u { return vec2u(a.x, a.y ^ 0x80000000u); }

// sign·m·2^e rounded to a double (ties to even); bit 0 of m may carry a sticky bit from below, so
// callers keep ≥ 2 bits beyond the 53 whenever they shortened m.
fn f64_pack(sign: u32, m: vec2u, e: i32) -> vec2u {
  let lead = u64_lead(m);
  if (lead < 0) { return vec2u(0u, sign << 31u); }
  var r = m;
  var x = e;
  if (lead > 52) {
    let k = u32(lead - 52);
    r = u64_shr(m, k);
    x += i32(k);
    let half = (u64_shr(m, k - 1u).x & 1u) != 0u;
    if (half && (u64_low(m, k - 1u) || (r.x & 1u) != 0u)) {
      r = u64_add(r, vec2u(1u, 0u));
      if (r.y == 0x200000u) { r = vec2u(0u, 0x100000u); x += 1; }
    }
  } else if (lead < 52) {
    let k = u32(52 - lead);
    r = u64_shl(m, k);
    x -= i32(k);
  }
  return vec2u(r.x, (sign << 31u) | (u32(x + 1075) << 20u) | (r.y & 0xfffffu));
}

fn f64_add(a: vec2u, b: vec2u) -> vec2u {
  if (f64_zero(a)) { return select(b, vec2u(0u, a.y & b.y), f64_zero(b)); }
  if (f64_zero(b)) { return a; }
  var x = a; // the larger magnitude
  var y = b;
  if (u64_ge(vec2u(b.x, b.y & 0x7fffffffu), vec2u(a.x, a.y & 0x7fffffffu))) { x = b; y = a; }
  let mx = u64_shl(f64_man(x), 3u); // 3 guard bits
  var my = u64_shl(f64_man(y), 3u);
  let d = u32(f64_exp(x) - f64_exp(y));
  if (d >= 60u) {
    my = vec2u(1u, 0u);
  } else if (d > 0u) {
    let sticky = u64_low(my, d);
    my = u64_shr(my, d);
    my.x |= select(0u, 1u, sticky);
  }
  if (f64_sign(x) == f64_sign(y)) { return f64_pack(f64_sign(x), u64_add(mx, my), f64_exp(x) - 3); }
  let m = u64_sub(mx, my);
  if (all(m == vec2u(0u))) { return vec2u(0u); }
  return f64_pack(f64_sign(x), m, f64_exp(x) - 3);
}

fn f64_sub(a: vec2u, b: vec2u) -> vec2u { return f64_add(a, f64_neg(b)); }

fn f64_mul(a: vec2u, b: vec2u) -> vec2u {
  let sign = f64_sign(a) ^ f64_sign(b);
  if (f64_zero(a) || f64_zero(b)) { return vec2u(0u, sign << 31u); }
  let ma = f64_man(a);
  let mb = f64_man(b);
  // The 106-bit product in four words w0…w3.
  let ll = mul32(ma.x, mb.x);
  let mid = u64_add(mul32(ma.x, mb.y), mul32(ma.y, mb.x));
  let lo = vec2u(ll.x, ll.y + mid.x);
  let hi = u64_add(u64_add(mul32(ma.y, mb.y), vec2u(mid.y, 0u)), vec2u(select(0u, 1u, lo.y < mid.x), 0u));
  // Its bits 42…105 (≥ 62 significant bits), the rest as a sticky bit.
  let sticky = lo.x != 0u || (lo.y & 0x3ffu) != 0u;
  let top = vec2u((lo.y >> 10u) | (hi.x << 22u) | select(0u, 1u, sticky), (hi.x >> 10u) | (hi.y << 22u));
  return f64_pack(sign, top, f64_exp(a) + f64_exp(b) + 42);
}

fn f64_div(a: vec2u, b: vec2u) -> vec2u { // b ≠ 0
  let sign = f64_sign(a) ^ f64_sign(b);
  if (f64_zero(a)) { return vec2u(0u, sign << 31u); }
  var r = f64_man(a);
  let mb = f64_man(b);
  var e = f64_exp(a) - f64_exp(b);
  if (!u64_ge(r, mb)) { r = u64_shl(r, 1u); e -= 1; }
  // 55 quotient bits by restoring division, the remainder as a sticky bit.
  var q = vec2u(0u);
  for (var i = 0; i < 55; i++) {
    q = u64_shl(q, 1u);
    if (u64_ge(r, mb)) { r = u64_sub(r, mb); q.x |= 1u; }
    r = u64_shl(r, 1u);
  }
  q.x |= select(0u, 1u, any(r != vec2u(0u)));
  return f64_pack(sign, q, e - 54);
}

fn f64_sqrt(a: vec2u) -> vec2u { // a ≥ 0
  if (f64_zero(a)) { return a; }
  var x = f64_man(a);
  var e = f64_exp(a);
  if ((e & 1) != 0) { x = u64_shl(x, 1u); e -= 1; }
  // 55 root bits of x·2^56, digit by digit; x < 2^54 supplies the first 27 bit pairs.
  var rem = vec2u(0u);
  var root = vec2u(0u);
  for (var i = 0; i < 55; i++) {
    rem = u64_shl(rem, 2u);
    if (i < 27) { rem.x |= u64_shr(x, u32(52 - 2 * i)).x & 3u; }
    var t = u64_shl(root, 2u);
    t.x |= 1u;
    root = u64_shl(root, 1u);
    if (u64_ge(rem, t)) { rem = u64_sub(rem, t); root.x |= 1u; }
  }
  root.x |= select(0u, 1u, any(rem != vec2u(0u)));
  return f64_pack(0u, root, (e - 56) / 2);
}

fn f64_from_f32(v: f32) -> vec2u {
  let b = bitcast<u32>(v);
  if ((b & 0x7f800000u) == 0u) { return vec2u(0u, b & 0x80000000u); }
  let m = b & 0x7fffffu;
  return vec2u(m << 29u, (b & 0x80000000u) | ((((b >> 23u) & 0xffu) + 896u) << 20u) | (m >> 3u));
}

fn f64_from_u32(v: u32) -> vec2u { return f64_pack(0u, vec2u(v, 0u), 0); }

fn f64_to_f32(a: vec2u) -> f32 {
  let sign = a.y & 0x80000000u;
  if (f64_zero(a)) { return bitcast<f32>(sign); }
  let m = f64_man(a);
  var r = (m.y << 3u) | (m.x >> 29u);
  var e = ((a.y >> 20u) & 0x7ffu) - 896u;
  if (((m.x >> 28u) & 1u) != 0u && ((m.x & 0x0fffffffu) != 0u || (r & 1u) != 0u)) {
    r += 1u;
    if (r == 0x1000000u) { r = 0x800000u; e += 1u; }
  }
  return bitcast<f32>(sign | (e << 23u) | (r & 0x7fffffu));
}

// Correctly rounded float32 x / (d·2^k) for an odd d < 256 (as numpy's float32 division): the
// 24-bit mantissa times 2^8 divided in integers, the remainder deciding ties.
fn f32_div(x: f32, d: u32, k: u32) -> f32 {
  let b = bitcast<u32>(x);
  let sign = b & 0x80000000u;
  if ((b & 0x7f800000u) == 0u) { return bitcast<f32>(sign); }
  let num = ((b & 0x7fffffu) | 0x800000u) << 8u;
  let q = num / d;
  let rem = num % d;
  // q has 24…27 bits; keep 24.
  let n = firstLeadingBit(q) - 23u;
  var r = q >> n;
  var up: bool;
  if (n == 0u) {
    up = 2u * rem > d; // d odd: never exactly half
  } else {
    let half = ((q >> (n - 1u)) & 1u) != 0u;
    up = half && ((q & ((1u << (n - 1u)) - 1u)) != 0u || rem != 0u || (r & 1u) != 0u);
  }
  var e = ((b >> 23u) & 0xffu) + n - 8u - k;
  if (up) {
    r += 1u;
    if (r == 0x1000000u) { r = 0x800000u; e += 1u; }
  }
  return bitcast<f32>(sign | (e << 23u) | (r & 0x7fffffu));
}

// ---- kernels ----

fn sum8(v: array<vec2u, 8>) -> vec2u { // numpy's pairwise order for 8 values
  return f64_add(f64_add(f64_add(v[0], v[1]), f64_add(v[2], v[3])), f64_add(f64_add(v[4], v[5]), f64_add(v[6], v[7])));
}

// Cell (n, c) as float64: f32(T / area) (area 224·56 = 49·2^8, or 224·224 = 49·2^10), then
// h / (Σ|h| + 1e-5), stored to hog as float32 when `store`.
fn normalised(n: u32, c: u32, store: bool) -> array<vec2u, 8> {
  var h: array<vec2u, 8>;
  for (var k = 0u; k < 8u; k++) { h[k] = f64_from_f32(f32_div(totals[(n * 5u + c) * 8u + k], 49u, select(8u, 10u, c == 4u))); }
  let d = f64_add(sum8(h), p.eps); // values are ≥ 0: Σ|h| = Σh
  for (var k = 0u; k < 8u; k++) {
    h[k] = f64_div(h[k], d);
    if (store) { hog[(n * 5u + c) * 8u + k] = f64_to_f32(h[k]); }
  }
  return h;
}

fn centred(h: array<vec2u, 8>) -> array<vec2u, 8> {
  let mean = f64_div(sum8(h), f64_from_u32(8u));
  var x: array<vec2u, 8>;
  for (var k = 0u; k < 8u; k++) { x[k] = f64_sub(h[k], mean); }
  return x;
}

// Σ a·b in index order, times 1/(8 − 1) (numpy.cov).
fn cov(a: array<vec2u, 8>, b: array<vec2u, 8>) -> vec2u {
  var s = f64_mul(a[0], b[0]);
  for (var k = 1u; k < 8u; k++) { s = f64_add(s, f64_mul(a[k], b[k])); }
  return f64_mul(s, p.inv7);
}

const ONE = vec2u(0u, 0x3ff00000u);

@compute @workgroup_size(WG)
fn correlate(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = flat_id(gid, nwg, WG);
  if (id >= p.n * 4u) { return; }
  let n = id / 4u;
  let strip = id % 4u;
  // Every strip's invocation normalises the face histogram; the first one stores it.
  let g = centred(normalised(n, 4u, strip == 0u));
  let a = centred(normalised(n, strip, true));
  let caa = cov(a, a);
  let cgg = cov(g, g);
  var r = ONE; // NaN (a constant histogram) → 1
  if (!f64_zero(caa) && !f64_zero(cgg)) {
    r = f64_div(f64_div(cov(a, g), f64_sqrt(caa)), f64_sqrt(cgg));
    if (u64_ge(vec2u(r.x, r.y & 0x7fffffffu), ONE)) { r = vec2u(0u, ONE.y | (r.y & 0x80000000u)); } // clip
  }
  rho[id] = r;
}

// f32(f64(c)·m), then f32 division by 255, then f32(f64(t) − 0.456), then f32(f64(t) / 0.225).
fn attention_input(c: u32, m: vec2u) -> f32 {
  let t = f32_div(f64_to_f32(f64_mul(f64_from_u32(c), m)), 255u, 0u);
  let v = f64_to_f32(f64_sub(f64_from_f32(t), p.mean));
  return f64_to_f32(f64_div(f64_from_f32(v), p.sd));
}

@compute @workgroup_size(WG)
fn bands(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = flat_id(gid, nwg, WG);
  if (id >= p.n * 4u * 257u) { return; }
  let entry = id % 257u;
  let r = rho_in[id / 257u];
  if (entry == 0u) {
    table[id] = f64_to_f32(r);
  } else {
    table[id] = attention_input(entry - 1u, r);
  }
}
