// Training augmentation of a batch [N, 3, H, W] of 0–255 values (augment.ts), one pass per stage: black
// rectangles, one colour-jitter step, one axis of the Gaussian blur; and the conversions from and to the
// network's normalised inputs (v/255 − mean)/std. Per-image parameters are a record of
// `stride` u32 words per image in `rec` (layout in augment.ts); floats in it are bit patterns. Each invocation
// handles four consecutive pixels of one row, all three channels.

override WG: u32 = 64;
override AXIS: u32 = 0u;   // blur: 0 along x (rows), 1 along y (columns)

// off: the record offset of this pass's fields; taps: blur kernel length; rh × rw: rectangle size;
// mean, sd: the input normalisation.
struct Params { n: u32, h: u32, w: u32, stride: u32, off: u32, taps: u32, rh: u32, rw: u32, mean: f32, sd: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> rec: array<u32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;

// (image, row, first column) of invocation t, or image = n when t is past the end.
fn pixel_block(t: u32) -> vec3u {
  let blocks = (p.w + 3u) / 4u;
  let per_image = p.h * blocks;
  if (t >= p.n * per_image) { return vec3u(p.n, 0u, 0u); }
  let r = t % per_image;
  return vec3u(t / per_image, r / blocks, (r % blocks) * 4u);
}

fn at(img: u32, ch: u32, y: u32, x: u32) -> u32 {
  return ((img * 3u + ch) * p.h + y) * p.w + x;
}

// Record words 0: rectangle count, then (top, left) per rectangle.
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn rectangles(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = pixel_block(flat_id(gid, nwg, WG));
  if (b.x >= p.n) { return; }
  let base = b.x * p.stride;
  let rects = rec[base];
  let y = b.y;
  for (var j = 0u; j < 4u; j++) {
    let x = b.z + j;
    if (x >= p.w) { return; }
    var black = false;
    for (var r = 0u; r < rects; r++) {
      let top = rec[base + 1u + 2u * r];
      let left = rec[base + 2u + 2u * r];
      black = black || (y >= top && y < top + p.rh && x >= left && x < left + p.rw);
    }
    for (var ch = 0u; ch < 3u; ch++) {
      let i = at(b.x, ch, y, x);
      dst[i] = select(src[i], 0.0, black);
    }
  }
}

// torchvision's ColorJitter ops on float images (bound 255), channel 0 taking the "red" weight as torchvision
// does on whatever order it is given: _blend(img, other, f) = clamp(f·img + (1 − f)·other, 0, 255).
const NONE: u32 = 0u;
const BRIGHTNESS: u32 = 1u;   // other = 0
const CONTRAST: u32 = 2u;     // other = mean grayscale of the image
const SATURATION: u32 = 3u;   // other = the pixel's grayscale
const GRAY = vec3f(0.2989, 0.587, 0.114);

// Record words off: op, off + 1: factor. means: per-(image, channel) means [N, 3] (contrast only).
@group(0) @binding(3) var<storage, read> means: array<f32>;
@group(0) @binding(4) var<storage, read_write> jdst: array<f32>;

@compute @workgroup_size(WG)
fn jitter(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = pixel_block(flat_id(gid, nwg, WG));
  if (b.x >= p.n) { return; }
  let base = b.x * p.stride + p.off;
  let op = rec[base];
  let f = bitcast<f32>(rec[base + 1u]);
  var other = 0.0;
  if (op == CONTRAST) { other = dot(GRAY, vec3f(means[b.x * 3u], means[b.x * 3u + 1u], means[b.x * 3u + 2u])); }
  for (var j = 0u; j < 4u; j++) {
    let x = b.z + j;
    if (x >= p.w) { return; }
    var v = vec3f(src[at(b.x, 0u, b.y, x)], src[at(b.x, 1u, b.y, x)], src[at(b.x, 2u, b.y, x)]);
    if (op != NONE) {
      if (op == SATURATION) { other = dot(GRAY, v); }
      v = clamp(f * v + (1.0 - f) * other, vec3f(0.0), vec3f(255.0));
    }
    for (var ch = 0u; ch < 3u; ch++) { jdst[at(b.x, ch, b.y, x)] = v[ch]; }
  }
}

// PyTorch's "reflect" padding: −1 → 1, n → n − 2.
fn reflect(i: i32, n: u32) -> u32 {
  var j = abs(i);
  if (j >= i32(n)) { j = 2 * (i32(n) - 1) - j; }
  return u32(j);
}

// One axis of the separable Gaussian: taps weights from record word off (an unblurred image has 1, 0, … and
// is copied exactly).
@compute @workgroup_size(WG)
fn blur(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = pixel_block(flat_id(gid, nwg, WG));
  if (b.x >= p.n) { return; }
  let base = b.x * p.stride + p.off;
  let half = i32(p.taps / 2u);
  for (var j = 0u; j < 4u; j++) {
    let x = b.z + j;
    if (x >= p.w) { return; }
    var acc = vec3f(0.0);
    for (var k = 0u; k < p.taps; k++) {
      let wk = bitcast<f32>(rec[base + k]);
      var sy = b.y;
      var sx = x;
      if (AXIS == 0u) { sx = reflect(i32(x + k) - half, p.w); } else { sy = reflect(i32(b.y + k) - half, p.h); }
      acc += wk * vec3f(src[at(b.x, 0u, sy, sx)], src[at(b.x, 1u, sy, sx)], src[at(b.x, 2u, sy, sx)]);
    }
    for (var ch = 0u; ch < 3u; ch++) { dst[at(b.x, ch, b.y, x)] = acc[ch]; }
  }
}

// Normalised inputs → 0–255 values.
@group(0) @binding(1) var<storage, read> norm_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> pixels_out: array<f32>;

@compute @workgroup_size(WG)
fn to_pixels(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = pixel_block(flat_id(gid, nwg, WG));
  if (b.x >= p.n) { return; }
  for (var j = 0u; j < 4u; j++) {
    let x = b.z + j;
    if (x >= p.w) { return; }
    for (var ch = 0u; ch < 3u; ch++) {
      let i = at(b.x, ch, b.y, x);
      pixels_out[i] = (norm_in[i] * p.sd + p.mean) * 255.0;
    }
  }
}

// 0–255 values and a mask [N, H, W] → the two network inputs: the face, and the face × mask, normalised.
@group(0) @binding(1) var<storage, read> pixels_in: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> image_out: array<f32>;
@group(0) @binding(4) var<storage, read_write> attn_out: array<f32>;

@compute @workgroup_size(WG)
fn to_inputs(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let b = pixel_block(flat_id(gid, nwg, WG));
  if (b.x >= p.n) { return; }
  for (var j = 0u; j < 4u; j++) {
    let x = b.z + j;
    if (x >= p.w) { return; }
    let m = mask[(b.x * p.h + b.y) * p.w + x];
    for (var ch = 0u; ch < 3u; ch++) {
      let i = at(b.x, ch, b.y, x);
      image_out[i] = (pixels_in[i] / 255.0 - p.mean) / p.sd;
      attn_out[i] = (pixels_in[i] * m / 255.0 - p.mean) / p.sd;
    }
  }
}
