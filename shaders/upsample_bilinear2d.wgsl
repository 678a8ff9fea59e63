// Bilinear ×2 upsampling of NCHW planes with align_corners = true (src/kernels/launchers/upsample_bilinear2d.ts).
// Output index o samples the input at o·scale, scale = (in − 1)/(out − 1) rounded to f32, computed as
// PyTorch does; `taps` is the one place that turns o into two input indices and their weights.
//
// forward: one output pixel from its 4 taps.
// backward: atomics-free gather with exactly the forward's weights — each input pixel sums over the
//   output pixels that touch it. Output o touches input i only if o·scale ∈ [i − 1, i + 1), which
//   with scale < 1/2 and out = 2·in means o ∈ [2i − 2, 2i + 3]. f32 rounding cannot move o·scale
//   across an integer there while in ≤ 1024: its error (≤ in·2⁻²³) stays below the distance
//   1/(2·in − 1) of a non-integer o·(in − 1)/(2·in − 1) from the nearest integer; the one exact
//   integer besides 0, at o = 2·in − 1, stays inside the window of both inputs it may touch.
// Each invocation takes 4 elements WG apart (`element`), so that the threads of a workgroup touch
// consecutive addresses at every step.

override WG: u32 = 64;

const SPAN: u32 = 6u;   // candidate outputs per input index: 2i − 2 … 2i + 3

struct Params {
  h: u32, w: u32,         // input plane
  oh: u32, ow: u32,       // output plane
  scale_h: f32, scale_w: f32,
  n: u32,                 // elements: outputs (forward) or input pixels (backward)
}
@group(0) @binding(0) var<uniform> p: Params;

// The k-th of the 4 elements of this invocation.
fn element(gid: vec3u, nwg: vec3u, lid: u32, k: u32) -> u32 {
  return (flat_id(gid, nwg, WG) - lid) * 4u + lid + k * WG;
}

struct Taps { i0: u32, i1: u32, l0: f32, l1: f32 }

fn taps(o: u32, scale: f32, len: u32) -> Taps {
  let src = f32(o) * scale;
  let i0 = min(u32(floor(src)), len - 1u);
  let l1 = clamp(src - f32(i0), 0.0, 1.0);
  return Taps(i0, select(i0, i0 + 1u, i0 + 1u < len), 1.0 - l1, l1);
}

// Weight of input index i in output o's interpolation; at the last row/column both taps are i.
fn tap_weight(o: i32, i: u32, scale: f32, len: u32, out_len: u32) -> f32 {
  if (o < 0 || o >= i32(out_len)) { return 0.0; }
  let t = taps(u32(o), scale, len);
  return select(0.0, t.l0, t.i0 == i) + select(0.0, t.l1, t.i1 == i);
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  for (var k = 0u; k < 4u; k++) {
    let o = element(gid, nwg, lid.x, k);
    if (o >= p.n) { return; }
    let row = o / p.ow;              // plane·OH + oy
    let plane_base = (row / p.oh) * p.h * p.w;
    let ty = taps(row % p.oh, p.scale_h, p.h);
    let tx = taps(o - row * p.ow, p.scale_w, p.w);
    let r0 = plane_base + ty.i0 * p.w;
    let r1 = plane_base + ty.i1 * p.w;
    let top = tx.l0 * x[r0 + tx.i0] + tx.l1 * x[r0 + tx.i1];
    let bottom = tx.l0 * x[r1 + tx.i0] + tx.l1 * x[r1 + tx.i1];
    y[o] = ty.l0 * top + ty.l1 * bottom;
  }
}

@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  for (var k = 0u; k < 4u; k++) {
    let i = element(gid, nwg, lid.x, k);
    if (i >= p.n) { return; }
    let row = i / p.w;               // plane·H + iy
    let iy = row % p.h;
    let ix = i - row * p.w;
    let out_base = (row / p.h) * p.oh * p.ow;
    var wy: array<f32, SPAN>;
    var wx: array<f32, SPAN>;
    for (var r = 0u; r < SPAN; r++) {
      wy[r] = tap_weight(i32(2u * iy + r) - 2, iy, p.scale_h, p.h, p.oh);
      wx[r] = tap_weight(i32(2u * ix + r) - 2, ix, p.scale_w, p.w, p.ow);
    }
    var acc = 0.0;
    for (var r = 0u; r < SPAN; r++) {
      if (wy[r] == 0.0) { continue; }
      let o_row = out_base + (2u * iy + r - 2u) * p.ow;
      var racc = 0.0;
      for (var q = 0u; q < SPAN; q++) {
        if (wx[q] != 0.0) { racc += wx[q] * g[o_row + 2u * ix + q - 2u]; }
      }
      acc += wy[r] * racc;
    }
    dx[i] = acc;
  }
}
