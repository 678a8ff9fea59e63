// Shared by the direct convolution (conv2d.wgsl's main) and the transposed one (conv_transpose2d.wgsl):
// the convolution's geometry, its bindings, and where an invocation's register tile of TC output channels
// × TW columns sits. Included, never compiled alone.

override TC: u32 = 4;   // ≤ MAX_T
override TW: u32 = 4;   // ≤ MAX_T

// Register tiles are fixed-size arrays; the loops run to the override sizes, which are constants by the
// time the pipeline is compiled, so they unroll and the arrays live in registers.
const MAX_T: u32 = 8u;

// wblocks: tiles of TW output columns per output row (the transposed kernel: per phase of a row).
struct Params {
  n: u32, cin: u32, h: u32, w: u32,
  cout: u32, ho: u32, wo: u32, groups: u32,
  kh: u32, kw: u32, sh: u32, sw: u32,
  pt: i32, pl: i32, cblocks: u32, wblocks: u32,
  has_bias: u32,
}
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> wt: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;   // bound to wt and unused without has_bias
@group(0) @binding(4) var<storage, read_write> y: array<f32>;

// The output row a tile lies in: image n, group g, block cb of TC channels within the group, row oy.
struct OutRow { n: u32, g: u32, cb: u32, oy: u32 }

// Splits ((n·groups + g)·cblocks + cb)·ho + oy, what is left of the flat index once the tile's place
// within its row is taken off. n ≥ p.n marks an invocation past the end.
fn out_row(index: u32) -> OutRow {
  var id = index;
  let oy = id % p.ho; id /= p.ho;
  let cb = id % p.cblocks; id /= p.cblocks;
  let g = id % p.groups;
  return OutRow(id / p.groups, g, cb, oy);
}
