// HOG gradients of 224×224 BGR faces (per channel, central differences, 0 on the border rows/columns;
// per pixel the channel with the largest magnitude), one code per pixel:
//   x = low word, y = high word | bin << 29 of m·2^52, where m is the float64 magnitude of the
//   channel with the largest magnitude (first on ties) and bin its 22.5° orientation bin.
// Gradients are integers, so the choice of channel (by gx² + gy²) and the bin (exact comparisons
// with tan 22.5° = √2 − 1 and tan 67.5° = √2 + 1 through squares) need no floating point; the
// magnitude comes from a table of correctly rounded float64 square roots in 2^-52 fixed point, which
// lets the histogram kernel reproduce the reference's float32 running totals bit for bit.
// One invocation covers 4 pixels of a row: 12 bytes = 3 aligned words of the packed image.
// SOBEL: 3×3 Sobel responses / 4 instead of [−1, 0, 1], zero on the border pixels.

override WG: u32 = 64;
override SOBEL: bool = false;

const W: u32 = 224u;
const ROW_WORDS: u32 = 168u; // 224 pixels · 3 bytes / 4
const GROUPS: u32 = 56u;     // 4-pixel groups per row

struct Params { n: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> faces: array<u32>;       // [N, 224, 224, 3] bytes
@group(0) @binding(2) var<storage, read> roots: array<vec2u>;     // s → m·2^52 for gx² + gy² = s
@group(0) @binding(3) var<storage, read_write> codes: array<vec2u>; // [N, 224, 224]

// The group's 3 words with the previous and next word of the row (bytes of pixels x − 1 and x + 4).
fn row_words(n: u32, y: u32, g: u32) -> array<u32, 5> {
  let base = (n * W + y) * ROW_WORDS + g * 3u;
  var w = array<u32, 5>(0u, faces[base], faces[base + 1u], faces[base + 2u], 0u);
  if (g > 0u) { w[0] = faces[base - 1u]; }
  if (g + 1u < GROUPS) { w[4] = faces[base + 3u]; }
  return w;
}

// Channel c of pixel x0 + k (k = −1…4) from row_words.
fn px(w: array<u32, 5>, k: i32, c: i32) -> i32 {
  let j = u32(3 * k + c + 4);
  return i32((w[j >> 2u] >> ((j & 3u) * 8u)) & 0xffu);
}

// Orientation bin of atan2(gy, gx) mod 180° (y down): bin k holds [22.5k, 22.5(k+1)); exact 45°, 90°,
// 135° belong to the upper bin, 0°/180° to bin 0. Equalities with tan 22.5°, tan 67.5° are impossible
// for nonzero integers, so the strict tests below decide every case exactly.
fn hog_bin(gx: i32, gy: i32) -> u32 {
  var x = gx;
  var y = gy;
  if (y < 0 || (y == 0 && x < 0)) { x = -x; y = -y; }
  if (y == 0) { return 0u; }
  let ax = abs(x);
  let lt22 = (y + ax) * (y + ax) < 2 * ax * ax;           // y < (√2 − 1)·|x|
  let lt67 = y <= ax || (y - ax) * (y - ax) < 2 * ax * ax; // y < (√2 + 1)·|x|
  if (x > 0) {
    return select(select(select(3u, 2u, lt67), 1u, y < ax), 0u, lt22);
  }
  // x ≤ 0 < y: θ = 180° − angle of (|x|, y); 135° (y = |x|) stays in bin 6, 90° (x = 0) in bin 4.
  return select(select(select(4u, 5u, lt67), 6u, y <= ax), 7u, lt22);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = flat_id(gid, nwg, WG);
  if (id >= p.n * W * GROUPS) { return; }
  let g = id % GROUPS;
  let y = (id / GROUPS) % W;
  let n = id / (GROUPS * W);
  let mid = row_words(n, y, g);
  var up = array<u32, 5>(0u, 0u, 0u, 0u, 0u);
  var down = up;
  if (y > 0u) { up = row_words(n, y - 1u, g); }
  if (y + 1u < W) { down = row_words(n, y + 1u, g); }
  let border_y = y == 0u || y + 1u == W;
  for (var k = 0; k < 4; k++) {
    let x = g * 4u + u32(k);
    let border_x = x == 0u || x + 1u == W;
    var best = 0;
    var bx = 0;
    var by = 0;
    for (var c = 0; c < 3; c++) {
      var gx = 0;
      var gy = 0;
      if (SOBEL) {
        if (!border_x && !border_y) {
          gx = px(up, k + 1, c) + 2 * px(mid, k + 1, c) + px(down, k + 1, c) - px(up, k - 1, c) - 2 * px(mid, k - 1, c) - px(down, k - 1, c);
          gy = px(down, k - 1, c) + 2 * px(down, k, c) + px(down, k + 1, c) - px(up, k - 1, c) - 2 * px(up, k, c) - px(up, k + 1, c);
        }
      } else {
        if (!border_x) { gx = px(mid, k + 1, c) - px(mid, k - 1, c); }
        if (!border_y) { gy = px(down, k, c) - px(up, k, c); }
      }
      let s = gx * gx + gy * gy;
      if (s > best) { best = s; bx = gx; by = gy; }
    }
    let m = roots[best];
    codes[(n * W + y) * W + x] = vec2u(m.x, m.y | (hog_bin(bx, by) << 29u));
  }
}
