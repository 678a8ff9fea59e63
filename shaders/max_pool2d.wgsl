// Max pooling of NCHW planes: k×k windows, stride s, −∞ padding, floor output size
// (src/kernels/launchers/max_pool2d.ts). Padding never exceeds k − 1, so every window holds a real pixel.
//
// forward: one output per window; it also records the window's argmax as h·W + w in the input
//   plane: the first maximum in row-major window order (PyTorch).
// backward: deterministic, atomics-free gather — each input pixel sums the gradients of the windows
//   whose argmax it is.
// Each invocation takes 4 elements WG apart (`element`), so that the threads of a workgroup touch
// consecutive addresses at every step.

override WG: u32 = 64;

struct Params {
  h: u32, w: u32,         // input plane
  ho: u32, wo: u32,       // output plane
  k: u32, s: u32,
  pad_t: u32, pad_l: u32,
  n: u32,                 // elements: outputs (forward) or input pixels (backward)
}
@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> argmax_out: array<i32>;

// The k-th of the 4 elements of this invocation.
fn element(gid: vec3u, nwg: vec3u, lid: u32, k: u32) -> u32 {
  return (flat_id(gid, nwg, WG) - lid) * 4u + lid + k * WG;
}

// The real pixels [start, end) of a window starting at o·s − pad along an axis of length len.
fn window(o: u32, pad: u32, len: u32) -> vec2i {
  let start = i32(o * p.s) - i32(pad);
  return vec2i(max(start, 0), min(start + i32(p.k), i32(len)));
}

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  for (var k = 0u; k < 4u; k++) {
    let o = element(gid, nwg, lid.x, k);
    if (o >= p.n) { return; }
    let row = o / p.wo;              // plane·Ho + oh
    let plane_base = (row / p.ho) * p.h * p.w;
    let rows = window(row % p.ho, p.pad_t, p.h);
    let cols = window(o - row * p.wo, p.pad_l, p.w);
    var best_i = rows.x * i32(p.w) + cols.x;
    var best = x[plane_base + u32(best_i)];
    for (var ih = rows.x; ih < rows.y; ih++) {
      for (var iw = cols.x; iw < cols.y; iw++) {
        let i = ih * i32(p.w) + iw;
        let v = x[plane_base + u32(i)];
        if (v > best) {
          best = v;
          best_i = i;
        }
      }
    }
    y[o] = best;
    argmax_out[o] = best_i;
  }
}

@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> argmax: array<i32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

// Outputs [lo, hi) whose windows cover input index i along an axis: o·s − pad ≤ i < o·s − pad + k.
fn covering(i: u32, pad: u32, out_len: u32) -> vec2u {
  let a = i32(i + pad) - i32(p.k) + 1;
  let lo = select(0u, (u32(a) + p.s - 1u) / p.s, a > 0);
  return vec2u(lo, min((i + pad) / p.s + 1u, out_len));
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  for (var k = 0u; k < 4u; k++) {
    let i = element(gid, nwg, lid.x, k);
    if (i >= p.n) { return; }
    let row = i / p.w;               // plane·H + ih
    let ih = row % p.h;
    let iw = i - row * p.w;
    let out_base = (row / p.h) * p.ho * p.wo;
    let ohs = covering(ih, p.pad_t, p.ho);
    let ows = covering(iw, p.pad_l, p.wo);
    let me = i32(ih * p.w + iw);
    var acc = 0.0;
    for (var oh = ohs.x; oh < ohs.y; oh++) {
      for (var ow = ows.x; ow < ows.y; ow++) {
        let o = out_base + oh * p.wo + ow;
        if (argmax[o] == me) { acc += g[o]; }
      }
    }
    dx[i] = acc;
  }
}
