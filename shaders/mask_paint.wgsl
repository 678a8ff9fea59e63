// The weighted mask and both network inputs (the face, and the face × mask), 4 pixels of a row per invocation.
// Mask: the band weight f32(ρ_b) with b = row / 56 (the original's horizontal bands) or column / 56
// (COLUMNS); over it the 15×15 diamonds 1 − |dr|/15 − |dc|/15 of the landmarks, the last landmark
// covering a pixel winning (the original paints in index order and overwrites). Landmarks with
// x < 0, y < 0, x ≥ 223 or y ≥ 223 (after truncation, done on the host in float64) are skipped.
// Every value, and both inputs, come from tables holding the exact float64 → float32 sequences:
// per image and band (shaders/mask_correlate.wgsl `bands`) and constant ones for the diamonds.

override WG: u32 = 64;
override COLUMNS: bool = false;

const W: u32 = 224u;
const PLANE: u32 = 50176u; // 224·224
const GROUPS: u32 = 56u;
const RADIUS: i32 = 7;
// Offsets into `fixed`: image input [256], diamond mask [8·8], diamond attention input [8·8][256].
const DIAMOND_MASK: u32 = 256u;
const DIAMOND_ATTN: u32 = 320u;

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> faces: array<u32>;       // [N, 224, 224, 3] bytes
@group(0) @binding(2) var<storage, read> marks: array<vec2i>;     // [N, 68] truncated (x, y)
@group(0) @binding(3) var<storage, read> bands: array<f32>;       // [N, 4, 257]: f32(ρ), attention[256]
@group(0) @binding(4) var<storage, read> fixed: array<f32>;
@group(0) @binding(5) var<storage, read_write> mask: array<vec4f>;  // [N, 224, 224]
@group(0) @binding(6) var<storage, read_write> image: array<vec4f>; // [N, 3, 224, 224]
@group(0) @binding(7) var<storage, read_write> attn: array<vec4f>;  // [N, 3, 224, 224]

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = flat_id(gid, nwg, WG);
  if (id >= p.n * W * GROUPS) { return; }
  let g = id % GROUPS;
  let y = (id / GROUPS) % W;
  let n = id / (GROUPS * W);
  let x0 = i32(g * 4u);
  // Diamond cell (|dr|·8 + |dc|) per pixel, −1 for none: the highest landmark index covering it.
  var cell = vec4i(-1);
  for (var i = 67; i >= 0 && any(cell < vec4i(0)); i--) {
    let m = marks[n * 68u + u32(i)];
    let dr = abs(i32(y) - m.y);
    if (m.x < 0 || m.y < 0 || m.x >= 223 || m.y >= 223 || dr > RADIUS) { continue; }
    let dc = abs(vec4i(x0) + vec4i(0, 1, 2, 3) - vec4i(m.x));
    cell = select(cell, dr * 8 + dc, (cell < vec4i(0)) & (dc <= vec4i(RADIUS)));
  }
  let band = (n * 4u + select(y, u32(x0), COLUMNS) / 56u) * 257u;
  var wm = vec4f(bands[band]);
  for (var k = 0; k < 4; k++) {
    if (cell[k] >= 0) { wm[k] = fixed[DIAMOND_MASK + u32(cell[k])]; }
  }
  let pix = (n * W + y) * W + u32(x0);
  mask[pix / 4u] = wm;
  // The group's 12 bytes: pixel k, channel c at byte 3k + c.
  let words = vec3u(faces[pix * 3u / 4u], faces[pix * 3u / 4u + 1u], faces[pix * 3u / 4u + 2u]);
  for (var c = 0u; c < 3u; c++) {
    var vi: vec4f;
    var va: vec4f;
    for (var k = 0u; k < 4u; k++) {
      let j = 3u * k + c;
      let v = (words[j >> 2u] >> ((j & 3u) * 8u)) & 0xffu;
      vi[k] = fixed[v];
      if (cell[k] >= 0) {
        va[k] = fixed[DIAMOND_ATTN + u32(cell[k]) * 256u + v];
      } else {
        va[k] = bands[band + 1u + v];
      }
    }
    let o = ((n * 3u + c) * PLANE + y * W + u32(x0)) / 4u;
    image[o] = vi;
    attn[o] = va;
  }
}
