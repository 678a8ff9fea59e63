// Weight gradient of the convolution family as a two-stage reduction (deterministic, no atomics):
//   out[a, b_g, ky, kx] = Σ_{n, y, x} A[n, a, y, x] · B[n, g·CB/groups + b_g, y·sh − pt + ky, x·sw − pl + kx]
// where g is a's group. conv2d's dW is A = dY, B = x; convTranspose2d's dW is A = x, B = dY.
//
//   partial: stage 1. The reduction over R = N·Ha·Wa positions is split into `chunks` interleaved slices
//            (positions chunk, chunk + chunks, …): each invocation owns a register block of TA rows a × TK
//            consecutive taps t = (b_g, ky, kx) and sums one slice into part[chunk, a, t]. Slices give the
//            parallelism a small weight tensor lacks; interleaving them makes neighbouring invocations (the
//            chunk index varies fastest) read neighbouring positions, so their loads coalesce.
//   pointwise: stage 1 for a 1×1 / stride 1 / unpadded / one-group weight (Ha·Wa = Hb·Wb, a multiple of 4),
//            where taps are B's channels and positions are vec4s of the contiguous planes:
//            part[chunk, a, b] = Σ over the slice's vec4 positions of A[n, a, ·] · B[n, b, ·]. An invocation
//            owns TA rows a × TB rows b in vec4 accumulators (each load feeds TB or TA fmas), adds their
//            lanes in a fixed order at the end, and walks the same interleaved slices as `partial`.
//   sum:     stage 2. out[i] = Σ_chunk part[chunk, i], in chunk order.

override WG: u32 = 64;
override TA: u32 = 4;   // ≤ MAX_A
override TK: u32 = 4;   // ≤ MAX_K
override TB: u32 = 4;   // ≤ MAX_B

const MAX_A: u32 = 8u;
const MAX_K: u32 = 9u;
const MAX_B: u32 = 8u;

struct Params {
  n: u32, ca: u32, ha: u32, wa: u32,
  cb: u32, hb: u32, wb: u32, groups: u32,
  kh: u32, kw: u32, sh: u32, sw: u32,
  pt: i32, pl: i32, ablocks: u32, tblocks: u32,
  chunks: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> part: array<f32>;

@compute @workgroup_size(WG)
fn partial(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var id = flat_id(gid, nwg, WG);
  let chunk = id % p.chunks; id /= p.chunks;
  let tb = id % p.tblocks; id /= p.tblocks;
  let ab = id % p.ablocks;
  let g = id / p.ablocks;
  if (g >= p.groups) { return; }

  let ca_g = p.ca / p.groups;
  let cb_g = p.cb / p.groups;
  let ksize = p.kh * p.kw;
  let taps = cb_g * ksize;
  let a0 = g * ca_g + ab * TA;
  let t0 = tb * TK;
  // Per-tap offsets, hoisted out of the reduction; rows/taps past the end use clamped indices, unstored.
  var aoff: array<u32, MAX_A>;
  for (var i = 0u; i < TA; i++) { aoff[i] = (g * ca_g + min(ab * TA + i, ca_g - 1u)) * p.ha * p.wa; }
  var boff: array<u32, MAX_K>;
  var ky: array<i32, MAX_K>;
  var kx: array<i32, MAX_K>;
  for (var k = 0u; k < TK; k++) {
    let t = min(t0 + k, taps - 1u);
    let kk = t % ksize;
    boff[k] = (g * cb_g + t / ksize) * p.hb * p.wb;
    ky[k] = i32(kk / p.kw);
    kx[k] = i32(kk % p.kw);
  }

  var acc: array<array<f32, MAX_K>, MAX_A>;
  let plane = p.ha * p.wa;
  // Walk the slice's positions (n, y, x) by adding the step `chunks` = (sn, sy, sx) with carries: no
  // divisions in the loop.
  let sx = p.chunks % p.wa;
  let sy = (p.chunks / p.wa) % p.ha;
  let sn = p.chunks / plane;
  var n = chunk / plane;
  var y = (chunk % plane) / p.wa;
  var xx = chunk % p.wa;
  let ih = i32(p.hb);
  let iw = i32(p.wb);
  while (n < p.n) {
    let apos = n * p.ca * plane + y * p.wa + xx;
    var av: array<f32, MAX_A>;
    for (var i = 0u; i < TA; i++) { av[i] = A[apos + aoff[i]]; }
    let bn = n * p.cb * p.hb * p.wb;
    let by = i32(y * p.sh) - p.pt;
    let bx = i32(xx * p.sw) - p.pl;
    for (var k = 0u; k < TK; k++) {
      let iy = by + ky[k];
      let ix = bx + kx[k];
      let inside = iy >= 0 && iy < ih && ix >= 0 && ix < iw;
      let bv = select(0.0, B[bn + boff[k] + u32(clamp(iy, 0, ih - 1)) * p.wb + u32(clamp(ix, 0, iw - 1))], inside);
      for (var i = 0u; i < TA; i++) { acc[i][k] = fma(av[i], bv, acc[i][k]); }
    }
    xx += sx;
    if (xx >= p.wa) { xx -= p.wa; y++; }
    y += sy;
    if (y >= p.ha) { y -= p.ha; n++; }
    n += sn;
  }

  let out = chunk * p.ca * taps;
  for (var i = 0u; i < TA; i++) {
    if (ab * TA + i >= ca_g) { break; }
    for (var k = 0u; k < TK; k++) {
      if (t0 + k < taps) { part[out + (a0 + i) * taps + t0 + k] = acc[i][k]; }
    }
  }
}

struct PwParams { n: u32, ca: u32, cb: u32, hw4: u32, ablocks: u32, bblocks: u32, chunks: u32 }
@group(0) @binding(0) var<uniform> q: PwParams;
@group(0) @binding(1) var<storage, read> A4: array<vec4f>;
@group(0) @binding(2) var<storage, read> B4: array<vec4f>;

@compute @workgroup_size(WG)
fn pointwise(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var id = flat_id(gid, nwg, WG);
  let chunk = id % q.chunks; id /= q.chunks;
  let bb = id % q.bblocks;
  let ab = id / q.bblocks;
  if (ab >= q.ablocks) { return; }

  let a0 = ab * TA;
  let b0 = bb * TB;
  // Rows past the end read clamped rows and are not stored.
  var aoff: array<u32, MAX_A>;
  for (var i = 0u; i < TA; i++) { aoff[i] = min(a0 + i, q.ca - 1u) * q.hw4; }
  var boff: array<u32, MAX_B>;
  for (var j = 0u; j < TB; j++) { boff[j] = min(b0 + j, q.cb - 1u) * q.hw4; }

  var acc: array<array<vec4f, MAX_B>, MAX_A>;
  // Step `chunks` vec4 positions = (sn, sv) with a carry, as in `partial`.
  let sv = q.chunks % q.hw4;
  let sn = q.chunks / q.hw4;
  var n = chunk / q.hw4;
  var v = chunk % q.hw4;
  while (n < q.n) {
    let an = n * q.ca * q.hw4 + v;
    let bn = n * q.cb * q.hw4 + v;
    var bv: array<vec4f, MAX_B>;
    for (var j = 0u; j < TB; j++) { bv[j] = B4[bn + boff[j]]; }
    for (var i = 0u; i < TA; i++) {
      let av = A4[an + aoff[i]];
      for (var j = 0u; j < TB; j++) { acc[i][j] = fma(av, bv[j], acc[i][j]); }
    }
    v += sv;
    if (v >= q.hw4) { v -= q.hw4; n++; }
    n += sn;
  }

  let out = chunk * q.ca * q.cb;
  for (var i = 0u; i < TA; i++) {
    if (a0 + i >= q.ca) { break; }
    for (var j = 0u; j < TB; j++) {
      let r = acc[i][j];
      if (b0 + j < q.cb) { part[out + (a0 + i) * q.cb + b0 + j] = (r.x + r.y) + (r.z + r.w); }
    }
  }
}

struct SumParams { size: u32, chunks: u32 }
@group(0) @binding(0) var<uniform> s: SumParams;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn sum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_id(gid, nwg, WG);
  if (i >= s.size) { return; }
  var acc = 0.0;
  for (var c = 0u; c < s.chunks; c++) { acc += src[c * s.size + i]; }
  dst[i] = acc;
}
