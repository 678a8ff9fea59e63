// Depthwise 3×3 conv2d forward (groups == Cin == Cout), stride S ∈ {1, 2}, any padding.
// Each invocation computes TW consecutive output columns of one (image, channel, output row): the 9
// weights stay in registers, and each input row's span of (TW − 1)·S + 3 values is loaded once and
// reused by the three horizontal taps of every column.
// FLIP reads the filter rotated by 180°: with padding 2 − p that is the stride-1 transposed depthwise
// conv, i.e. the dX of a stride-1 depthwise conv2d.

override WG: u32 = 64;
override S: u32 = 1;
override TW: u32 = 8;   // ≤ MAX_W
override FLIP: bool = false;

const MAX_W: u32 = 8u;
const MAX_SPAN: u32 = (MAX_W - 1u) * 2u + 3u;

struct Params { n: u32, c: u32, h: u32, w: u32, ho: u32, wo: u32, pt: i32, pl: i32, wblocks: u32, has_bias: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;   // bound to wt and unused without has_bias
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var id = flat_id(gid, nwg, WG);
  let wb = id % p.wblocks; id /= p.wblocks;
  let oy = id % p.ho;
  let nc = id / p.ho;   // n · C + c
  if (nc >= p.n * p.c) { return; }
  let c = nc % p.c;

  var k: array<f32, 9>;
  for (var t = 0u; t < 9u; t++) { k[t] = wt[c * 9u + select(t, 8u - t, FLIP)]; }
  var acc: array<f32, MAX_W>;
  if (p.has_bias != 0u) {
    for (var j = 0u; j < TW; j++) { acc[j] = bias[c]; }
  }

  let ox0 = wb * TW;
  let ix0 = i32(ox0 * S) - p.pl;
  let iw = i32(p.w);
  let span = (TW - 1u) * S + 3u;
  for (var ky = 0u; ky < 3u; ky++) {
    let iy = i32(oy * S) - p.pt + i32(ky);
    if (iy < 0 || iy >= i32(p.h)) { continue; }
    let xr = (nc * p.h + u32(iy)) * p.w;
    var xs: array<f32, MAX_SPAN>;
    for (var t = 0u; t < span; t++) {
      let ix = ix0 + i32(t);
      xs[t] = select(0.0, x[xr + u32(clamp(ix, 0, iw - 1))], ix >= 0 && ix < iw);
    }
    for (var kx = 0u; kx < 3u; kx++) {
      let kv = k[ky * 3u + kx];
      for (var j = 0u; j < TW; j++) { acc[j] = fma(kv, xs[j * S + kx], acc[j]); }
    }
  }

  let yr = (nc * p.ho + oy) * p.wo;
  for (var j = 0u; j < TW; j++) {
    if (ox0 + j < p.wo) { y[yr + ox0 + j] = act(acc[j]); }
  }
}
