// Orientation histograms of the gradient codes (shaders/mask_gradients.wgsl): per image, 4 vertical
// strips of 56 columns and the whole face, 8 bins each, as float32 running totals updated pixel by
// pixel in row-major order, total = f32(f64(total) + m) as the original accumulates, bit for bit.
// Rounding makes the sum order-dependent, so each (image, cell, bin) is one invocation walking its
// cell in order; strip walkers come first and face walkers after, so a workgroup of 32 never mixes the
// two loop lengths. The float64 add-then-round-to-float32 is emulated exactly in integers (total and m
// as 2^-52 fixed point, 96 bits), immune to compiler re-association and fused multiply-adds.

override WG: u32 = 32;

const W: u32 = 224u;
const STRIP: u32 = 56u;
const M_MASK: u32 = 0x1fffffffu; // the magnitude's high bits; the bin sits above them

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> codes: array<vec4u>;    // two pixel codes per element
@group(0) @binding(2) var<storage, read_write> totals: array<u32>; // [N, 5, 8] float32 bits

// f32(f64(t) + m) for a float32 t (bits; 0 or ≥ 2^-29) and m = (lo, hi)·2^-52 (a float64 ≥ 2^-2).
fn add_rounded(t: u32, lo: u32, hi: u32) -> u32 {
  // t·2^52 in three words: its 24-bit mantissa shifted left by (exponent − 98) ∈ [27, 53].
  var x = vec3u(0u);
  if (t != 0u) {
    let man = (t & 0x7fffffu) | 0x800000u;
    let sh = ((t >> 23u) & 0xffu) - 98u;
    let b = sh & 31u;
    let low = man << b;
    let high = select(man >> (32u - b), 0u, b == 0u);
    x = select(vec3u(0u, low, high), vec3u(low, high, 0u), sh < 32u);
  }
  // + m
  let s0 = x.x + lo;
  let s1a = x.y + hi;
  let s1 = s1a + select(0u, 1u, s0 < lo);
  let s2 = x.z + select(0u, 1u, s1a < hi) + select(0u, 1u, s1 < s1a);
  // Round to 53 significant bits (the float64 sum): drop n ∈ [1, 25] bits, ties to even.
  let lead = select(32u + firstLeadingBit(s1), 64u + firstLeadingBit(s2), s2 != 0u);
  var q = vec2u(s0, s1);
  var d = 0u;
  if (lead > 52u) {
    d = lead - 52u;
    q = vec2u((s0 >> d) | (s1 << (32u - d)), (s1 >> d) | (s2 << (32u - d)));
    let half = (s0 >> (d - 1u)) & 1u;
    let rest = (s0 & ((1u << (d - 1u)) - 1u)) != 0u;
    if (half != 0u && (rest || (q.x & 1u) != 0u)) {
      q.x += 1u;
      q.y += select(0u, 1u, q.x == 0u);
    }
  }
  // Round q·2^(d − 52) to 24 bits (the float32): drop n2 ∈ [27, 30] bits of q.
  let n2 = 32u + firstLeadingBit(q.y) - 23u;
  var r = (q.x >> n2) | (q.y << (32u - n2));
  let half2 = (q.x >> (n2 - 1u)) & 1u;
  let rest2 = (q.x & ((1u << (n2 - 1u)) - 1u)) != 0u;
  var e = d + n2;
  if (half2 != 0u && (rest2 || (r & 1u) != 0u)) {
    r += 1u;
    if (r == 0x1000000u) { r = 0x800000u; e += 1u; }
  }
  // value = r·2^(e − 52) with r ∈ [2^23, 2^24): biased float32 exponent e − 52 + 23 + 127.
  return ((e + 98u) << 23u) | (r & 0x7fffffu);
}

fn step(t: u32, code: vec2u, bin: u32) -> u32 {
  let hi = code.y & M_MASK;
  if ((code.y >> 29u) == bin && hi != 0u) { return add_rounded(t, code.x, hi); }
  return t;
}

// BLOCK elements (2·BLOCK pixels) from `at`, loaded before any is added: the loads do not wait on
// the running total, so their latency is paid once per block instead of once per pixel pair.
const BLOCK: u32 = 4u;
fn block(t: u32, at: u32, bin: u32) -> u32 {
  var v: array<vec4u, BLOCK>;
  for (var i = 0u; i < BLOCK; i++) { v[i] = codes[at + i]; }
  var s = t;
  for (var i = 0u; i < BLOCK; i++) { s = step(step(s, v[i].xy, bin), v[i].zw, bin); }
  return s;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = flat_id(gid, nwg, WG);
  let strips = p.n * 32u;
  if (id >= p.n * 40u) { return; }
  var t = 0u;
  var out: u32;
  if (id < strips) {
    let bin = id % 8u;
    let strip = (id / 8u) % 4u;
    let n = id / 32u;
    for (var y = 0u; y < W; y++) {
      let base = ((n * W + y) * W + strip * STRIP) / 2u;
      for (var i = 0u; i < STRIP / 2u; i += BLOCK) { t = block(t, base + i, bin); }
    }
    out = (n * 5u + strip) * 8u + bin;
  } else {
    let bin = (id - strips) % 8u;
    let n = (id - strips) / 8u;
    let base = n * W * W / 2u;
    for (var i = 0u; i < W * W / 2u; i += BLOCK) { t = block(t, base + i, bin); }
    out = (n * 5u + 4u) * 8u + bin;
  }
  totals[out] = t;
}
