// Sums over rows of a [rows, cols] view with an inner stride: out[r] = alpha · Σ_j x[...].
// The view covers both reductions the engine needs:
//   per-channel sums of NCHW (rows = C, cols = N·HW, element (c, j) at (j / HW)·C·HW + c·HW + j % HW)
//   a full sum (rows = 1, cols = size, HW = size, C = 1).
// One workgroup per row: each thread strides over the row, then a tree reduction in workgroup memory.

override WG: u32 = 64;

struct Params { cols: u32, hw: u32, chw: u32, alpha: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let r = wid.x;
  var acc = 0.0;
  for (var j = lid.x; j < p.cols; j += WG) {
    acc += x[(j / p.hw) * p.chw + r * p.hw + j % p.hw];
  }
  partial[lid.x] = acc;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { out[r] = partial[0] * p.alpha; }
}
