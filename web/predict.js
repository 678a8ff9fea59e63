var __defProp = Object.defineProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};

// oaenet-shaders:oaenet:shaders
var oaenet_shaders_default = { "augment": "// Training augmentation of a batch [N, 3, H, W] of 0\u2013255 values (augment.ts), one pass per stage: black\n// rectangles, one colour-jitter step, one axis of the Gaussian blur; and the conversions from and to the\n// network's normalised inputs (v/255 \u2212 mean)/std. Per-image parameters are a record of\n// `stride` u32 words per image in `rec` (layout in augment.ts); floats in it are bit patterns. Each invocation\n// handles four consecutive pixels of one row, all three channels.\n\noverride WG: u32 = 64;\noverride AXIS: u32 = 0u;   // blur: 0 along x (rows), 1 along y (columns)\n\n// off: the record offset of this pass's fields; taps: blur kernel length; rh \xD7 rw: rectangle size;\n// mean, sd: the input normalisation.\nstruct Params { n: u32, h: u32, w: u32, stride: u32, off: u32, taps: u32, rh: u32, rw: u32, mean: f32, sd: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> rec: array<u32>;\n@group(0) @binding(2) var<storage, read> src: array<f32>;\n\n// (image, row, first column) of invocation t, or image = n when t is past the end.\nfn pixel_block(t: u32) -> vec3u {\n  let blocks = (p.w + 3u) / 4u;\n  let per_image = p.h * blocks;\n  if (t >= p.n * per_image) { return vec3u(p.n, 0u, 0u); }\n  let r = t % per_image;\n  return vec3u(t / per_image, r / blocks, (r % blocks) * 4u);\n}\n\nfn at(img: u32, ch: u32, y: u32, x: u32) -> u32 {\n  return ((img * 3u + ch) * p.h + y) * p.w + x;\n}\n\n// Record words 0: rectangle count, then (top, left) per rectangle.\n@group(0) @binding(3) var<storage, read_write> dst: array<f32>;\n\n@compute @workgroup_size(WG)\nfn rectangles(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let b = pixel_block(flat_id(gid, nwg, WG));\n  if (b.x >= p.n) { return; }\n  let base = b.x * p.stride;\n  let rects = rec[base];\n  let y = b.y;\n  for (var j = 0u; j < 4u; j++) {\n    let x = b.z + j;\n    if (x >= p.w) { return; }\n    var black = false;\n    for (var r = 0u; r < rects; r++) {\n      let top = rec[base + 1u + 2u * r];\n      let left = rec[base + 2u + 2u * r];\n      black = black || (y >= top && y < top + p.rh && x >= left && x < left + p.rw);\n    }\n    for (var ch = 0u; ch < 3u; ch++) {\n      let i = at(b.x, ch, y, x);\n      dst[i] = select(src[i], 0.0, black);\n    }\n  }\n}\n\n// torchvision's ColorJitter ops on float images (bound 255), channel 0 taking the \"red\" weight as torchvision\n// does on whatever order it is given: _blend(img, other, f) = clamp(f\xB7img + (1 \u2212 f)\xB7other, 0, 255).\nconst NONE: u32 = 0u;\nconst BRIGHTNESS: u32 = 1u;   // other = 0\nconst CONTRAST: u32 = 2u;     // other = mean grayscale of the image\nconst SATURATION: u32 = 3u;   // other = the pixel's grayscale\nconst GRAY = vec3f(0.2989, 0.587, 0.114);\n\n// Record words off: op, off + 1: factor. means: per-(image, channel) means [N, 3] (contrast only).\n@group(0) @binding(3) var<storage, read> means: array<f32>;\n@group(0) @binding(4) var<storage, read_write> jdst: array<f32>;\n\n@compute @workgroup_size(WG)\nfn jitter(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let b = pixel_block(flat_id(gid, nwg, WG));\n  if (b.x >= p.n) { return; }\n  let base = b.x * p.stride + p.off;\n  let op = rec[base];\n  let f = bitcast<f32>(rec[base + 1u]);\n  var other = 0.0;\n  if (op == CONTRAST) { other = dot(GRAY, vec3f(means[b.x * 3u], means[b.x * 3u + 1u], means[b.x * 3u + 2u])); }\n  for (var j = 0u; j < 4u; j++) {\n    let x = b.z + j;\n    if (x >= p.w) { return; }\n    var v = vec3f(src[at(b.x, 0u, b.y, x)], src[at(b.x, 1u, b.y, x)], src[at(b.x, 2u, b.y, x)]);\n    if (op != NONE) {\n      if (op == SATURATION) { other = dot(GRAY, v); }\n      v = clamp(f * v + (1.0 - f) * other, vec3f(0.0), vec3f(255.0));\n    }\n    for (var ch = 0u; ch < 3u; ch++) { jdst[at(b.x, ch, b.y, x)] = v[ch]; }\n  }\n}\n\n// PyTorch's \"reflect\" padding: \u22121 \u2192 1, n \u2192 n \u2212 2.\nfn reflect(i: i32, n: u32) -> u32 {\n  var j = abs(i);\n  if (j >= i32(n)) { j = 2 * (i32(n) - 1) - j; }\n  return u32(j);\n}\n\n// One axis of the separable Gaussian: taps weights from record word off (an unblurred image has 1, 0, \u2026 and\n// is copied exactly).\n@compute @workgroup_size(WG)\nfn blur(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let b = pixel_block(flat_id(gid, nwg, WG));\n  if (b.x >= p.n) { return; }\n  let base = b.x * p.stride + p.off;\n  let half = i32(p.taps / 2u);\n  for (var j = 0u; j < 4u; j++) {\n    let x = b.z + j;\n    if (x >= p.w) { return; }\n    var acc = vec3f(0.0);\n    for (var k = 0u; k < p.taps; k++) {\n      let wk = bitcast<f32>(rec[base + k]);\n      var sy = b.y;\n      var sx = x;\n      if (AXIS == 0u) { sx = reflect(i32(x + k) - half, p.w); } else { sy = reflect(i32(b.y + k) - half, p.h); }\n      acc += wk * vec3f(src[at(b.x, 0u, sy, sx)], src[at(b.x, 1u, sy, sx)], src[at(b.x, 2u, sy, sx)]);\n    }\n    for (var ch = 0u; ch < 3u; ch++) { dst[at(b.x, ch, b.y, x)] = acc[ch]; }\n  }\n}\n\n// Normalised inputs \u2192 0\u2013255 values.\n@group(0) @binding(1) var<storage, read> norm_in: array<f32>;\n@group(0) @binding(2) var<storage, read_write> pixels_out: array<f32>;\n\n@compute @workgroup_size(WG)\nfn to_pixels(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let b = pixel_block(flat_id(gid, nwg, WG));\n  if (b.x >= p.n) { return; }\n  for (var j = 0u; j < 4u; j++) {\n    let x = b.z + j;\n    if (x >= p.w) { return; }\n    for (var ch = 0u; ch < 3u; ch++) {\n      let i = at(b.x, ch, b.y, x);\n      pixels_out[i] = (norm_in[i] * p.sd + p.mean) * 255.0;\n    }\n  }\n}\n\n// 0\u2013255 values and a mask [N, H, W] \u2192 the two network inputs: the face, and the face \xD7 mask, normalised.\n@group(0) @binding(1) var<storage, read> pixels_in: array<f32>;\n@group(0) @binding(2) var<storage, read> mask: array<f32>;\n@group(0) @binding(3) var<storage, read_write> image_out: array<f32>;\n@group(0) @binding(4) var<storage, read_write> attn_out: array<f32>;\n\n@compute @workgroup_size(WG)\nfn to_inputs(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let b = pixel_block(flat_id(gid, nwg, WG));\n  if (b.x >= p.n) { return; }\n  for (var j = 0u; j < 4u; j++) {\n    let x = b.z + j;\n    if (x >= p.w) { return; }\n    let m = mask[(b.x * p.h + b.y) * p.w + x];\n    for (var ch = 0u; ch < 3u; ch++) {\n      let i = at(b.x, ch, b.y, x);\n      image_out[i] = (pixels_in[i] / 255.0 - p.mean) / p.sd;\n      attn_out[i] = (pixels_in[i] * m / 255.0 - p.mean) / p.sd;\n    }\n  }\n}\n", "batch_norm2d": "// BatchNorm2d over NCHW (src/kernels/launchers/batch_norm2d.ts).\n//\n// Per-channel reductions over the N\xB7H\xB7W values of a channel run in two stages: `*_partial` gives\n// workgroup (chunk s, channel c) WG\xB7per_thread of those values, each thread walking them with\n// stride WG (coalesced), then merges its threads in a tree in workgroup memory; `*_final` merges\n// a channel's chunks the same way. Statistics are Welford per thread and Chan's merge above that,\n// so there is no E[x\xB2] \u2212 E[x]\xB2 cancellation. WG must be a power of two.\n//\n// Per-channel vec4s passed between the kernels:\n//   chan = (mean, invstd, a, b): normalisation statistics and the affine y = x\xB7a + b\n//          (train: batch mean and biased variance; eval: running statistics);\n//   coef = (mean, \u03A3g/n, k, \u03B3\xB7invstd): the input gradient dx = (g \u2212 \u03A3g/n \u2212 (x \u2212 mean)\xB7k)\xB7\u03B3\xB7invstd,\n//          k = invstd\xB2\xB7\u03A3g(x \u2212 mean)/n in train mode, \u03A3g/n = k = 0 in eval mode.\n// The elementwise kernels (affine, input_grad) take one vec4 of consecutive elements per invocation.\n\noverride WG: u32 = 64;\noverride TRAIN: bool = true;\n\nstruct Params {\n  c: u32,          // channels\n  hw: u32,         // H\xB7W\n  chw: u32,        // C\xB7H\xB7W\n  m: u32,          // N\xB7H\xB7W: values per channel\n  chunks: u32,     // partial results per channel\n  per_thread: u32, // values per thread in one chunk\n  total: u32,      // N\xB7C\xB7H\xB7W\n  eps: f32,\n  momentum: f32,\n}\n@group(0) @binding(0) var<uniform> p: Params;\n\n// ---- reductions ------------------------------------------------------------------------------\n\nvar<workgroup> tree: array<vec4f, WG>;\n\n// Welford states (count, mean, M2, 0) merge by Chan's rule; gradient sums (\u03A3g, \u03A3g(x \u2212 mean), 0, 0) add.\nfn merge(a: vec4f, b: vec4f, welford: bool) -> vec4f {\n  if (!welford) { return a + b; }\n  let n = a.x + b.x;\n  if (n == 0.0) { return a; }\n  let d = b.y - a.y;\n  let f = b.x / n;\n  return vec4f(n, a.y + d * f, a.z + b.z + d * d * a.x * f, 0.0);\n}\n\n/** Merges every thread's v; the result is valid in all threads. */\nfn reduce_wg(lid: u32, v: vec4f, welford: bool) -> vec4f {\n  tree[lid] = v;\n  workgroupBarrier();\n  for (var s = WG / 2u; s > 0u; s >>= 1u) {\n    if (lid < s) { tree[lid] = merge(tree[lid], tree[lid + s], welford); }\n    workgroupBarrier();\n  }\n  return tree[0];\n}\n\n// A thread's values of one channel in chunk s: flat j = s\xB7WG\xB7per_thread + lid + k\xB7WG < m, at\n// plane n = j / HW, offset i = j % HW, which advance by (dn, di) without a division per step.\nstruct Walk { j: u32, end: u32, n: u32, i: u32, dn: u32, di: u32 }\n\nfn walk_start(s: u32, lid: u32) -> Walk {\n  let first = s * WG * p.per_thread;\n  let j = first + lid;\n  return Walk(j, min(first + WG * p.per_thread, p.m), j / p.hw, j % p.hw, WG / p.hw, WG % p.hw);\n}\n\nfn walk_next(w: Walk) -> Walk {\n  var n = w.n + w.dn;\n  var i = w.i + w.di;\n  if (i >= p.hw) {\n    i -= p.hw;\n    n += 1u;\n  }\n  return Walk(w.j + WG, w.end, n, i, w.dn, w.di);\n}\n\nfn walk_addr(w: Walk, c: u32) -> u32 { return w.n * p.chw + c * p.hw + w.i; }\n\n// ---- elementwise helpers -----------------------------------------------------------------------\n\n// (channel, offset in the plane) of flat element i; next_pos steps to i + 1.\nfn pos_of(i: u32) -> vec2u {\n  let q = i / p.hw;\n  return vec2u(q % p.c, i - q * p.hw);\n}\n\nfn next_pos(pos: vec2u) -> vec2u {\n  if (pos.y + 1u < p.hw) { return vec2u(pos.x, pos.y + 1u); }\n  return vec2u(select(pos.x + 1u, 0u, pos.x + 1u == p.c), 0u);\n}\n\n// ---- bindings shared by several entry points ---------------------------------------------------\n\n// The elementwise kernels read and write whole vec4s: a tensor's pooled buffer is a multiple of\n// 256 bytes, so the last vec4 stays inside it even when the size is not a multiple of 4.\n@group(0) @binding(1) var<storage, read> x: array<f32>;      // stats_partial, grad_partial\n@group(0) @binding(1) var<storage, read> x4: array<vec4f>;   // affine, input_grad\n@group(0) @binding(1) var<storage, read> part: array<vec4f>; // stats_final, grad_final\n@group(0) @binding(2) var<storage, read> chan: array<vec4f>; // affine, grad_partial, grad_final; coef in input_grad\n@group(0) @binding(3) var<storage, read> g: array<f32>;      // grad_partial\n@group(0) @binding(3) var<storage, read> g4: array<vec4f>;   // input_grad\n\n// ---- forward -------------------------------------------------------------------------------------\n\n@group(0) @binding(2) var<storage, read_write> stats_part: array<vec4f>;\n\n// Grid (chunks, C): Welford state of one chunk of one channel.\n@compute @workgroup_size(WG)\nfn stats_partial(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {\n  let c = wid.y;\n  var acc = vec4f(0.0);\n  for (var w = walk_start(wid.x, lid.x); w.j < w.end; w = walk_next(w)) {\n    let v = x[walk_addr(w, c)];\n    acc.x += 1.0;\n    let d = v - acc.y;\n    acc.y += d / acc.x;\n    acc.z += d * (v - acc.y);\n  }\n  let r = reduce_wg(lid.x, acc, true);\n  if (lid.x == 0u) { stats_part[c * p.chunks + wid.x] = r; }\n}\n\n@group(0) @binding(2) var<storage, read> sf_gamma: array<f32>;\n@group(0) @binding(3) var<storage, read> sf_beta: array<f32>;\n@group(0) @binding(4) var<storage, read_write> sf_chan: array<vec4f>;\n@group(0) @binding(5) var<storage, read_write> running_mean: array<f32>;\n@group(0) @binding(6) var<storage, read_write> running_var: array<f32>;\n\n// Grid (C): batch statistics, the affine, and the in-place running-statistics update (PyTorch:\n// the running variance takes the unbiased batch variance).\n@compute @workgroup_size(WG)\nfn stats_final(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {\n  let c = wid.x;\n  var acc = vec4f(0.0);\n  for (var s = lid.x; s < p.chunks; s += WG) { acc = merge(acc, part[c * p.chunks + s], true); }\n  let r = reduce_wg(lid.x, acc, true);\n  if (lid.x == 0u) {\n    let mean = r.y;\n    let invstd = inverseSqrt(r.z / r.x + p.eps);\n    let a = sf_gamma[c] * invstd;\n    sf_chan[c] = vec4f(mean, invstd, a, sf_beta[c] - mean * a);\n    running_mean[c] = (1.0 - p.momentum) * running_mean[c] + p.momentum * mean;\n    running_var[c] = (1.0 - p.momentum) * running_var[c] + p.momentum * (r.z / (r.x - 1.0));\n  }\n}\n\n@group(0) @binding(1) var<storage, read> ep_mean: array<f32>;\n@group(0) @binding(2) var<storage, read> ep_var: array<f32>;\n@group(0) @binding(3) var<storage, read> ep_gamma: array<f32>;\n@group(0) @binding(4) var<storage, read> ep_beta: array<f32>;\n@group(0) @binding(5) var<storage, read_write> ep_chan: array<vec4f>;\n\n// One invocation per channel: `chan` from the running statistics (eval mode).\n@compute @workgroup_size(WG)\nfn eval_params(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let c = flat_id(gid, nwg, WG);\n  if (c >= p.c) { return; }\n  let invstd = inverseSqrt(ep_var[c] + p.eps);\n  let a = ep_gamma[c] * invstd;\n  ep_chan[c] = vec4f(ep_mean[c], invstd, a, ep_beta[c] - ep_mean[c] * a);\n}\n\noverride HAS_BIAS: bool = false;\n@group(0) @binding(1) var<storage, read> fd_w: array<f32>;\n@group(0) @binding(2) var<storage, read> fd_b: array<f32>;   // bound to fd_w and unused without HAS_BIAS\n@group(0) @binding(3) var<storage, read> fd_chan: array<vec4f>;\n@group(0) @binding(4) var<storage, read_write> fd_wout: array<f32>;\n@group(0) @binding(5) var<storage, read_write> fd_bout: array<f32>;\n\n// Eval-mode BN folded into the conv before it, one invocation per weight (p.hw weights per output\n// channel, p.total in all; the first of each channel also writes its bias):\n// w'[o, \u2026] = w[o, \u2026]\xB7a[o], b'[o] = b[o]\xB7a[o] + (\u03B2[o] \u2212 mean[o]\xB7a[o]).\n@compute @workgroup_size(WG)\nfn fold(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let i = flat_id(gid, nwg, WG);\n  if (i >= p.total) { return; }\n  let o = i / p.hw;\n  let q = fd_chan[o];\n  fd_wout[i] = fd_w[i] * q.z;\n  if (i % p.hw == 0u) { fd_bout[o] = select(0.0, fd_b[o], HAS_BIAS) * q.z + q.w; }\n}\n\n@group(0) @binding(3) var<storage, read_write> y4: array<vec4f>;\n\n// y = x\xB7a + b per channel (PyTorch's CPU formulation).\n@compute @workgroup_size(WG)\nfn affine(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let v = flat_id(gid, nwg, WG);\n  if (v * 4u >= p.total) { return; }\n  let xv = x4[v];\n  var out: vec4f;\n  var pos = pos_of(v * 4u);\n  for (var k = 0u; k < 4u; k++) {\n    let q = chan[pos.x];\n    out[k] = xv[k] * q.z + q.w;\n    pos = next_pos(pos);\n  }\n  y4[v] = out;\n}\n\n// ---- backward ------------------------------------------------------------------------------------\n\n@group(0) @binding(4) var<storage, read_write> grad_part: array<vec4f>;\n\n// Grid (chunks, C): \u03A3g and \u03A3g\xB7(x \u2212 mean) of one chunk of one channel.\n@compute @workgroup_size(WG)\nfn grad_partial(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {\n  let c = wid.y;\n  let mean = chan[c].x;\n  var acc = vec4f(0.0);\n  for (var w = walk_start(wid.x, lid.x); w.j < w.end; w = walk_next(w)) {\n    let a = walk_addr(w, c);\n    let gv = g[a];\n    acc.x += gv;\n    acc.y += gv * (x[a] - mean);\n  }\n  let r = reduce_wg(lid.x, acc, false);\n  if (lid.x == 0u) { grad_part[c * p.chunks + wid.x] = r; }\n}\n\n@group(0) @binding(3) var<storage, read> gf_gamma: array<f32>;\n@group(0) @binding(4) var<storage, read_write> dgamma: array<f32>;\n@group(0) @binding(5) var<storage, read_write> dbeta: array<f32>;\n@group(0) @binding(6) var<storage, read_write> coef: array<vec4f>;\n\n// Grid (C): d\u03B3 = \u03A3g\xB7x\u0302, d\u03B2 = \u03A3g, and the input-gradient coefficients.\n@compute @workgroup_size(WG)\nfn grad_final(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {\n  let c = wid.x;\n  var acc = vec4f(0.0);\n  for (var s = lid.x; s < p.chunks; s += WG) { acc += part[c * p.chunks + s]; }\n  let r = reduce_wg(lid.x, acc, false);\n  if (lid.x == 0u) {\n    let q = chan[c];\n    let n = f32(p.m);\n    dgamma[c] = r.y * q.y;\n    dbeta[c] = r.x;\n    let s = gf_gamma[c] * q.y;\n    if (TRAIN) {\n      coef[c] = vec4f(q.x, r.x / n, r.y * q.y * q.y / n, s);\n    } else {\n      coef[c] = vec4f(q.x, 0.0, 0.0, s);\n    }\n  }\n}\n\n@group(0) @binding(4) var<storage, read_write> dx4: array<vec4f>;\n\n// dx = (g \u2212 \u03A3g/n \u2212 (x \u2212 mean)\xB7k)\xB7\u03B3\xB7invstd, coefficients from `chan` (= coef here).\n@compute @workgroup_size(WG)\nfn input_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let v = flat_id(gid, nwg, WG);\n  if (v * 4u >= p.total) { return; }\n  let xv = x4[v];\n  let gv = g4[v];\n  var out: vec4f;\n  var pos = pos_of(v * 4u);\n  for (var k = 0u; k < 4u; k++) {\n    let q = chan[pos.x];\n    out[k] = (gv[k] - q.y - (xv[k] - q.x) * q.z) * q.w;\n    pos = next_pos(pos);\n  }\n  dx4[v] = out;\n}\n", "binary": "// Elementwise y = op(a, b) on equal shapes, one op code per pipeline (override OP), plus the\n// in-place accumulation a += b used for gradients. Each invocation handles 4 elements.\n\noverride OP: u32;\noverride WG: u32 = 64;\n\nconst ADD: u32 = 0u;\nconst MUL: u32 = 1u;\nconst MUL_1P: u32 = 2u;      // a \xB7 (1 + b): the OAENet fusion x_m \xB7 (1 + x_a)\nconst SUB: u32 = 3u;\n\nstruct Params { n: u32, alpha: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> a: array<f32>;\n@group(0) @binding(2) var<storage, read> b: array<f32>;\n@group(0) @binding(3) var<storage, read_write> y: array<f32>;\n\nfn op(u: f32, i: u32) -> f32 {\n  switch OP {\n    case ADD: { return u + b[i]; }\n    case MUL: { return u * b[i]; }\n    case MUL_1P: { return u * (1.0 + b[i]); }\n    case SUB: { return u - b[i]; }\n    default: { return u; }\n  }\n}\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i < p.n) { y[i] = op(a[i], i); }\n  }\n}\n\n@group(0) @binding(1) var<storage, read> src: array<f32>;\n@group(0) @binding(2) var<storage, read_write> acc: array<f32>;\n\n@compute @workgroup_size(WG)\nfn accumulate(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i < p.n) { acc[i] += src[i]; }\n  }\n}\n", "concat": "// Strided row copy (src/kernels/launchers/concat.ts): for every row r (the z workgroup index) and j < len,\n//   dst[r\xB7dst_stride + dst_off + j] = src[r\xB7src_stride + src_off + j].\n// Concat's forward copies each input into its channel slice of the output (a row = one sample); the\n// backward uses the same kernel the other way round to cut g into the inputs' slices.\n// A workgroup copies 4\xB7WG consecutive elements of a row, thread t taking t, t + WG, t + 2\xB7WG, t + 3\xB7WG,\n// so that every load and store instruction of a workgroup touches consecutive addresses.\n\noverride WG: u32 = 64;\n\nstruct Params { len: u32, src_stride: u32, src_off: u32, dst_stride: u32, dst_off: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> src: array<f32>;\n@group(0) @binding(2) var<storage, read_write> dst: array<f32>;\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u,\n        @builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {\n  let t = flat_id(gid, nwg, WG);\n  let first = (t - lid.x) * 4u + lid.x;\n  let s = wid.z * p.src_stride + p.src_off;\n  let d = wid.z * p.dst_stride + p.dst_off;\n  for (var k = 0u; k < 4u; k++) {\n    let j = first + k * WG;\n    if (j < p.len) { dst[d + j] = src[s + j]; }\n  }\n}\n", "conv2d": "// conv2d forward, two entry points:\n//   main:      direct convolution, any kernel / stride / padding / groups. Each invocation computes a\n//              register tile of TC output channels (of one group) \xD7 TW consecutive output columns of one\n//              output row, looping over Cin/groups \xD7 kh \xD7 kw; the row padding check is hoisted out of the\n//              kw loop. No workgroup memory: neighbouring invocations share inputs through the cache.\n//   pointwise: 1\xD71 / stride 1 / no padding / one group as a GEMM per image, Y[n] = A \xB7 X[n] with\n//              A[m, k] = w[m\xB7sam + k\xB7sak] (the strides let conv2d's dX use it with A = W\u1D40), over\n//              vec4 columns of HW (HW % 4 == 0). Tile: TM rows \xD7 TV vec4 columns.\n// Also conv_transpose2d's dX (a conv2d forward of dY with the same weight tensor).\n\n#include conv_common\n\noverride WG: u32 = 64;\noverride TM: u32 = 4;   // \u2264 MAX_T\noverride TV: u32 = 2;   // \u2264 MAX_V\n\nconst MAX_V: u32 = 4u;\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let id = flat_id(gid, nwg, WG);\n  let wb = id % p.wblocks;\n  let row = out_row(id / p.wblocks);\n  if (row.n >= p.n) { return; }\n\n  let cin_g = p.cin / p.groups;\n  let cout_g = p.cout / p.groups;\n  let ksize = p.kh * p.kw;\n  let ox0 = wb * TW;\n  let co0 = row.g * cout_g + row.cb * TC;\n  // Channels past the group's end compute on a clamped weight row and are not stored.\n  var wrow: array<u32, MAX_T>;\n  for (var c = 0u; c < TC; c++) {\n    wrow[c] = (row.g * cout_g + min(row.cb * TC + c, cout_g - 1u)) * cin_g * ksize;\n  }\n  var acc: array<array<f32, MAX_T>, MAX_T>;\n  if (p.has_bias != 0u) {\n    for (var c = 0u; c < TC; c++) {\n      let b = bias[row.g * cout_g + min(row.cb * TC + c, cout_g - 1u)];\n      for (var j = 0u; j < TW; j++) { acc[c][j] = b; }\n    }\n  }\n\n  let iy0 = i32(row.oy * p.sh) - p.pt;\n  let ix0 = i32(ox0 * p.sw) - p.pl;\n  let iw = i32(p.w);\n  for (var ci = 0u; ci < cin_g; ci++) {\n    let xc = (row.n * p.cin + row.g * cin_g + ci) * p.h * p.w;\n    let wc = ci * ksize;\n    for (var ky = 0u; ky < p.kh; ky++) {\n      let iy = iy0 + i32(ky);\n      if (iy < 0 || iy >= i32(p.h)) { continue; }\n      let xr = xc + u32(iy) * p.w;\n      for (var kx = 0u; kx < p.kw; kx++) {\n        var xv: array<f32, MAX_T>;\n        for (var j = 0u; j < TW; j++) {\n          let ix = ix0 + i32(j * p.sw + kx);\n          xv[j] = select(0.0, x[xr + u32(clamp(ix, 0, iw - 1))], ix >= 0 && ix < iw);\n        }\n        let wk = wc + ky * p.kw + kx;\n        for (var c = 0u; c < TC; c++) {\n          let wv = wt[wrow[c] + wk];\n          for (var j = 0u; j < TW; j++) { acc[c][j] = fma(wv, xv[j], acc[c][j]); }\n        }\n      }\n    }\n  }\n\n  for (var c = 0u; c < TC; c++) {\n    if (row.cb * TC + c >= cout_g) { break; }\n    let yr = ((row.n * p.cout + co0 + c) * p.ho + row.oy) * p.wo;\n    for (var j = 0u; j < TW; j++) {\n      if (ox0 + j < p.wo) { y[yr + ox0 + j] = act(acc[c][j]); }\n    }\n  }\n}\n\nstruct GemmParams { n: u32, m: u32, k: u32, hw4: u32, sam: u32, sak: u32, mblocks: u32, vblocks: u32, has_bias: u32 }\n@group(0) @binding(0) var<uniform> q: GemmParams;\n@group(0) @binding(1) var<storage, read> x4: array<vec4f>;\n@group(0) @binding(2) var<storage, read> a: array<f32>;\n@group(0) @binding(3) var<storage, read> abias: array<f32>;\n@group(0) @binding(4) var<storage, read_write> y4: array<vec4f>;\n\n@compute @workgroup_size(WG)\nfn pointwise(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  var id = flat_id(gid, nwg, WG);\n  let vb = id % q.vblocks; id /= q.vblocks;\n  let mb = id % q.mblocks;\n  let n = id / q.mblocks;\n  if (n >= q.n) { return; }\n\n  let m0 = mb * TM;\n  let v0 = vb * TV;\n  var arow: array<u32, MAX_T>;\n  var acc: array<array<vec4f, MAX_V>, MAX_T>;\n  for (var r = 0u; r < TM; r++) {\n    let m = min(m0 + r, q.m - 1u);\n    arow[r] = m * q.sam;\n    if (q.has_bias != 0u) {\n      for (var v = 0u; v < TV; v++) { acc[r][v] = vec4f(abias[m]); }\n    }\n  }\n  let xn = n * q.k * q.hw4;\n  for (var kk = 0u; kk < q.k; kk++) {\n    var xv: array<vec4f, MAX_V>;\n    let xr = xn + kk * q.hw4;\n    for (var v = 0u; v < TV; v++) { xv[v] = x4[xr + min(v0 + v, q.hw4 - 1u)]; }\n    let ak = kk * q.sak;\n    for (var r = 0u; r < TM; r++) {\n      let av = a[arow[r] + ak];\n      for (var v = 0u; v < TV; v++) { acc[r][v] = fma(vec4f(av), xv[v], acc[r][v]); }\n    }\n  }\n  for (var r = 0u; r < TM; r++) {\n    if (m0 + r >= q.m) { break; }\n    let yr = (n * q.m + m0 + r) * q.hw4;\n    for (var v = 0u; v < TV; v++) {\n      if (v0 + v < q.hw4) { y4[yr + v0 + v] = act4(acc[r][v]); }\n    }\n  }\n}\n", "conv_common": "// Shared by the direct convolution (conv2d.wgsl's main) and the transposed one (conv_transpose2d.wgsl):\n// the convolution's geometry, its bindings, and where an invocation's register tile of TC output channels\n// \xD7 TW columns sits. Included, never compiled alone.\n\noverride TC: u32 = 4;   // \u2264 MAX_T\noverride TW: u32 = 4;   // \u2264 MAX_T\n\n// Register tiles are fixed-size arrays; the loops run to the override sizes, which are constants by the\n// time the pipeline is compiled, so they unroll and the arrays live in registers.\nconst MAX_T: u32 = 8u;\n\n// wblocks: tiles of TW output columns per output row (the transposed kernel: per phase of a row).\nstruct Params {\n  n: u32, cin: u32, h: u32, w: u32,\n  cout: u32, ho: u32, wo: u32, groups: u32,\n  kh: u32, kw: u32, sh: u32, sw: u32,\n  pt: i32, pl: i32, cblocks: u32, wblocks: u32,\n  has_bias: u32,\n}\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read> wt: array<f32>;\n@group(0) @binding(3) var<storage, read> bias: array<f32>;   // bound to wt and unused without has_bias\n@group(0) @binding(4) var<storage, read_write> y: array<f32>;\n\n// The output row a tile lies in: image n, group g, block cb of TC channels within the group, row oy.\nstruct OutRow { n: u32, g: u32, cb: u32, oy: u32 }\n\n// Splits ((n\xB7groups + g)\xB7cblocks + cb)\xB7ho + oy, what is left of the flat index once the tile's place\n// within its row is taken off. n \u2265 p.n marks an invocation past the end.\nfn out_row(index: u32) -> OutRow {\n  var id = index;\n  let oy = id % p.ho; id /= p.ho;\n  let cb = id % p.cblocks; id /= p.cblocks;\n  let g = id % p.groups;\n  return OutRow(id / p.groups, g, cb, oy);\n}\n", "conv_transpose2d": "// Transposed convolution as a gather (no atomics): y[n, co, oy, ox] = \u03A3 x[n, ci, iy, ix] \xB7 w[ci, co_g, ky, kx]\n// over the taps where oy = iy\xB7sh \u2212 pt + ky and ox = ix\xB7sw \u2212 pl + kx, with w laid out [Cin, Cout/groups, kh, kw].\n// Serves convTranspose2d's forward and conv2d's dX (dY gathered with conv2d's weight read as [in = Cout,\n// out = Cin/groups, kh, kw], the output forced to the input's size).\n//\n// Output columns are split into sw phases r = ox mod sw. Columns of one phase share their taps\n// (kx \u2261 r + pl mod sw) and read consecutive input columns, so each invocation computes a register tile of\n// TC output channels \xD7 TW columns of one phase (ox = r + (q0 + j)\xB7sw) of one output row.\n\n#include conv_common\n\noverride WG: u32 = 64;\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  var id = flat_id(gid, nwg, WG);\n  let qb = id % p.wblocks; id /= p.wblocks;\n  let r = id % p.sw;\n  let row = out_row(id / p.sw);\n  if (row.n >= p.n) { return; }\n\n  let cin_g = p.cin / p.groups;\n  let cout_g = p.cout / p.groups;\n  let ksize = p.kh * p.kw;\n  let q0 = qb * TW;\n  // Channels past the group's end compute on a clamped weight column and are not stored.\n  var wcol: array<u32, MAX_T>;\n  var acc: array<array<f32, MAX_T>, MAX_T>;\n  for (var c = 0u; c < TC; c++) {\n    let co = min(row.cb * TC + c, cout_g - 1u);\n    wcol[c] = co * ksize;\n    if (p.has_bias != 0u) {\n      let b = bias[row.g * cout_g + co];\n      for (var j = 0u; j < TW; j++) { acc[c][j] = b; }\n    }\n  }\n\n  // First taps of this row and phase: ky \u2261 oy + pt (mod sh), kx \u2261 r + pl (mod sw).\n  let ky0 = u32(i32(row.oy) + p.pt) % p.sh;\n  let kx0 = u32(i32(r) + p.pl) % p.sw;\n  let iw = i32(p.w);\n  for (var ci = 0u; ci < cin_g; ci++) {\n    let xc = (row.n * p.cin + row.g * cin_g + ci) * p.h * p.w;\n    let wc = (row.g * cin_g + ci) * cout_g * ksize;\n    for (var ky = ky0; ky < p.kh; ky += p.sh) {\n      let iy = (i32(row.oy) + p.pt - i32(ky)) / i32(p.sh);   // exact division\n      if (iy < 0 || iy >= i32(p.h)) { continue; }\n      let xr = xc + u32(iy) * p.w;\n      for (var kx = kx0; kx < p.kw; kx += p.sw) {\n        let ix0 = (i32(r) + p.pl - i32(kx)) / i32(p.sw) + i32(q0);\n        var xv: array<f32, MAX_T>;\n        for (var j = 0u; j < TW; j++) {\n          let ix = ix0 + i32(j);\n          xv[j] = select(0.0, x[xr + u32(clamp(ix, 0, iw - 1))], ix >= 0 && ix < iw);\n        }\n        let wk = wc + ky * p.kw + kx;\n        for (var c = 0u; c < TC; c++) {\n          let wv = wt[wk + wcol[c]];\n          for (var j = 0u; j < TW; j++) { acc[c][j] = fma(wv, xv[j], acc[c][j]); }\n        }\n      }\n    }\n  }\n\n  for (var c = 0u; c < TC; c++) {\n    if (row.cb * TC + c >= cout_g) { break; }\n    let yr = ((row.n * p.cout + row.g * cout_g + row.cb * TC + c) * p.ho + row.oy) * p.wo;\n    for (var j = 0u; j < TW; j++) {\n      let ox = r + (q0 + j) * p.sw;\n      if (ox < p.wo) { y[yr + ox] = acc[c][j]; }\n    }\n  }\n}\n", "conv_wgrad": "// Weight gradient of the convolution family as a two-stage reduction (deterministic, no atomics):\n//   out[a, b_g, ky, kx] = \u03A3_{n, y, x} A[n, a, y, x] \xB7 B[n, g\xB7CB/groups + b_g, y\xB7sh \u2212 pt + ky, x\xB7sw \u2212 pl + kx]\n// where g is a's group. conv2d's dW is A = dY, B = x; convTranspose2d's dW is A = x, B = dY.\n//\n//   partial: stage 1. The reduction over R = N\xB7Ha\xB7Wa positions is split into `chunks` interleaved slices\n//            (positions chunk, chunk + chunks, \u2026): each invocation owns a register block of TA rows a \xD7 TK\n//            consecutive taps t = (b_g, ky, kx) and sums one slice into part[chunk, a, t]. Slices give the\n//            parallelism a small weight tensor lacks; interleaving them makes neighbouring invocations (the\n//            chunk index varies fastest) read neighbouring positions, so their loads coalesce.\n//   pointwise: stage 1 for a 1\xD71 / stride 1 / unpadded / one-group weight (Ha\xB7Wa = Hb\xB7Wb, a multiple of 4),\n//            where taps are B's channels and positions are vec4s of the contiguous planes:\n//            part[chunk, a, b] = \u03A3 over the slice's vec4 positions of A[n, a, \xB7] \xB7 B[n, b, \xB7]. An invocation\n//            owns TA rows a \xD7 TB rows b in vec4 accumulators (each load feeds TB or TA fmas), adds their\n//            lanes in a fixed order at the end, and walks the same interleaved slices as `partial`.\n//   sum:     stage 2. out[i] = \u03A3_chunk part[chunk, i], in chunk order.\n\noverride WG: u32 = 64;\noverride TA: u32 = 4;   // \u2264 MAX_A\noverride TK: u32 = 4;   // \u2264 MAX_K\noverride TB: u32 = 4;   // \u2264 MAX_B\n\nconst MAX_A: u32 = 8u;\nconst MAX_K: u32 = 9u;\nconst MAX_B: u32 = 8u;\n\nstruct Params {\n  n: u32, ca: u32, ha: u32, wa: u32,\n  cb: u32, hb: u32, wb: u32, groups: u32,\n  kh: u32, kw: u32, sh: u32, sw: u32,\n  pt: i32, pl: i32, ablocks: u32, tblocks: u32,\n  chunks: u32,\n}\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> A: array<f32>;\n@group(0) @binding(2) var<storage, read> B: array<f32>;\n@group(0) @binding(3) var<storage, read_write> part: array<f32>;\n\n@compute @workgroup_size(WG)\nfn partial(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  var id = flat_id(gid, nwg, WG);\n  let chunk = id % p.chunks; id /= p.chunks;\n  let tb = id % p.tblocks; id /= p.tblocks;\n  let ab = id % p.ablocks;\n  let g = id / p.ablocks;\n  if (g >= p.groups) { return; }\n\n  let ca_g = p.ca / p.groups;\n  let cb_g = p.cb / p.groups;\n  let ksize = p.kh * p.kw;\n  let taps = cb_g * ksize;\n  let a0 = g * ca_g + ab * TA;\n  let t0 = tb * TK;\n  // Per-tap offsets, hoisted out of the reduction; rows/taps past the end use clamped indices, unstored.\n  var aoff: array<u32, MAX_A>;\n  for (var i = 0u; i < TA; i++) { aoff[i] = (g * ca_g + min(ab * TA + i, ca_g - 1u)) * p.ha * p.wa; }\n  var boff: array<u32, MAX_K>;\n  var ky: array<i32, MAX_K>;\n  var kx: array<i32, MAX_K>;\n  for (var k = 0u; k < TK; k++) {\n    let t = min(t0 + k, taps - 1u);\n    let kk = t % ksize;\n    boff[k] = (g * cb_g + t / ksize) * p.hb * p.wb;\n    ky[k] = i32(kk / p.kw);\n    kx[k] = i32(kk % p.kw);\n  }\n\n  var acc: array<array<f32, MAX_K>, MAX_A>;\n  let plane = p.ha * p.wa;\n  // Walk the slice's positions (n, y, x) by adding the step `chunks` = (sn, sy, sx) with carries: no\n  // divisions in the loop.\n  let sx = p.chunks % p.wa;\n  let sy = (p.chunks / p.wa) % p.ha;\n  let sn = p.chunks / plane;\n  var n = chunk / plane;\n  var y = (chunk % plane) / p.wa;\n  var xx = chunk % p.wa;\n  let ih = i32(p.hb);\n  let iw = i32(p.wb);\n  while (n < p.n) {\n    let apos = n * p.ca * plane + y * p.wa + xx;\n    var av: array<f32, MAX_A>;\n    for (var i = 0u; i < TA; i++) { av[i] = A[apos + aoff[i]]; }\n    let bn = n * p.cb * p.hb * p.wb;\n    let by = i32(y * p.sh) - p.pt;\n    let bx = i32(xx * p.sw) - p.pl;\n    for (var k = 0u; k < TK; k++) {\n      let iy = by + ky[k];\n      let ix = bx + kx[k];\n      let inside = iy >= 0 && iy < ih && ix >= 0 && ix < iw;\n      let bv = select(0.0, B[bn + boff[k] + u32(clamp(iy, 0, ih - 1)) * p.wb + u32(clamp(ix, 0, iw - 1))], inside);\n      for (var i = 0u; i < TA; i++) { acc[i][k] = fma(av[i], bv, acc[i][k]); }\n    }\n    xx += sx;\n    if (xx >= p.wa) { xx -= p.wa; y++; }\n    y += sy;\n    if (y >= p.ha) { y -= p.ha; n++; }\n    n += sn;\n  }\n\n  let out = chunk * p.ca * taps;\n  for (var i = 0u; i < TA; i++) {\n    if (ab * TA + i >= ca_g) { break; }\n    for (var k = 0u; k < TK; k++) {\n      if (t0 + k < taps) { part[out + (a0 + i) * taps + t0 + k] = acc[i][k]; }\n    }\n  }\n}\n\nstruct PwParams { n: u32, ca: u32, cb: u32, hw4: u32, ablocks: u32, bblocks: u32, chunks: u32 }\n@group(0) @binding(0) var<uniform> q: PwParams;\n@group(0) @binding(1) var<storage, read> A4: array<vec4f>;\n@group(0) @binding(2) var<storage, read> B4: array<vec4f>;\n\n@compute @workgroup_size(WG)\nfn pointwise(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  var id = flat_id(gid, nwg, WG);\n  let chunk = id % q.chunks; id /= q.chunks;\n  let bb = id % q.bblocks;\n  let ab = id / q.bblocks;\n  if (ab >= q.ablocks) { return; }\n\n  let a0 = ab * TA;\n  let b0 = bb * TB;\n  // Rows past the end read clamped rows and are not stored.\n  var aoff: array<u32, MAX_A>;\n  for (var i = 0u; i < TA; i++) { aoff[i] = min(a0 + i, q.ca - 1u) * q.hw4; }\n  var boff: array<u32, MAX_B>;\n  for (var j = 0u; j < TB; j++) { boff[j] = min(b0 + j, q.cb - 1u) * q.hw4; }\n\n  var acc: array<array<vec4f, MAX_B>, MAX_A>;\n  // Step `chunks` vec4 positions = (sn, sv) with a carry, as in `partial`.\n  let sv = q.chunks % q.hw4;\n  let sn = q.chunks / q.hw4;\n  var n = chunk / q.hw4;\n  var v = chunk % q.hw4;\n  while (n < q.n) {\n    let an = n * q.ca * q.hw4 + v;\n    let bn = n * q.cb * q.hw4 + v;\n    var bv: array<vec4f, MAX_B>;\n    for (var j = 0u; j < TB; j++) { bv[j] = B4[bn + boff[j]]; }\n    for (var i = 0u; i < TA; i++) {\n      let av = A4[an + aoff[i]];\n      for (var j = 0u; j < TB; j++) { acc[i][j] = fma(av, bv[j], acc[i][j]); }\n    }\n    v += sv;\n    if (v >= q.hw4) { v -= q.hw4; n++; }\n    n += sn;\n  }\n\n  let out = chunk * q.ca * q.cb;\n  for (var i = 0u; i < TA; i++) {\n    if (a0 + i >= q.ca) { break; }\n    for (var j = 0u; j < TB; j++) {\n      let r = acc[i][j];\n      if (b0 + j < q.cb) { part[out + (a0 + i) * q.cb + b0 + j] = (r.x + r.y) + (r.z + r.w); }\n    }\n  }\n}\n\nstruct SumParams { size: u32, chunks: u32 }\n@group(0) @binding(0) var<uniform> s: SumParams;\n@group(0) @binding(1) var<storage, read> src: array<f32>;\n@group(0) @binding(2) var<storage, read_write> dst: array<f32>;\n\n@compute @workgroup_size(WG)\nfn sum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let i = flat_id(gid, nwg, WG);\n  if (i >= s.size) { return; }\n  var acc = 0.0;\n  for (var c = 0u; c < s.chunks; c++) { acc += src[c * s.size + i]; }\n  dst[i] = acc;\n}\n", "depthwise": "// Depthwise 3\xD73 conv2d forward (groups == Cin == Cout), stride S \u2208 {1, 2}, any padding.\n// Each invocation computes TW consecutive output columns of one (image, channel, output row): the 9\n// weights stay in registers, and each input row's span of (TW \u2212 1)\xB7S + 3 values is loaded once and\n// reused by the three horizontal taps of every column.\n// FLIP reads the filter rotated by 180\xB0: with padding 2 \u2212 p that is the stride-1 transposed depthwise\n// conv, i.e. the dX of a stride-1 depthwise conv2d.\n\noverride WG: u32 = 64;\noverride S: u32 = 1;\noverride TW: u32 = 8;   // \u2264 MAX_W\noverride FLIP: bool = false;\n\nconst MAX_W: u32 = 8u;\nconst MAX_SPAN: u32 = (MAX_W - 1u) * 2u + 3u;\n\nstruct Params { n: u32, c: u32, h: u32, w: u32, ho: u32, wo: u32, pt: i32, pl: i32, wblocks: u32, has_bias: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read> wt: array<f32>;\n@group(0) @binding(3) var<storage, read> bias: array<f32>;   // bound to wt and unused without has_bias\n@group(0) @binding(4) var<storage, read_write> y: array<f32>;\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  var id = flat_id(gid, nwg, WG);\n  let wb = id % p.wblocks; id /= p.wblocks;\n  let oy = id % p.ho;\n  let nc = id / p.ho;   // n \xB7 C + c\n  if (nc >= p.n * p.c) { return; }\n  let c = nc % p.c;\n\n  var k: array<f32, 9>;\n  for (var t = 0u; t < 9u; t++) { k[t] = wt[c * 9u + select(t, 8u - t, FLIP)]; }\n  var acc: array<f32, MAX_W>;\n  if (p.has_bias != 0u) {\n    for (var j = 0u; j < TW; j++) { acc[j] = bias[c]; }\n  }\n\n  let ox0 = wb * TW;\n  let ix0 = i32(ox0 * S) - p.pl;\n  let iw = i32(p.w);\n  let span = (TW - 1u) * S + 3u;\n  for (var ky = 0u; ky < 3u; ky++) {\n    let iy = i32(oy * S) - p.pt + i32(ky);\n    if (iy < 0 || iy >= i32(p.h)) { continue; }\n    let xr = (nc * p.h + u32(iy)) * p.w;\n    var xs: array<f32, MAX_SPAN>;\n    for (var t = 0u; t < span; t++) {\n      let ix = ix0 + i32(t);\n      xs[t] = select(0.0, x[xr + u32(clamp(ix, 0, iw - 1))], ix >= 0 && ix < iw);\n    }\n    for (var kx = 0u; kx < 3u; kx++) {\n      let kv = k[ky * 3u + kx];\n      for (var j = 0u; j < TW; j++) { acc[j] = fma(kv, xs[j * S + kx], acc[j]); }\n    }\n  }\n\n  let yr = (nc * p.ho + oy) * p.wo;\n  for (var j = 0u; j < TW; j++) {\n    if (ox0 + j < p.wo) { y[yr + ox0 + j] = act(acc[j]); }\n  }\n}\n", "global_avg_pool": "// Global average pooling: rows of `len` contiguous values (one row per (n, c) of NCHW) \u2192 one mean each.\n// forward: invocation `id` sums chunk `id % parts` of row `id / parts` into out[id], times alpha. With one part\n// per row that is the mean itself; long rows (56\xD756) are split into parts for parallelism and the same entry\n// then sums each row's partials (a deterministic two-stage reduction without workgroup memory).\n// Loads are vec4 with the lanes outside the chunk masked, so rows of any length (odd H\xB7W) and any alignment share\n// one path; pooled buffers hold whole 256-byte classes, so the last vec4 is in bounds.\n// backward: dx[i] = alpha \xB7 g[i / len], written as vec4.\n\noverride WG: u32 = 64;\n\nstruct Params { n: u32, len: u32, chunk: u32, parts: u32, alpha: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n\n@group(0) @binding(1) var<storage, read> x: array<vec4f>;\n@group(0) @binding(2) var<storage, read_write> out: array<f32>;\n\n@compute @workgroup_size(WG)\nfn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let id = flat_id(gid, nwg, WG);\n  if (id >= p.n) { return; }\n  let row = id / p.parts;\n  let start = row * p.len + (id % p.parts) * p.chunk;\n  let end = min(start + p.chunk, (row + 1u) * p.len);\n  let lane = vec4u(0u, 1u, 2u, 3u);\n  var acc = vec4f(0.0);\n  for (var j = start / 4u; j * 4u < end; j++) {\n    let idx = j * 4u + lane;\n    acc += select(vec4f(0.0), x[j], (idx >= vec4u(start)) & (idx < vec4u(end)));\n  }\n  out[id] = dot(acc, vec4f(1.0)) * p.alpha;\n}\n\n@group(0) @binding(1) var<storage, read> g: array<f32>;\n@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;\n\n@compute @workgroup_size(WG)\nfn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let j = flat_id(gid, nwg, WG);\n  if (j * 4u >= p.n) { return; }\n  // Lanes past n (padding of dx's buffer) repeat the last row instead of reading past g.\n  let row = min(j * 4u + vec4u(0u, 1u, 2u, 3u), vec4u(p.n - 1u)) / vec4u(p.len);\n  dx[j] = vec4f(g[row.x], g[row.y], g[row.z], g[row.w]) * p.alpha;\n}\n", "island": "// Island-loss kernels (island.ts): rows of a [B, D] matrix grouped by i32 labels into K classes, and the pairwise\n// cosine term over the K\xD7K Gram matrix of the class centres. segment and gather are each other's backward\n// (with MEAN, divided by the class sizes); row kernels take four consecutive columns per invocation.\n\noverride WG: u32 = 64;\noverride MEAN: bool = false;\n\n// fill: the centre of a class without rows (segment with MEAN).\nstruct Params { b: u32, d: u32, k: u32, fill: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n\n@group(0) @binding(1) var<storage, read> labels: array<i32>;\n@group(0) @binding(2) var<storage, read> src: array<f32>;\n@group(0) @binding(3) var<storage, read_write> dst: array<f32>;\n\nfn class_size(k: i32) -> u32 {\n  var n = 0u;\n  for (var r = 0u; r < p.b; r++) { n += select(0u, 1u, labels[r] == k); }\n  return n;\n}\n\n// dst[k, :] = \u03A3_{r: label r = k} src[r, :] (\xF7 size with MEAN; an empty class gets fill, or 0 without MEAN).\n@compute @workgroup_size(WG)\nfn segment(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let t = flat_id(gid, nwg, WG);\n  let blocks = (p.d + 3u) / 4u;\n  if (t >= p.k * blocks) { return; }\n  let k = t / blocks;\n  let col = (t % blocks) * 4u;\n  let cols = min(4u, p.d - col);\n  var acc = vec4f(0.0);\n  var n = 0u;\n  for (var r = 0u; r < p.b; r++) {\n    if (labels[r] != i32(k)) { continue; }\n    n++;\n    for (var j = 0u; j < cols; j++) { acc[j] += src[r * p.d + col + j]; }\n  }\n  if (MEAN) { acc = select(vec4f(p.fill), acc / f32(n), n > 0u); }\n  for (var j = 0u; j < cols; j++) { dst[k * p.d + col + j] = acc[j]; }\n}\n\n// dst[r, :] = src[label r, :] (\xF7 that class's size with MEAN); 0 for a label outside [0, K).\n@compute @workgroup_size(WG)\nfn gather(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let t = flat_id(gid, nwg, WG);\n  let blocks = (p.d + 3u) / 4u;\n  if (t >= p.b * blocks) { return; }\n  let r = t / blocks;\n  let col = (t % blocks) * 4u;\n  let cols = min(4u, p.d - col);\n  let k = labels[r];\n  let valid = k >= 0 && u32(k) < p.k;\n  var scale = select(0.0, 1.0, valid);\n  if (MEAN && valid) { scale = 1.0 / f32(class_size(k)); }\n  for (var j = 0u; j < cols; j++) {\n    var v = 0.0;\n    if (valid) { v = src[u32(k) * p.d + col + j] * scale; }\n    dst[r * p.d + col + j] = v;\n  }\n}\n\n// \u03A3_{i\u2260j} (cos(\u03BC_i, \u03BC_j) + 1) from the Gram matrix G = \u03BC\xB7\u03BC\u1D40 (K\xD7K, tiny): one invocation.\n@group(0) @binding(1) var<storage, read> gram: array<f32>;\n@group(0) @binding(2) var<storage, read_write> pair_out: array<f32>;\n\nfn cosine(i: u32, j: u32) -> f32 {\n  return gram[i * p.k + j] / sqrt(gram[i * p.k + i] * gram[j * p.k + j]);\n}\n\n@compute @workgroup_size(1)\nfn pair_loss() {\n  var s = 0.0;\n  for (var i = 0u; i < p.k; i++) {\n    for (var j = 0u; j < p.k; j++) {\n      if (i != j) { s += cosine(i, j) + 1.0; }\n    }\n  }\n  pair_out[0] = s;\n}\n\n// dG: off the diagonal g/\u221A(G_ii G_jj); on it \u2212g/(2 G_ii) \u03A3_{j\u2260i} (cos_ij + cos_ji). One invocation per entry.\n@group(0) @binding(2) var<storage, read> pair_g: array<f32>;\n@group(0) @binding(3) var<storage, read_write> dgram: array<f32>;\n\n@compute @workgroup_size(WG)\nfn pair_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let t = flat_id(gid, nwg, WG);\n  if (t >= p.k * p.k) { return; }\n  let i = t / p.k;\n  let j = t % p.k;\n  let g = pair_g[0];\n  if (i != j) {\n    dgram[t] = g / sqrt(gram[i * p.k + i] * gram[j * p.k + j]);\n    return;\n  }\n  var s = 0.0;\n  for (var m = 0u; m < p.k; m++) {\n    if (m != i) { s += cosine(i, m) + cosine(m, i); }\n  }\n  dgram[t] = -g * s / (2.0 * gram[t]);\n}\n", "lovasz": "// Lov\xE1sz-softmax (Berman et al. 2018; classes = 'present', per_image = false) of logits [B, C, H, W] against one\n// label per pixel, pixel i = b\xB7HW + hw. Labels are i32 class indices, or with MASK an f32 mask and\n// label = mask > threshold. lovasz.ts runs: errors \u2192 sort (sort.wgsl) \u2192 count \u2192 scan \u2192 grad \u2192 finish, and for the\n// gradient one backward pass. Everything is a fixed-order sum or an exact integer count: deterministic.\n\noverride WG: u32 = 64;\noverride MASK: bool = false;\noverride CHUNK: u32 = 256;   // sorted positions one count/grad invocation walks\n\n// n pixels; c classes; hw = H\xB7W; npad: row length of the sort (power of two \u2265 n); q: chunks per class.\nstruct Params { n: u32, c: u32, hw: u32, npad: u32, q: u32, threshold: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n\n@group(0) @binding(1) var<storage, read> labels: array<u32>;\n\nfn label(i: u32) -> u32 {\n  if (MASK) { return select(0u, 1u, bitcast<f32>(labels[i]) > p.threshold); }\n  return labels[i]; // a negative i32 becomes huge and matches no class\n}\n\n@group(0) @binding(2) var<storage, read> logits: array<f32>;\n\nfn logit(i: u32, c: u32) -> f32 {\n  return logits[((i / p.hw) * p.c + c) * p.hw + i % p.hw];\n}\n\n// (max, \u03A3 exp(x \u2212 max)) over the classes of pixel i.\nfn softmax_stats(i: u32) -> vec2f {\n  var m = logit(i, 0u);\n  for (var c = 1u; c < p.c; c++) { m = max(m, logit(i, c)); }\n  var s = 0.0;\n  for (var c = 0u; c < p.c; c++) { s += exp(logit(i, c) - m); }\n  return vec2f(m, s);\n}\n\nfn prob(i: u32, c: u32, st: vec2f) -> f32 {\n  return exp(logit(i, c) - st.x) / st.y;\n}\n\n// Sort keys: (bits(|fg \u2212 p|) + 1, i) per class row; padding (0, i) sorts after every error \u2265 0.\n@group(0) @binding(3) var<storage, read_write> pairs: array<vec2u>;\n\n@compute @workgroup_size(WG)\nfn errors(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i >= p.npad) { return; }\n    if (i >= p.n) {\n      for (var c = 0u; c < p.c; c++) { pairs[c * p.npad + i] = vec2u(0u, i); }\n      continue;\n    }\n    let st = softmax_stats(i);\n    let y = label(i);\n    for (var c = 0u; c < p.c; c++) {\n      let e = abs(select(0.0, 1.0, y == c) - prob(i, c, st));\n      pairs[c * p.npad + i] = vec2u(bitcast<u32>(e) + 1u, i);\n    }\n  }\n}\n\n// The pairs after the sort: row c (class c) of npad, errors descending.\n@group(0) @binding(2) var<storage, read> sorted: array<vec2u>;\n\n// The sorted positions [start, end) of chunk t = (class, chunk).\nfn chunk_range(t: u32) -> vec2u {\n  let start = (t % p.q) * CHUNK;\n  return vec2u(start, min(start + CHUNK, p.n));\n}\n\n// counts[class, chunk]: foreground pixels in the chunk.\n@group(0) @binding(3) var<storage, read_write> counts: array<u32>;\n\n@compute @workgroup_size(WG)\nfn count(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let t = flat_id(gid, nwg, WG);\n  if (t >= p.c * p.q) { return; }\n  let c = t / p.q;\n  let r = chunk_range(t);\n  var n = 0u;\n  for (var pos = r.x; pos < r.y; pos++) {\n    n += select(0u, 1u, label(sorted[c * p.npad + pos].y) == c);\n  }\n  counts[t] = n;\n}\n\n// Exclusive prefix sums of the counts per class, one workgroup per class; the class totals follow at c\xB7q + class.\n@group(0) @binding(1) var<storage, read> scan_in: array<u32>;\n@group(0) @binding(2) var<storage, read_write> scan_out: array<u32>;\n\nvar<workgroup> part: array<u32, WG>;\n\n@compute @workgroup_size(WG)\nfn scan(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {\n  let row = wid.x * p.q;\n  let per = (p.q + WG - 1u) / WG;\n  let start = min(lid.x * per, p.q);\n  let end = min(start + per, p.q);\n  var n = 0u;\n  for (var j = start; j < end; j++) { n += scan_in[row + j]; }\n  part[lid.x] = n;\n  workgroupBarrier();\n  // WG partial sums: one serial pass is cheaper than a tree of barriers on CPU adapters, and tiny on GPUs.\n  if (lid.x == 0u) {\n    var run = 0u;\n    for (var j = 0u; j < WG; j++) {\n      let v = part[j];\n      part[j] = run;\n      run += v;\n    }\n    scan_out[p.c * p.q + wid.x] = run;\n  }\n  workgroupBarrier();\n  var run = part[lid.x];\n  for (var j = start; j < end; j++) {\n    scan_out[row + j] = run;\n    run += scan_in[row + j];\n  }\n}\n\n// Per sorted position the Lov\xE1sz gradient \u0394J = J(k) \u2212 J(k \u2212 1) of the Jaccard loss J = 1 \u2212 I/U, with\n// I = gts \u2212 F(k), U = gts + k + 1 \u2212 F(k) and F(k) the foreground count up to and including k. In closed form\n// (exact in the integer counts, unlike subtracting two nearly equal J): a foreground pixel adds 1/U, a background\n// one I/(U\xB7(U \u2212 1)). Scattered to the pixel's own index for the backward, and \u03A3 error\xB7\u0394J per chunk.\n@group(0) @binding(3) var<storage, read> offsets: array<u32>;\n@group(0) @binding(4) var<storage, read_write> jgrad: array<f32>;\n@group(0) @binding(5) var<storage, read_write> partial: array<f32>;\n\n@compute @workgroup_size(WG)\nfn grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let t = flat_id(gid, nwg, WG);\n  if (t >= p.c * p.q) { return; }\n  let c = t / p.q;\n  let r = chunk_range(t);\n  let gts = f32(offsets[p.c * p.q + c]);\n  var fgs = offsets[t];\n  var acc = 0.0;\n  for (var pos = r.x; pos < r.y; pos++) {\n    let pair = sorted[c * p.npad + pos];\n    let fg = label(pair.y) == c;\n    fgs += select(0u, 1u, fg);\n    let inter = gts - f32(fgs);\n    let uni = gts + f32(pos + 1u - fgs);\n    var d: f32;\n    if (pos == 0u) {\n      d = 1.0 - inter / uni;\n    } else if (fg) {\n      d = 1.0 / uni;\n    } else {\n      d = inter / (uni * (uni - 1.0));\n    }\n    jgrad[c * p.n + pair.y] = d;\n    acc += bitcast<f32>(pair.x - 1u) * d;\n  }\n  partial[t] = acc;\n}\n\n// loss = mean over present classes (total > 0) of \u03A3_chunks partial; weights[c] = 1/#present or 0 for the backward.\n@group(0) @binding(1) var<storage, read> totals: array<u32>;\n@group(0) @binding(2) var<storage, read> sums: array<f32>;\n@group(0) @binding(3) var<storage, read_write> loss: array<f32>;\n@group(0) @binding(4) var<storage, read_write> weights: array<f32>;\n\nvar<workgroup> red: array<f32, WG>;\n\n@compute @workgroup_size(WG)\nfn finish(@builtin(local_invocation_id) lid: vec3u) {\n  var total = 0.0;\n  var present = 0u;\n  for (var c = 0u; c < p.c; c++) {\n    var s = 0.0;\n    for (var j = lid.x; j < p.q; j += WG) { s += sums[c * p.q + j]; }\n    red[lid.x] = s;\n    workgroupBarrier();\n    for (var h = WG / 2u; h > 0u; h >>= 1u) {\n      if (lid.x < h) { red[lid.x] += red[lid.x + h]; }\n      workgroupBarrier();\n    }\n    if (totals[p.c * p.q + c] > 0u) {\n      total += red[0];\n      present++;\n    }\n    workgroupBarrier();\n  }\n  if (lid.x == 0u) {\n    loss[0] = total / f32(present);\n    for (var c = 0u; c < p.c; c++) {\n      weights[c] = select(0.0, 1.0 / f32(present), totals[p.c * p.q + c] > 0u);\n    }\n  }\n}\n\n// dlogits: dloss/derror = g \xB7 weight[c] \xB7 \u0394J, derror/dp = sign(p \u2212 fg) (0 at a tie, as PyTorch's abs),\n// then the softmax backward dx_c = p_c (dp_c \u2212 \u03A3 dp\xB7p). Four pixels per invocation.\n@group(0) @binding(3) var<storage, read> bj: array<f32>;\n@group(0) @binding(4) var<storage, read> bw: array<f32>;\n@group(0) @binding(5) var<storage, read> bg: array<f32>;\n@group(0) @binding(6) var<storage, read_write> dx: array<f32>;\n\nfn dprob(i: u32, c: u32, y: u32, pc: f32, g: f32) -> f32 {\n  return g * bw[c] * bj[c * p.n + i] * sign(pc - select(0.0, 1.0, y == c));\n}\n\n@compute @workgroup_size(WG)\nfn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  let g = bg[0];\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i >= p.n) { return; }\n    let st = softmax_stats(i);\n    let y = label(i);\n    var dot = 0.0;\n    for (var c = 0u; c < p.c; c++) {\n      let pc = prob(i, c, st);\n      dot += dprob(i, c, y, pc, g) * pc;\n    }\n    for (var c = 0u; c < p.c; c++) {\n      let pc = prob(i, c, st);\n      dx[((i / p.hw) * p.c + c) * p.hw + i % p.hw] = pc * (dprob(i, c, y, pc, g) - dot);\n    }\n  }\n}\n", "mask_correlate": "// From histogram totals to the mask's band weights, in float64 as the original computes them.\n// WGSL has no f64, so a small software double (IEEE bits as vec2u(low, high); normal numbers and\n// zero only, round to nearest even) follows the reference's exact operation order, and each value is\n// rounded to float32 once, where the original does. Integer-only arithmetic: nothing a compiler may\n// re-associate or fuse.\n//   correlate (one invocation per image and strip): cell means f32(T / area) \u2192 L1 normalisation \u2192\n//     Pearson \u03C1 as numpy.corrcoef (NaN \u2192 1, clipped to [\u22121, 1]); writes \u03C1 (float64) and the\n//     normalised histograms (float32).\n//   bands (one invocation per image, strip and table entry): entry 0 = f32(\u03C1), entry 1 + c = the\n//     network's attention input for pixel value c under weight \u03C1 (f32(f64(c)\xB7\u03C1), then the network normalisation); the paint kernel looks\n//     these up instead of repeating the float64 chain per pixel.\n\noverride WG: u32 = 64;\n\n// Constants as float64 bits (low, high), from the host: 1e-5, 1/7, 0.456, 0.225.\nstruct Params { n: u32, eps: vec2u, inv7: vec2u, mean: vec2u, sd: vec2u }\n@group(0) @binding(0) var<uniform> p: Params;\n// correlate\n@group(0) @binding(1) var<storage, read> totals: array<f32>;           // [N, 5, 8]\n@group(0) @binding(2) var<storage, read_write> rho: array<vec2u>;      // [N, 4] float64\n@group(0) @binding(3) var<storage, read_write> hog: array<f32>;        // [N, 5, 8]\n// bands\n@group(0) @binding(1) var<storage, read> rho_in: array<vec2u>;         // [N, 4] float64\n@group(0) @binding(2) var<storage, read_write> table: array<f32>;      // [N, 4, 257]\n\n// ---- 64-bit unsigned integers, vec2u(low, high) ----\n\nfn u64_add(a: vec2u, b: vec2u) -> vec2u {\n  let lo = a.x + b.x;\n  return vec2u(lo, a.y + b.y + select(0u, 1u, lo < a.x));\n}\n\nfn u64_sub(a: vec2u, b: vec2u) -> vec2u { // a \u2265 b\n  return vec2u(a.x - b.x, a.y - b.y - select(0u, 1u, a.x < b.x));\n}\n\nfn u64_ge(a: vec2u, b: vec2u) -> bool { return a.y > b.y || (a.y == b.y && a.x >= b.x); }\n\nfn u64_shl(a: vec2u, n: u32) -> vec2u { // n < 64\n  if (n == 0u) { return a; }\n  if (n >= 32u) { return vec2u(0u, a.x << (n - 32u)); }\n  return vec2u(a.x << n, (a.y << n) | (a.x >> (32u - n)));\n}\n\nfn u64_shr(a: vec2u, n: u32) -> vec2u { // n < 64\n  if (n == 0u) { return a; }\n  if (n >= 32u) { return vec2u(a.y >> (n - 32u), 0u); }\n  return vec2u((a.x >> n) | (a.y << (32u - n)), a.y >> n);\n}\n\n/** Whether any of the n lowest bits is set (n < 64). */\nfn u64_low(a: vec2u, n: u32) -> bool {\n  if (n == 0u) { return false; }\n  if (n >= 32u) { return a.x != 0u || (a.y & ((1u << (n - 32u)) - 1u)) != 0u; }\n  return (a.x & ((1u << n) - 1u)) != 0u;\n}\n\nfn u64_lead(a: vec2u) -> i32 { // highest set bit, \u22121 for 0\n  if (a.y != 0u) { return 32 + i32(firstLeadingBit(a.y)); }\n  if (a.x != 0u) { return i32(firstLeadingBit(a.x)); }\n  return -1;\n}\n\nfn mul32(a: u32, b: u32) -> vec2u {\n  let al = a & 0xffffu;\n  let ah = a >> 16u;\n  let bl = b & 0xffffu;\n  let bh = b >> 16u;\n  let p0 = al * bl;\n  let p1 = al * bh;\n  let p2 = ah * bl;\n  let mid = (p0 >> 16u) + (p1 & 0xffffu) + (p2 & 0xffffu);\n  return vec2u((p0 & 0xffffu) | (mid << 16u), ah * bh + (p1 >> 16u) + (p2 >> 16u) + (mid >> 16u));\n}\n\n// ---- float64 ----\n\nfn f64_zero(a: vec2u) -> bool { return (a.y & 0x7ff00000u) == 0u; }\nfn f64_sign(a: vec2u) -> u32 { return a.y >> 31u; }\nfn f64_exp(a: vec2u) -> i32 { return i32((a.y >> 20u) & 0x7ffu) - 1075; } // of the integer mantissa\nfn f64_man(a: vec2u) -> vec2u { return vec2u(a.x, (a.y & 0xfffffu) | 0x100000u); }\nfn f64_neg(a: vec2u) -> vec2u { return vec2u(a.x, a.y ^ 0x80000000u); }\n\n// sign\xB7m\xB72^e rounded to a double (ties to even); bit 0 of m may carry a sticky bit from below, so\n// callers keep \u2265 2 bits beyond the 53 whenever they shortened m.\nfn f64_pack(sign: u32, m: vec2u, e: i32) -> vec2u {\n  let lead = u64_lead(m);\n  if (lead < 0) { return vec2u(0u, sign << 31u); }\n  var r = m;\n  var x = e;\n  if (lead > 52) {\n    let k = u32(lead - 52);\n    r = u64_shr(m, k);\n    x += i32(k);\n    let half = (u64_shr(m, k - 1u).x & 1u) != 0u;\n    if (half && (u64_low(m, k - 1u) || (r.x & 1u) != 0u)) {\n      r = u64_add(r, vec2u(1u, 0u));\n      if (r.y == 0x200000u) { r = vec2u(0u, 0x100000u); x += 1; }\n    }\n  } else if (lead < 52) {\n    let k = u32(52 - lead);\n    r = u64_shl(m, k);\n    x -= i32(k);\n  }\n  return vec2u(r.x, (sign << 31u) | (u32(x + 1075) << 20u) | (r.y & 0xfffffu));\n}\n\nfn f64_add(a: vec2u, b: vec2u) -> vec2u {\n  if (f64_zero(a)) { return select(b, vec2u(0u, a.y & b.y), f64_zero(b)); }\n  if (f64_zero(b)) { return a; }\n  var x = a; // the larger magnitude\n  var y = b;\n  if (u64_ge(vec2u(b.x, b.y & 0x7fffffffu), vec2u(a.x, a.y & 0x7fffffffu))) { x = b; y = a; }\n  let mx = u64_shl(f64_man(x), 3u); // 3 guard bits\n  var my = u64_shl(f64_man(y), 3u);\n  let d = u32(f64_exp(x) - f64_exp(y));\n  if (d >= 60u) {\n    my = vec2u(1u, 0u);\n  } else if (d > 0u) {\n    let sticky = u64_low(my, d);\n    my = u64_shr(my, d);\n    my.x |= select(0u, 1u, sticky);\n  }\n  if (f64_sign(x) == f64_sign(y)) { return f64_pack(f64_sign(x), u64_add(mx, my), f64_exp(x) - 3); }\n  let m = u64_sub(mx, my);\n  if (all(m == vec2u(0u))) { return vec2u(0u); }\n  return f64_pack(f64_sign(x), m, f64_exp(x) - 3);\n}\n\nfn f64_sub(a: vec2u, b: vec2u) -> vec2u { return f64_add(a, f64_neg(b)); }\n\nfn f64_mul(a: vec2u, b: vec2u) -> vec2u {\n  let sign = f64_sign(a) ^ f64_sign(b);\n  if (f64_zero(a) || f64_zero(b)) { return vec2u(0u, sign << 31u); }\n  let ma = f64_man(a);\n  let mb = f64_man(b);\n  // The 106-bit product in four words w0\u2026w3.\n  let ll = mul32(ma.x, mb.x);\n  let mid = u64_add(mul32(ma.x, mb.y), mul32(ma.y, mb.x));\n  let lo = vec2u(ll.x, ll.y + mid.x);\n  let hi = u64_add(u64_add(mul32(ma.y, mb.y), vec2u(mid.y, 0u)), vec2u(select(0u, 1u, lo.y < mid.x), 0u));\n  // Its bits 42\u2026105 (\u2265 62 significant bits), the rest as a sticky bit.\n  let sticky = lo.x != 0u || (lo.y & 0x3ffu) != 0u;\n  let top = vec2u((lo.y >> 10u) | (hi.x << 22u) | select(0u, 1u, sticky), (hi.x >> 10u) | (hi.y << 22u));\n  return f64_pack(sign, top, f64_exp(a) + f64_exp(b) + 42);\n}\n\nfn f64_div(a: vec2u, b: vec2u) -> vec2u { // b \u2260 0\n  let sign = f64_sign(a) ^ f64_sign(b);\n  if (f64_zero(a)) { return vec2u(0u, sign << 31u); }\n  var r = f64_man(a);\n  let mb = f64_man(b);\n  var e = f64_exp(a) - f64_exp(b);\n  if (!u64_ge(r, mb)) { r = u64_shl(r, 1u); e -= 1; }\n  // 55 quotient bits by restoring division, the remainder as a sticky bit.\n  var q = vec2u(0u);\n  for (var i = 0; i < 55; i++) {\n    q = u64_shl(q, 1u);\n    if (u64_ge(r, mb)) { r = u64_sub(r, mb); q.x |= 1u; }\n    r = u64_shl(r, 1u);\n  }\n  q.x |= select(0u, 1u, any(r != vec2u(0u)));\n  return f64_pack(sign, q, e - 54);\n}\n\nfn f64_sqrt(a: vec2u) -> vec2u { // a \u2265 0\n  if (f64_zero(a)) { return a; }\n  var x = f64_man(a);\n  var e = f64_exp(a);\n  if ((e & 1) != 0) { x = u64_shl(x, 1u); e -= 1; }\n  // 55 root bits of x\xB72^56, digit by digit; x < 2^54 supplies the first 27 bit pairs.\n  var rem = vec2u(0u);\n  var root = vec2u(0u);\n  for (var i = 0; i < 55; i++) {\n    rem = u64_shl(rem, 2u);\n    if (i < 27) { rem.x |= u64_shr(x, u32(52 - 2 * i)).x & 3u; }\n    var t = u64_shl(root, 2u);\n    t.x |= 1u;\n    root = u64_shl(root, 1u);\n    if (u64_ge(rem, t)) { rem = u64_sub(rem, t); root.x |= 1u; }\n  }\n  root.x |= select(0u, 1u, any(rem != vec2u(0u)));\n  return f64_pack(0u, root, (e - 56) / 2);\n}\n\nfn f64_from_f32(v: f32) -> vec2u {\n  let b = bitcast<u32>(v);\n  if ((b & 0x7f800000u) == 0u) { return vec2u(0u, b & 0x80000000u); }\n  let m = b & 0x7fffffu;\n  return vec2u(m << 29u, (b & 0x80000000u) | ((((b >> 23u) & 0xffu) + 896u) << 20u) | (m >> 3u));\n}\n\nfn f64_from_u32(v: u32) -> vec2u { return f64_pack(0u, vec2u(v, 0u), 0); }\n\nfn f64_to_f32(a: vec2u) -> f32 {\n  let sign = a.y & 0x80000000u;\n  if (f64_zero(a)) { return bitcast<f32>(sign); }\n  let m = f64_man(a);\n  var r = (m.y << 3u) | (m.x >> 29u);\n  var e = ((a.y >> 20u) & 0x7ffu) - 896u;\n  if (((m.x >> 28u) & 1u) != 0u && ((m.x & 0x0fffffffu) != 0u || (r & 1u) != 0u)) {\n    r += 1u;\n    if (r == 0x1000000u) { r = 0x800000u; e += 1u; }\n  }\n  return bitcast<f32>(sign | (e << 23u) | (r & 0x7fffffu));\n}\n\n// Correctly rounded float32 x / (d\xB72^k) for an odd d < 256 (as numpy's float32 division): the\n// 24-bit mantissa times 2^8 divided in integers, the remainder deciding ties.\nfn f32_div(x: f32, d: u32, k: u32) -> f32 {\n  let b = bitcast<u32>(x);\n  let sign = b & 0x80000000u;\n  if ((b & 0x7f800000u) == 0u) { return bitcast<f32>(sign); }\n  let num = ((b & 0x7fffffu) | 0x800000u) << 8u;\n  let q = num / d;\n  let rem = num % d;\n  // q has 24\u202627 bits; keep 24.\n  let n = firstLeadingBit(q) - 23u;\n  var r = q >> n;\n  var up: bool;\n  if (n == 0u) {\n    up = 2u * rem > d; // d odd: never exactly half\n  } else {\n    let half = ((q >> (n - 1u)) & 1u) != 0u;\n    up = half && ((q & ((1u << (n - 1u)) - 1u)) != 0u || rem != 0u || (r & 1u) != 0u);\n  }\n  var e = ((b >> 23u) & 0xffu) + n - 8u - k;\n  if (up) {\n    r += 1u;\n    if (r == 0x1000000u) { r = 0x800000u; e += 1u; }\n  }\n  return bitcast<f32>(sign | (e << 23u) | (r & 0x7fffffu));\n}\n\n// ---- kernels ----\n\nfn sum8(v: array<vec2u, 8>) -> vec2u { // numpy's pairwise order for 8 values\n  return f64_add(f64_add(f64_add(v[0], v[1]), f64_add(v[2], v[3])), f64_add(f64_add(v[4], v[5]), f64_add(v[6], v[7])));\n}\n\n// Cell (n, c) as float64: f32(T / area) (area 224\xB756 = 49\xB72^8, or 224\xB7224 = 49\xB72^10), then\n// h / (\u03A3|h| + 1e-5), stored to hog as float32 when `store`.\nfn normalised(n: u32, c: u32, store: bool) -> array<vec2u, 8> {\n  var h: array<vec2u, 8>;\n  for (var k = 0u; k < 8u; k++) { h[k] = f64_from_f32(f32_div(totals[(n * 5u + c) * 8u + k], 49u, select(8u, 10u, c == 4u))); }\n  let d = f64_add(sum8(h), p.eps); // values are \u2265 0: \u03A3|h| = \u03A3h\n  for (var k = 0u; k < 8u; k++) {\n    h[k] = f64_div(h[k], d);\n    if (store) { hog[(n * 5u + c) * 8u + k] = f64_to_f32(h[k]); }\n  }\n  return h;\n}\n\nfn centred(h: array<vec2u, 8>) -> array<vec2u, 8> {\n  let mean = f64_div(sum8(h), f64_from_u32(8u));\n  var x: array<vec2u, 8>;\n  for (var k = 0u; k < 8u; k++) { x[k] = f64_sub(h[k], mean); }\n  return x;\n}\n\n// \u03A3 a\xB7b in index order, times 1/(8 \u2212 1) (numpy.cov).\nfn cov(a: array<vec2u, 8>, b: array<vec2u, 8>) -> vec2u {\n  var s = f64_mul(a[0], b[0]);\n  for (var k = 1u; k < 8u; k++) { s = f64_add(s, f64_mul(a[k], b[k])); }\n  return f64_mul(s, p.inv7);\n}\n\nconst ONE = vec2u(0u, 0x3ff00000u);\n\n@compute @workgroup_size(WG)\nfn correlate(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let id = flat_id(gid, nwg, WG);\n  if (id >= p.n * 4u) { return; }\n  let n = id / 4u;\n  let strip = id % 4u;\n  // Every strip's invocation normalises the face histogram; the first one stores it.\n  let g = centred(normalised(n, 4u, strip == 0u));\n  let a = centred(normalised(n, strip, true));\n  let caa = cov(a, a);\n  let cgg = cov(g, g);\n  var r = ONE; // NaN (a constant histogram) \u2192 1\n  if (!f64_zero(caa) && !f64_zero(cgg)) {\n    r = f64_div(f64_div(cov(a, g), f64_sqrt(caa)), f64_sqrt(cgg));\n    if (u64_ge(vec2u(r.x, r.y & 0x7fffffffu), ONE)) { r = vec2u(0u, ONE.y | (r.y & 0x80000000u)); } // clip\n  }\n  rho[id] = r;\n}\n\n// f32(f64(c)\xB7m), then f32 division by 255, then f32(f64(t) \u2212 0.456), then f32(f64(t) / 0.225).\nfn attention_input(c: u32, m: vec2u) -> f32 {\n  let t = f32_div(f64_to_f32(f64_mul(f64_from_u32(c), m)), 255u, 0u);\n  let v = f64_to_f32(f64_sub(f64_from_f32(t), p.mean));\n  return f64_to_f32(f64_div(f64_from_f32(v), p.sd));\n}\n\n@compute @workgroup_size(WG)\nfn bands(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let id = flat_id(gid, nwg, WG);\n  if (id >= p.n * 4u * 257u) { return; }\n  let entry = id % 257u;\n  let r = rho_in[id / 257u];\n  if (entry == 0u) {\n    table[id] = f64_to_f32(r);\n  } else {\n    table[id] = attention_input(entry - 1u, r);\n  }\n}\n", "mask_gradients": "// HOG gradients of 224\xD7224 BGR faces (per channel, central differences, 0 on the border rows/columns;\n// per pixel the channel with the largest magnitude), one code per pixel:\n//   x = low word, y = high word | bin << 29 of m\xB72^52, where m is the float64 magnitude of the\n//   channel with the largest magnitude (first on ties) and bin its 22.5\xB0 orientation bin.\n// Gradients are integers, so the choice of channel (by gx\xB2 + gy\xB2) and the bin (exact comparisons\n// with tan 22.5\xB0 = \u221A2 \u2212 1 and tan 67.5\xB0 = \u221A2 + 1 through squares) need no floating point; the\n// magnitude comes from a table of correctly rounded float64 square roots in 2^-52 fixed point, which\n// lets the histogram kernel reproduce the reference's float32 running totals bit for bit.\n// One invocation covers 4 pixels of a row: 12 bytes = 3 aligned words of the packed image.\n// SOBEL: 3\xD73 Sobel responses / 4 instead of [\u22121, 0, 1], zero on the border pixels.\n\noverride WG: u32 = 64;\noverride SOBEL: bool = false;\n\nconst W: u32 = 224u;\nconst ROW_WORDS: u32 = 168u; // 224 pixels \xB7 3 bytes / 4\nconst GROUPS: u32 = 56u;     // 4-pixel groups per row\n\nstruct Params { n: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> faces: array<u32>;       // [N, 224, 224, 3] bytes\n@group(0) @binding(2) var<storage, read> roots: array<vec2u>;     // s \u2192 m\xB72^52 for gx\xB2 + gy\xB2 = s\n@group(0) @binding(3) var<storage, read_write> codes: array<vec2u>; // [N, 224, 224]\n\n// The group's 3 words with the previous and next word of the row (bytes of pixels x \u2212 1 and x + 4).\nfn row_words(n: u32, y: u32, g: u32) -> array<u32, 5> {\n  let base = (n * W + y) * ROW_WORDS + g * 3u;\n  var w = array<u32, 5>(0u, faces[base], faces[base + 1u], faces[base + 2u], 0u);\n  if (g > 0u) { w[0] = faces[base - 1u]; }\n  if (g + 1u < GROUPS) { w[4] = faces[base + 3u]; }\n  return w;\n}\n\n// Channel c of pixel x0 + k (k = \u22121\u20264) from row_words.\nfn px(w: array<u32, 5>, k: i32, c: i32) -> i32 {\n  let j = u32(3 * k + c + 4);\n  return i32((w[j >> 2u] >> ((j & 3u) * 8u)) & 0xffu);\n}\n\n// Orientation bin of atan2(gy, gx) mod 180\xB0 (y down): bin k holds [22.5k, 22.5(k+1)); exact 45\xB0, 90\xB0,\n// 135\xB0 belong to the upper bin, 0\xB0/180\xB0 to bin 0. Equalities with tan 22.5\xB0, tan 67.5\xB0 are impossible\n// for nonzero integers, so the strict tests below decide every case exactly.\nfn hog_bin(gx: i32, gy: i32) -> u32 {\n  var x = gx;\n  var y = gy;\n  if (y < 0 || (y == 0 && x < 0)) { x = -x; y = -y; }\n  if (y == 0) { return 0u; }\n  let ax = abs(x);\n  let lt22 = (y + ax) * (y + ax) < 2 * ax * ax;           // y < (\u221A2 \u2212 1)\xB7|x|\n  let lt67 = y <= ax || (y - ax) * (y - ax) < 2 * ax * ax; // y < (\u221A2 + 1)\xB7|x|\n  if (x > 0) {\n    return select(select(select(3u, 2u, lt67), 1u, y < ax), 0u, lt22);\n  }\n  // x \u2264 0 < y: \u03B8 = 180\xB0 \u2212 angle of (|x|, y); 135\xB0 (y = |x|) stays in bin 6, 90\xB0 (x = 0) in bin 4.\n  return select(select(select(4u, 5u, lt67), 6u, y <= ax), 7u, lt22);\n}\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let id = flat_id(gid, nwg, WG);\n  if (id >= p.n * W * GROUPS) { return; }\n  let g = id % GROUPS;\n  let y = (id / GROUPS) % W;\n  let n = id / (GROUPS * W);\n  let mid = row_words(n, y, g);\n  var up = array<u32, 5>(0u, 0u, 0u, 0u, 0u);\n  var down = up;\n  if (y > 0u) { up = row_words(n, y - 1u, g); }\n  if (y + 1u < W) { down = row_words(n, y + 1u, g); }\n  let border_y = y == 0u || y + 1u == W;\n  for (var k = 0; k < 4; k++) {\n    let x = g * 4u + u32(k);\n    let border_x = x == 0u || x + 1u == W;\n    var best = 0;\n    var bx = 0;\n    var by = 0;\n    for (var c = 0; c < 3; c++) {\n      var gx = 0;\n      var gy = 0;\n      if (SOBEL) {\n        if (!border_x && !border_y) {\n          gx = px(up, k + 1, c) + 2 * px(mid, k + 1, c) + px(down, k + 1, c) - px(up, k - 1, c) - 2 * px(mid, k - 1, c) - px(down, k - 1, c);\n          gy = px(down, k - 1, c) + 2 * px(down, k, c) + px(down, k + 1, c) - px(up, k - 1, c) - 2 * px(up, k, c) - px(up, k + 1, c);\n        }\n      } else {\n        if (!border_x) { gx = px(mid, k + 1, c) - px(mid, k - 1, c); }\n        if (!border_y) { gy = px(down, k, c) - px(up, k, c); }\n      }\n      let s = gx * gx + gy * gy;\n      if (s > best) { best = s; bx = gx; by = gy; }\n    }\n    let m = roots[best];\n    codes[(n * W + y) * W + x] = vec2u(m.x, m.y | (hog_bin(bx, by) << 29u));\n  }\n}\n", "mask_histograms": "// Orientation histograms of the gradient codes (shaders/mask_gradients.wgsl): per image, 4 vertical\n// strips of 56 columns and the whole face, 8 bins each, as float32 running totals updated pixel by\n// pixel in row-major order, total = f32(f64(total) + m) as the original accumulates, bit for bit.\n// Rounding makes the sum order-dependent, so each (image, cell, bin) is one invocation walking its\n// cell in order; strip walkers come first and face walkers after, so a workgroup of 32 never mixes the\n// two loop lengths. The float64 add-then-round-to-float32 is emulated exactly in integers (total and m\n// as 2^-52 fixed point, 96 bits), immune to compiler re-association and fused multiply-adds.\n\noverride WG: u32 = 32;\n\nconst W: u32 = 224u;\nconst STRIP: u32 = 56u;\nconst M_MASK: u32 = 0x1fffffffu; // the magnitude's high bits; the bin sits above them\n\nstruct Params { n: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> codes: array<vec4u>;    // two pixel codes per element\n@group(0) @binding(2) var<storage, read_write> totals: array<u32>; // [N, 5, 8] float32 bits\n\n// f32(f64(t) + m) for a float32 t (bits; 0 or \u2265 2^-29) and m = (lo, hi)\xB72^-52 (a float64 \u2265 2^-2).\nfn add_rounded(t: u32, lo: u32, hi: u32) -> u32 {\n  // t\xB72^52 in three words: its 24-bit mantissa shifted left by (exponent \u2212 98) \u2208 [27, 53].\n  var x = vec3u(0u);\n  if (t != 0u) {\n    let man = (t & 0x7fffffu) | 0x800000u;\n    let sh = ((t >> 23u) & 0xffu) - 98u;\n    let b = sh & 31u;\n    let low = man << b;\n    let high = select(man >> (32u - b), 0u, b == 0u);\n    x = select(vec3u(0u, low, high), vec3u(low, high, 0u), sh < 32u);\n  }\n  // + m\n  let s0 = x.x + lo;\n  let s1a = x.y + hi;\n  let s1 = s1a + select(0u, 1u, s0 < lo);\n  let s2 = x.z + select(0u, 1u, s1a < hi) + select(0u, 1u, s1 < s1a);\n  // Round to 53 significant bits (the float64 sum): drop n \u2208 [1, 25] bits, ties to even.\n  let lead = select(32u + firstLeadingBit(s1), 64u + firstLeadingBit(s2), s2 != 0u);\n  var q = vec2u(s0, s1);\n  var d = 0u;\n  if (lead > 52u) {\n    d = lead - 52u;\n    q = vec2u((s0 >> d) | (s1 << (32u - d)), (s1 >> d) | (s2 << (32u - d)));\n    let half = (s0 >> (d - 1u)) & 1u;\n    let rest = (s0 & ((1u << (d - 1u)) - 1u)) != 0u;\n    if (half != 0u && (rest || (q.x & 1u) != 0u)) {\n      q.x += 1u;\n      q.y += select(0u, 1u, q.x == 0u);\n    }\n  }\n  // Round q\xB72^(d \u2212 52) to 24 bits (the float32): drop n2 \u2208 [27, 30] bits of q.\n  let n2 = 32u + firstLeadingBit(q.y) - 23u;\n  var r = (q.x >> n2) | (q.y << (32u - n2));\n  let half2 = (q.x >> (n2 - 1u)) & 1u;\n  let rest2 = (q.x & ((1u << (n2 - 1u)) - 1u)) != 0u;\n  var e = d + n2;\n  if (half2 != 0u && (rest2 || (r & 1u) != 0u)) {\n    r += 1u;\n    if (r == 0x1000000u) { r = 0x800000u; e += 1u; }\n  }\n  // value = r\xB72^(e \u2212 52) with r \u2208 [2^23, 2^24): biased float32 exponent e \u2212 52 + 23 + 127.\n  return ((e + 98u) << 23u) | (r & 0x7fffffu);\n}\n\nfn step(t: u32, code: vec2u, bin: u32) -> u32 {\n  let hi = code.y & M_MASK;\n  if ((code.y >> 29u) == bin && hi != 0u) { return add_rounded(t, code.x, hi); }\n  return t;\n}\n\n// BLOCK elements (2\xB7BLOCK pixels) from `at`, loaded before any is added: the loads do not wait on\n// the running total, so their latency is paid once per block instead of once per pixel pair.\nconst BLOCK: u32 = 4u;\nfn block(t: u32, at: u32, bin: u32) -> u32 {\n  var v: array<vec4u, BLOCK>;\n  for (var i = 0u; i < BLOCK; i++) { v[i] = codes[at + i]; }\n  var s = t;\n  for (var i = 0u; i < BLOCK; i++) { s = step(step(s, v[i].xy, bin), v[i].zw, bin); }\n  return s;\n}\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let id = flat_id(gid, nwg, WG);\n  let strips = p.n * 32u;\n  if (id >= p.n * 40u) { return; }\n  var t = 0u;\n  var out: u32;\n  if (id < strips) {\n    let bin = id % 8u;\n    let strip = (id / 8u) % 4u;\n    let n = id / 32u;\n    for (var y = 0u; y < W; y++) {\n      let base = ((n * W + y) * W + strip * STRIP) / 2u;\n      for (var i = 0u; i < STRIP / 2u; i += BLOCK) { t = block(t, base + i, bin); }\n    }\n    out = (n * 5u + strip) * 8u + bin;\n  } else {\n    let bin = (id - strips) % 8u;\n    let n = (id - strips) / 8u;\n    let base = n * W * W / 2u;\n    for (var i = 0u; i < W * W / 2u; i += BLOCK) { t = block(t, base + i, bin); }\n    out = (n * 5u + 4u) * 8u + bin;\n  }\n  totals[out] = t;\n}\n", "mask_paint": "// The weighted mask and both network inputs (the face, and the face \xD7 mask), 4 pixels of a row per invocation.\n// Mask: the band weight f32(\u03C1_b) with b = row / 56 (the original's horizontal bands) or column / 56\n// (COLUMNS); over it the 15\xD715 diamonds 1 \u2212 |dr|/15 \u2212 |dc|/15 of the landmarks, the last landmark\n// covering a pixel winning (the original paints in index order and overwrites). Landmarks with\n// x < 0, y < 0, x \u2265 223 or y \u2265 223 (after truncation, done on the host in float64) are skipped.\n// Every value, and both inputs, come from tables holding the exact float64 \u2192 float32 sequences:\n// per image and band (shaders/mask_correlate.wgsl `bands`) and constant ones for the diamonds.\n\noverride WG: u32 = 64;\noverride COLUMNS: bool = false;\n\nconst W: u32 = 224u;\nconst PLANE: u32 = 50176u; // 224\xB7224\nconst GROUPS: u32 = 56u;\nconst RADIUS: i32 = 7;\n// Offsets into `fixed`: image input [256], diamond mask [8\xB78], diamond attention input [8\xB78][256].\nconst DIAMOND_MASK: u32 = 256u;\nconst DIAMOND_ATTN: u32 = 320u;\n\nstruct Params { n: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> faces: array<u32>;       // [N, 224, 224, 3] bytes\n@group(0) @binding(2) var<storage, read> marks: array<vec2i>;     // [N, 68] truncated (x, y)\n@group(0) @binding(3) var<storage, read> bands: array<f32>;       // [N, 4, 257]: f32(\u03C1), attention[256]\n@group(0) @binding(4) var<storage, read> fixed: array<f32>;\n@group(0) @binding(5) var<storage, read_write> mask: array<vec4f>;  // [N, 224, 224]\n@group(0) @binding(6) var<storage, read_write> image: array<vec4f>; // [N, 3, 224, 224]\n@group(0) @binding(7) var<storage, read_write> attn: array<vec4f>;  // [N, 3, 224, 224]\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let id = flat_id(gid, nwg, WG);\n  if (id >= p.n * W * GROUPS) { return; }\n  let g = id % GROUPS;\n  let y = (id / GROUPS) % W;\n  let n = id / (GROUPS * W);\n  let x0 = i32(g * 4u);\n  // Diamond cell (|dr|\xB78 + |dc|) per pixel, \u22121 for none: the highest landmark index covering it.\n  var cell = vec4i(-1);\n  for (var i = 67; i >= 0 && any(cell < vec4i(0)); i--) {\n    let m = marks[n * 68u + u32(i)];\n    let dr = abs(i32(y) - m.y);\n    if (m.x < 0 || m.y < 0 || m.x >= 223 || m.y >= 223 || dr > RADIUS) { continue; }\n    let dc = abs(vec4i(x0) + vec4i(0, 1, 2, 3) - vec4i(m.x));\n    cell = select(cell, dr * 8 + dc, (cell < vec4i(0)) & (dc <= vec4i(RADIUS)));\n  }\n  let band = (n * 4u + select(y, u32(x0), COLUMNS) / 56u) * 257u;\n  var wm = vec4f(bands[band]);\n  for (var k = 0; k < 4; k++) {\n    if (cell[k] >= 0) { wm[k] = fixed[DIAMOND_MASK + u32(cell[k])]; }\n  }\n  let pix = (n * W + y) * W + u32(x0);\n  mask[pix / 4u] = wm;\n  // The group's 12 bytes: pixel k, channel c at byte 3k + c.\n  let words = vec3u(faces[pix * 3u / 4u], faces[pix * 3u / 4u + 1u], faces[pix * 3u / 4u + 2u]);\n  for (var c = 0u; c < 3u; c++) {\n    var vi: vec4f;\n    var va: vec4f;\n    for (var k = 0u; k < 4u; k++) {\n      let j = 3u * k + c;\n      let v = (words[j >> 2u] >> ((j & 3u) * 8u)) & 0xffu;\n      vi[k] = fixed[v];\n      if (cell[k] >= 0) {\n        va[k] = fixed[DIAMOND_ATTN + u32(cell[k]) * 256u + v];\n      } else {\n        va[k] = bands[band + 1u + v];\n      }\n    }\n    let o = ((n * 3u + c) * PLANE + y * W + u32(x0)) / 4u;\n    image[o] = vi;\n    attn[o] = va;\n  }\n}\n", "max_pool2d": "// Max pooling of NCHW planes: k\xD7k windows, stride s, \u2212\u221E padding, floor output size\n// (src/kernels/launchers/max_pool2d.ts). Padding never exceeds k \u2212 1, so every window holds a real pixel.\n//\n// forward: one output per window; it also records the window's argmax as h\xB7W + w in the input\n//   plane: the first maximum in row-major window order (PyTorch).\n// backward: deterministic, atomics-free gather \u2014 each input pixel sums the gradients of the windows\n//   whose argmax it is.\n// Each invocation takes 4 elements WG apart (`element`), so that the threads of a workgroup touch\n// consecutive addresses at every step.\n\noverride WG: u32 = 64;\n\nstruct Params {\n  h: u32, w: u32,         // input plane\n  ho: u32, wo: u32,       // output plane\n  k: u32, s: u32,\n  pad_t: u32, pad_l: u32,\n  n: u32,                 // elements: outputs (forward) or input pixels (backward)\n}\n@group(0) @binding(0) var<uniform> p: Params;\n\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> y: array<f32>;\n@group(0) @binding(3) var<storage, read_write> argmax_out: array<i32>;\n\n// The k-th of the 4 elements of this invocation.\nfn element(gid: vec3u, nwg: vec3u, lid: u32, k: u32) -> u32 {\n  return (flat_id(gid, nwg, WG) - lid) * 4u + lid + k * WG;\n}\n\n// The real pixels [start, end) of a window starting at o\xB7s \u2212 pad along an axis of length len.\nfn window(o: u32, pad: u32, len: u32) -> vec2i {\n  let start = i32(o * p.s) - i32(pad);\n  return vec2i(max(start, 0), min(start + i32(p.k), i32(len)));\n}\n\n@compute @workgroup_size(WG)\nfn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {\n  for (var k = 0u; k < 4u; k++) {\n    let o = element(gid, nwg, lid.x, k);\n    if (o >= p.n) { return; }\n    let row = o / p.wo;              // plane\xB7Ho + oh\n    let plane_base = (row / p.ho) * p.h * p.w;\n    let rows = window(row % p.ho, p.pad_t, p.h);\n    let cols = window(o - row * p.wo, p.pad_l, p.w);\n    var best_i = rows.x * i32(p.w) + cols.x;\n    var best = x[plane_base + u32(best_i)];\n    for (var ih = rows.x; ih < rows.y; ih++) {\n      for (var iw = cols.x; iw < cols.y; iw++) {\n        let i = ih * i32(p.w) + iw;\n        let v = x[plane_base + u32(i)];\n        if (v > best) {\n          best = v;\n          best_i = i;\n        }\n      }\n    }\n    y[o] = best;\n    argmax_out[o] = best_i;\n  }\n}\n\n@group(0) @binding(1) var<storage, read> g: array<f32>;\n@group(0) @binding(2) var<storage, read> argmax: array<i32>;\n@group(0) @binding(3) var<storage, read_write> dx: array<f32>;\n\n// Outputs [lo, hi) whose windows cover input index i along an axis: o\xB7s \u2212 pad \u2264 i < o\xB7s \u2212 pad + k.\nfn covering(i: u32, pad: u32, out_len: u32) -> vec2u {\n  let a = i32(i + pad) - i32(p.k) + 1;\n  let lo = select(0u, (u32(a) + p.s - 1u) / p.s, a > 0);\n  return vec2u(lo, min((i + pad) / p.s + 1u, out_len));\n}\n\n@compute @workgroup_size(WG)\nfn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {\n  for (var k = 0u; k < 4u; k++) {\n    let i = element(gid, nwg, lid.x, k);\n    if (i >= p.n) { return; }\n    let row = i / p.w;               // plane\xB7H + ih\n    let ih = row % p.h;\n    let iw = i - row * p.w;\n    let out_base = (row / p.h) * p.ho * p.wo;\n    let ohs = covering(ih, p.pad_t, p.ho);\n    let ows = covering(iw, p.pad_l, p.wo);\n    let me = i32(ih * p.w + iw);\n    var acc = 0.0;\n    for (var oh = ohs.x; oh < ohs.y; oh++) {\n      for (var ow = ows.x; ow < ows.y; ow++) {\n        let o = out_base + oh * p.wo + ow;\n        if (argmax[o] == me) { acc += g[o]; }\n      }\n    }\n    dx[i] = acc;\n  }\n}\n", "optim": "// In-place optimizer updates with PyTorch's formulas and operation order (torch.optim.SGD and Adam, the\n// single-tensor path). Each invocation updates 4 consecutive elements as vec4: pooled buffers hold whole\n// 256-byte classes, so the last vec4 is in bounds, and lanes past n are padding of these very tensors.\n// Every buffer is bound once: the gradient read-only, the parameter and its state read_write.\n\noverride WG: u32 = 64;\noverride NESTEROV: bool = false;\n\n// SGD. one_minus_dampening is computed on the host in float64, as PyTorch's scalar is.\nstruct SgdParams { n: u32, lr: f32, weight_decay: f32, momentum: f32, one_minus_dampening: f32, first: u32 }\n// Adam. step_size = lr / (1 \u2212 \u03B21^t) and bc2_sqrt = sqrt(1 \u2212 \u03B22^t) are computed on the host per step.\nstruct AdamParams { n: u32, weight_decay: f32, one_minus_beta1: f32, beta2: f32, one_minus_beta2: f32, step_size: f32, bc2_sqrt: f32, eps: f32 }\n@group(0) @binding(0) var<uniform> sp: SgdParams;\n@group(0) @binding(0) var<uniform> ap: AdamParams;\n\n@group(0) @binding(1) var<storage, read> grad: array<vec4f>;\n@group(0) @binding(2) var<storage, read_write> param: array<vec4f>;\n@group(0) @binding(3) var<storage, read_write> buf: array<vec4f>;   // SGD momentum buffer / Adam exp_avg\n@group(0) @binding(4) var<storage, read_write> sq: array<vec4f>;    // Adam exp_avg_sq\n\n@compute @workgroup_size(WG)\nfn sgd(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let i = flat_id(gid, nwg, WG);\n  if (i * 4u >= sp.n) { return; }\n  let w = param[i];\n  param[i] = w - sp.lr * (grad[i] + sp.weight_decay * w);\n}\n\n// The first step copies the gradient into the buffer (no dampening), as PyTorch does.\n@compute @workgroup_size(WG)\nfn sgd_momentum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let i = flat_id(gid, nwg, WG);\n  if (i * 4u >= sp.n) { return; }\n  let w = param[i];\n  let g = grad[i] + sp.weight_decay * w;\n  var b = g;\n  if (sp.first == 0u) { b = buf[i] * sp.momentum + sp.one_minus_dampening * g; }\n  buf[i] = b;\n  var d = b;\n  if (NESTEROV) { d = g + sp.momentum * b; }\n  param[i] = w - sp.lr * d;\n}\n\n// exp_avg.lerp_(g, 1 \u2212 \u03B21); exp_avg_sq \xB7 \u03B22 + (1 \u2212 \u03B22)\xB7g\xB2; p \u2212 step_size \xB7 m / (sqrt(v)/bc2_sqrt + eps).\n@compute @workgroup_size(WG)\nfn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let i = flat_id(gid, nwg, WG);\n  if (i * 4u >= ap.n) { return; }\n  let w = param[i];\n  let g = grad[i] + ap.weight_decay * w;\n  let m = buf[i] + ap.one_minus_beta1 * (g - buf[i]);\n  let v = sq[i] * ap.beta2 + ap.one_minus_beta2 * g * g;\n  buf[i] = m;\n  sq[i] = v;\n  param[i] = w - ap.step_size * (m / (sqrt(v) / ap.bc2_sqrt + ap.eps));\n}\n", "reduce": "// Sums over rows of a [rows, cols] view with an inner stride: out[r] = alpha \xB7 \u03A3_j x[...].\n// The view covers both reductions the engine needs:\n//   per-channel sums of NCHW (rows = C, cols = N\xB7HW, element (c, j) at (j / HW)\xB7C\xB7HW + c\xB7HW + j % HW)\n//   a full sum (rows = 1, cols = size, HW = size, C = 1).\n// One workgroup per row: each thread strides over the row, then a tree reduction in workgroup memory.\n\noverride WG: u32 = 64;\n\nstruct Params { cols: u32, hw: u32, chw: u32, alpha: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> out: array<f32>;\n\nvar<workgroup> partial: array<f32, WG>;\n\n@compute @workgroup_size(WG)\nfn main(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {\n  let r = wid.x;\n  var acc = 0.0;\n  for (var j = lid.x; j < p.cols; j += WG) {\n    acc += x[(j / p.hw) * p.chw + r * p.hw + j % p.hw];\n  }\n  partial[lid.x] = acc;\n  workgroupBarrier();\n  for (var s = WG / 2u; s > 0u; s >>= 1u) {\n    if (lid.x < s) { partial[lid.x] += partial[lid.x + s]; }\n    workgroupBarrier();\n  }\n  if (lid.x == 0u) { out[r] = partial[0] * p.alpha; }\n}\n", "resize": "// Bilinear resize of [planes, H, W] to [planes, Ho, Wo] with half-pixel centres and no antialiasing\n// (src = (dst + 0.5)\xB7in/out \u2212 0.5, clamped at the borders) \u2014 how training shrinks the 224-pixel\n// network inputs and mask to a smaller model input size.\n\noverride WG: u32 = 64;\n\nstruct Params { planes: u32, h: u32, w: u32, ho: u32, wo: u32, sy: f32, sx: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> y: array<f32>;\n\nfn taps(d: u32, scale: f32, n: u32) -> vec3f {\n  let s = clamp((f32(d) + 0.5) * scale - 0.5, 0.0, f32(n - 1u));\n  let i0 = floor(s);\n  return vec3f(i0, min(i0 + 1.0, f32(n - 1u)), s - i0);\n}\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let i = flat_id(gid, nwg, WG);\n  if (i >= p.planes * p.ho * p.wo) { return; }\n  let ox = i % p.wo;\n  let oy = (i / p.wo) % p.ho;\n  let plane = i / (p.wo * p.ho);\n  let ty = taps(oy, p.sy, p.h);\n  let tx = taps(ox, p.sx, p.w);\n  let base = plane * p.h * p.w;\n  let r0 = base + u32(ty.x) * p.w;\n  let r1 = base + u32(ty.y) * p.w;\n  let top = mix(x[r0 + u32(tx.x)], x[r0 + u32(tx.y)], tx.z);\n  let bottom = mix(x[r1 + u32(tx.x)], x[r1 + u32(tx.y)], tx.z);\n  y[i] = mix(top, bottom, ty.z);\n}\n", "softmax": "// Row-wise softmax over [rows, k] (dim 1) and cross-entropy, which is the negative log-softmax at the label:\n// one invocation per row (rows = a batch, k = a handful of classes), max-subtracted for stability.\n// Cross-entropy's kernels live here because they are the same row computation (row_stats).\n\noverride WG: u32 = 64;\n\n// alpha: gradient scale (1/B for the mean loss); invalid: the loss of a row whose label is out of range (NaN).\nstruct Params { rows: u32, k: u32, alpha: f32, invalid: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n\n// (max, \u03A3 exp(x \u2212 max)) over the row starting at base.\nfn row_stats(base: u32) -> vec2f {\n  var m = x[base];\n  for (var k = 1u; k < p.k; k++) { m = max(m, x[base + k]); }\n  var s = 0.0;\n  for (var k = 0u; k < p.k; k++) { s += exp(x[base + k] - m); }\n  return vec2f(m, s);\n}\n\n@group(0) @binding(2) var<storage, read_write> y: array<f32>;\n\n@compute @workgroup_size(WG)\nfn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let r = flat_id(gid, nwg, WG);\n  if (r >= p.rows) { return; }\n  let base = r * p.k;\n  let st = row_stats(base);\n  for (var k = 0u; k < p.k; k++) { y[base + k] = exp(x[base + k] - st.x) / st.y; }\n}\n\n// Softmax backward from the saved output: dx = y \xB7 (g \u2212 \u03A3 g\xB7y).\n@group(0) @binding(1) var<storage, read> sg: array<f32>;\n@group(0) @binding(2) var<storage, read> sy: array<f32>;\n@group(0) @binding(3) var<storage, read_write> sdx: array<f32>;\n\n@compute @workgroup_size(WG)\nfn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let r = flat_id(gid, nwg, WG);\n  if (r >= p.rows) { return; }\n  let base = r * p.k;\n  var dot = 0.0;\n  for (var k = 0u; k < p.k; k++) { dot += sg[base + k] * sy[base + k]; }\n  for (var k = 0u; k < p.k; k++) { sdx[base + k] = sy[base + k] * (sg[base + k] - dot); }\n}\n\n@group(0) @binding(2) var<storage, read> labels: array<i32>;\n\nfn valid(label: i32) -> bool { return label >= 0 && u32(label) < p.k; }\n\n// Per-row loss log \u03A3 exp(x) \u2212 x[label]; the mean over rows is a separate reduction.\n@group(0) @binding(3) var<storage, read_write> loss: array<f32>;\n\n@compute @workgroup_size(WG)\nfn ce_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let r = flat_id(gid, nwg, WG);\n  if (r >= p.rows) { return; }\n  let base = r * p.k;\n  let label = labels[r];\n  if (!valid(label)) {\n    loss[r] = p.invalid;\n    return;\n  }\n  let st = row_stats(base);\n  loss[r] = log(st.y) - (x[base + u32(label)] - st.x);\n}\n\n// dlogits = (softmax \u2212 onehot(label)) \xB7 g[0] \xB7 alpha, with g the upstream 0-d gradient read on the GPU.\n@group(0) @binding(3) var<storage, read> cg: array<f32>;\n@group(0) @binding(4) var<storage, read_write> cdx: array<f32>;\n\n@compute @workgroup_size(WG)\nfn ce_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let r = flat_id(gid, nwg, WG);\n  if (r >= p.rows) { return; }\n  let base = r * p.k;\n  let st = row_stats(base);\n  let scale = cg[0] * p.alpha;\n  let label = u32(labels[r]);\n  for (var k = 0u; k < p.k; k++) {\n    let onehot = select(0.0, 1.0, k == label);\n    cdx[base + k] = (exp(x[base + k] - st.x) / st.y - onehot) * scale;\n  }\n}\n", "sort": "// Bitonic sort of (key, index) pairs, in place, per row of n pairs (n a power of two): descending key, ties by\n// ascending index. That is a total order on pairs with distinct indices, so the result is unique and deterministic.\n// One dispatch runs log2(G) consecutive merge stages of a block size k, strides j, j/2, \u2026, q = j/(G/2): the G pairs\n// those stages compare with each other (positions i0 + s\xB7q) are loaded once, sorted through every stage in\n// registers and stored back \u2014 no workgroup memory and no barriers, and log2(G) times fewer passes over memory.\n\noverride WG: u32 = 64;\noverride G: u32 = 8;        // pairs per invocation: a power of two, at most GMAX\nconst GMAX: u32 = 16u;\n\n// total: invocations (rows \xB7 n / G); k: bitonic block size; q: smallest stride of this dispatch.\nstruct Params { n: u32, total: u32, k: u32, q: u32 }\n@group(0) @binding(0) var<uniform> p: Params;\n@group(0) @binding(1) var<storage, read_write> pairs: array<vec2u>;\n\n// Whether a precedes b: larger key, or equal key and smaller index.\nfn before(a: vec2u, b: vec2u) -> bool {\n  return a.x > b.x || (a.x == b.x && a.y < b.y);\n}\n\n@compute @workgroup_size(WG)\nfn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let t = flat_id(gid, nwg, WG);\n  if (t >= p.total) { return; }\n  let per_row = p.n / G;\n  let u = t % per_row;\n  // Insert log2(G) zero bits above the low log2(q) bits of u: the first of the G positions.\n  let pos0 = (u / p.q) * p.q * G + u % p.q;\n  let base = (t / per_row) * p.n + pos0;\n  // Blocks of size k alternate direction; k \u2265 q\xB7G, so all G positions share this bit.\n  let forward = (pos0 & p.k) == 0u;\n  var v: array<vec2u, GMAX>;\n  for (var s = 0u; s < G; s++) { v[s] = pairs[base + s * p.q]; }\n  for (var r = G / 2u; r > 0u; r >>= 1u) {\n    for (var s = 0u; s < G; s++) {\n      if ((s & r) == 0u) {\n        let a = v[s];\n        let b = v[s + r];\n        // Indices are distinct, so exactly one of before(a, b), before(b, a) holds.\n        if (before(b, a) == forward) {\n          v[s] = b;\n          v[s + r] = a;\n        }\n      }\n    }\n  }\n  for (var s = 0u; s < G; s++) { pairs[base + s * p.q] = v[s]; }\n}\n", "unary": "// Elementwise y = f(x) and its backward dx = g \xB7 f'(x), one op code per pipeline (override OP).\n// Each invocation handles 4 consecutive elements.\n\noverride OP: u32;\noverride WG: u32 = 64;\n\nconst COPY: u32 = 0u;\nconst RELU: u32 = 1u;\nconst RELU6: u32 = 2u;\nconst LEAKY: u32 = 3u;\nconst SCALE: u32 = 4u;\n\nstruct Params { n: u32, alpha: f32 }\n@group(0) @binding(0) var<uniform> p: Params;\n\nfn f(x: f32) -> f32 {\n  switch OP {\n    case RELU: { return max(x, 0.0); }\n    case RELU6: { return clamp(x, 0.0, 6.0); }\n    case LEAKY: { return select(p.alpha * x, x, x > 0.0); }\n    case SCALE: { return p.alpha * x; }\n    default: { return x; }\n  }\n}\n\n// PyTorch's choice at the kinks: derivative 0 at x = 0 (and at x = 6 for ReLU6).\nfn df(x: f32) -> f32 {\n  switch OP {\n    case RELU: { return select(0.0, 1.0, x > 0.0); }\n    case RELU6: { return select(0.0, 1.0, x > 0.0 && x < 6.0); }\n    case LEAKY: { return select(p.alpha, 1.0, x > 0.0); }\n    case SCALE: { return p.alpha; }\n    default: { return 1.0; }\n  }\n}\n\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> y: array<f32>;\n\n@compute @workgroup_size(WG)\nfn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i < p.n) { y[i] = f(x[i]); }\n  }\n}\n\n@group(0) @binding(1) var<storage, read> bg: array<f32>;\n@group(0) @binding(2) var<storage, read> bx: array<f32>;\n@group(0) @binding(3) var<storage, read_write> dx: array<f32>;\n\n@compute @workgroup_size(WG)\nfn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i < p.n) { dx[i] = bg[i] * df(bx[i]); }\n  }\n}\n\n@group(0) @binding(1) var<storage, read_write> out: array<f32>;\n\n@compute @workgroup_size(WG)\nfn fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i < p.n) { out[i] = p.alpha; }\n  }\n}\n\n// out[i] = alpha \xB7 x[0]: broadcasts a 0-d gradient (backward of sum/mean/losses).\n@compute @workgroup_size(WG)\nfn broadcast(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {\n  let base = flat_id(gid, nwg, WG) * 4u;\n  let v = p.alpha * x[0];\n  for (var k = 0u; k < 4u; k++) {\n    let i = base + k;\n    if (i < p.n) { y[i] = v; }\n  }\n}\n", "upsample_bilinear2d": "// Bilinear \xD72 upsampling of NCHW planes with align_corners = true (src/kernels/launchers/upsample_bilinear2d.ts).\n// Output index o samples the input at o\xB7scale, scale = (in \u2212 1)/(out \u2212 1) rounded to f32, computed as\n// PyTorch does; `taps` is the one place that turns o into two input indices and their weights.\n//\n// forward: one output pixel from its 4 taps.\n// backward: atomics-free gather with exactly the forward's weights \u2014 each input pixel sums over the\n//   output pixels that touch it. Output o touches input i only if o\xB7scale \u2208 [i \u2212 1, i + 1), which\n//   with scale < 1/2 and out = 2\xB7in means o \u2208 [2i \u2212 2, 2i + 3]. f32 rounding cannot move o\xB7scale\n//   across an integer there while in \u2264 1024: its error (\u2264 in\xB72\u207B\xB2\xB3) stays below the distance\n//   1/(2\xB7in \u2212 1) of a non-integer o\xB7(in \u2212 1)/(2\xB7in \u2212 1) from the nearest integer; the one exact\n//   integer besides 0, at o = 2\xB7in \u2212 1, stays inside the window of both inputs it may touch.\n// Each invocation takes 4 elements WG apart (`element`), so that the threads of a workgroup touch\n// consecutive addresses at every step.\n\noverride WG: u32 = 64;\n\nconst SPAN: u32 = 6u;   // candidate outputs per input index: 2i \u2212 2 \u2026 2i + 3\n\nstruct Params {\n  h: u32, w: u32,         // input plane\n  oh: u32, ow: u32,       // output plane\n  scale_h: f32, scale_w: f32,\n  n: u32,                 // elements: outputs (forward) or input pixels (backward)\n}\n@group(0) @binding(0) var<uniform> p: Params;\n\n// The k-th of the 4 elements of this invocation.\nfn element(gid: vec3u, nwg: vec3u, lid: u32, k: u32) -> u32 {\n  return (flat_id(gid, nwg, WG) - lid) * 4u + lid + k * WG;\n}\n\nstruct Taps { i0: u32, i1: u32, l0: f32, l1: f32 }\n\nfn taps(o: u32, scale: f32, len: u32) -> Taps {\n  let src = f32(o) * scale;\n  let i0 = min(u32(floor(src)), len - 1u);\n  let l1 = clamp(src - f32(i0), 0.0, 1.0);\n  return Taps(i0, select(i0, i0 + 1u, i0 + 1u < len), 1.0 - l1, l1);\n}\n\n// Weight of input index i in output o's interpolation; at the last row/column both taps are i.\nfn tap_weight(o: i32, i: u32, scale: f32, len: u32, out_len: u32) -> f32 {\n  if (o < 0 || o >= i32(out_len)) { return 0.0; }\n  let t = taps(u32(o), scale, len);\n  return select(0.0, t.l0, t.i0 == i) + select(0.0, t.l1, t.i1 == i);\n}\n\n@group(0) @binding(1) var<storage, read> x: array<f32>;\n@group(0) @binding(2) var<storage, read_write> y: array<f32>;\n\n@compute @workgroup_size(WG)\nfn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {\n  for (var k = 0u; k < 4u; k++) {\n    let o = element(gid, nwg, lid.x, k);\n    if (o >= p.n) { return; }\n    let row = o / p.ow;              // plane\xB7OH + oy\n    let plane_base = (row / p.oh) * p.h * p.w;\n    let ty = taps(row % p.oh, p.scale_h, p.h);\n    let tx = taps(o - row * p.ow, p.scale_w, p.w);\n    let r0 = plane_base + ty.i0 * p.w;\n    let r1 = plane_base + ty.i1 * p.w;\n    let top = tx.l0 * x[r0 + tx.i0] + tx.l1 * x[r0 + tx.i1];\n    let bottom = tx.l0 * x[r1 + tx.i0] + tx.l1 * x[r1 + tx.i1];\n    y[o] = ty.l0 * top + ty.l1 * bottom;\n  }\n}\n\n@group(0) @binding(1) var<storage, read> g: array<f32>;\n@group(0) @binding(2) var<storage, read_write> dx: array<f32>;\n\n@compute @workgroup_size(WG)\nfn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {\n  for (var k = 0u; k < 4u; k++) {\n    let i = element(gid, nwg, lid.x, k);\n    if (i >= p.n) { return; }\n    let row = i / p.w;               // plane\xB7H + iy\n    let iy = row % p.h;\n    let ix = i - row * p.w;\n    let out_base = (row / p.h) * p.oh * p.ow;\n    var wy: array<f32, SPAN>;\n    var wx: array<f32, SPAN>;\n    for (var r = 0u; r < SPAN; r++) {\n      wy[r] = tap_weight(i32(2u * iy + r) - 2, iy, p.scale_h, p.h, p.oh);\n      wx[r] = tap_weight(i32(2u * ix + r) - 2, ix, p.scale_w, p.w, p.ow);\n    }\n    var acc = 0.0;\n    for (var r = 0u; r < SPAN; r++) {\n      if (wy[r] == 0.0) { continue; }\n      let o_row = out_base + (2u * iy + r - 2u) * p.ow;\n      var racc = 0.0;\n      for (var q = 0u; q < SPAN; q++) {\n        if (wx[q] != 0.0) { racc += wx[q] * g[o_row + 2u * ix + q - 2u]; }\n      }\n      acc += wy[r] * racc;\n    }\n    dx[i] = acc;\n  }\n}\n" };

// src/draw/heat.ts
var [BLUE, WHITE, RED] = [[59, 76, 192], [235, 235, 235], [180, 4, 38]];
function heat(v) {
  const t = Math.min(1, Math.max(0, (v + 1) / 2));
  const [a, b, u] = t < 0.5 ? [BLUE, WHITE, t * 2] : [WHITE, RED, t * 2 - 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * u));
}

// src/errors.ts
var UserError = class extends Error {
  name = "UserError";
  constructor(message) {
    super(message.replace(/\s*[\r\n]+\s*/g, " "));
  }
};
function userError(file, problem, fix) {
  return new UserError(`${file}: ${problem}; ${fix}`);
}

// src/kernels/device.ts
var isNode = typeof process !== "undefined" && !!process.versions?.node;
var NO_ADAPTER_FIX = "install your GPU's Vulkan driver, or without a GPU run `bash scripts/setup.sh` (on Debian 12 it installs Mesa's software Vulkan from bookworm-backports), or try OAENET_BACKEND=opengles with libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri";
var WANTED_LIMITS = {
  maxStorageBufferBindingSize: 2 ** 31 - 4,
  maxBufferSize: 2 ** 32 - 4,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupSizeX: 1024,
  maxComputeWorkgroupSizeY: 1024,
  maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupStorageSize: 32768,
  maxStorageBuffersPerShaderStage: 10,
  maxComputeWorkgroupsPerDimension: 65535
};
function envBackend() {
  const v = (isNode ? process.env.OAENET_BACKEND : void 0)?.toLowerCase();
  if (!v || v === "auto") return "auto";
  if (v === "vulkan" || v === "opengles") return v;
  throw new UserError(`OAENET_BACKEND=${v} is not a backend; use auto, vulkan or opengles (or leave it unset)`);
}
var instances = [];
async function nodeGpu(backend) {
  const webgpu = await import("webgpu");
  Object.assign(globalThis, webgpu.globals);
  if (backend === "opengles") process.env.EGL_PLATFORM ??= "surfaceless";
  const gpu2 = webgpu.create(backend === "opengles" ? ["backend=opengles"] : []);
  instances.push(gpu2);
  return gpu2;
}
async function tryAdapter(gpu2, featureLevel) {
  try {
    return await gpu2.requestAdapter({ featureLevel, powerPreference: "high-performance" });
  } catch {
    return null;
  }
}
async function findAdapter(backend) {
  if (!isNode) {
    const gpu2 = globalThis.navigator?.gpu;
    if (!gpu2) throw new Error("This browser does not expose navigator.gpu (WebGPU). Use a recent Chromium with WebGPU enabled.");
    const adapter = await tryAdapter(gpu2, "core") ?? await tryAdapter(gpu2, "compatibility");
    if (!adapter) throw new UserError("this browser offers no WebGPU adapter; turn on its hardware acceleration, or use a recent Chromium");
    return { adapter, level: adapter.features.has("core-features-and-limits") ? "core" : "compatibility", backend: "browser" };
  }
  const { result, printed } = await capturingStderr(() => findNodeAdapter(backend));
  if (result) return result;
  const why = printed.split("\n").filter((l) => /^(Warning|Error): /.test(l) && !LIMIT_WARNING.test(l)).slice(0, 2).map((l) => l.replace(/^\w+: /, ""));
  throw new UserError(`no WebGPU adapter found${why.length ? ` (Dawn: ${why.join("; ")})` : ""}; ${NO_ADAPTER_FIX}`);
}
async function findNodeAdapter(backend) {
  if (backend !== "opengles") {
    const adapter2 = await tryAdapter(await nodeGpu("vulkan"), "core");
    if (adapter2) return { adapter: adapter2, level: "core", backend: "vulkan" };
    if (backend === "vulkan") return null;
  }
  const adapter = await tryAdapter(await nodeGpu("opengles"), "compatibility");
  return adapter && { adapter, level: "compatibility", backend: "opengles" };
}
var LIMIT_WARNING = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.$/;
async function capturingStderr(fn) {
  const fs = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const stat = (fd) => {
    try {
      return fs.fstatSync(fd);
    } catch {
      return null;
    }
  };
  const err = stat(2);
  const uncaptured = async () => ({ result: await fn(), printed: "" });
  if (process.platform !== "linux" || !stat(0) || !stat(1) || !err || !(err.isFIFO() || err.isCharacterDevice())) return uncaptured();
  void process.stderr;
  const path = join(tmpdir(), `oaenet-stderr-${process.pid}-${Date.now()}.txt`);
  const open = (file, flags) => {
    try {
      return fs.openSync(file, flags);
    } catch {
      return null;
    }
  };
  const original = open("/proc/self/fd/2", fs.constants.O_WRONLY);
  const capture = original === null ? null : open(path, "wx+");
  if (original === null || capture === null) {
    if (original !== null) fs.closeSync(original);
    return uncaptured();
  }
  fs.rmSync(path);
  const moveTo2 = (source) => {
    fs.closeSync(2);
    const fd = fs.openSync(`/proc/self/fd/${source}`, fs.constants.O_WRONLY);
    if (fd !== 2) throw new Error(`stderr was reopened as descriptor ${fd}, not 2`);
  };
  try {
    moveTo2(capture);
    return { result: await fn(), printed: fs.readFileSync(capture, "utf8") };
  } finally {
    moveTo2(original);
    fs.closeSync(original);
    fs.closeSync(capture);
  }
}
function isSoftware(info) {
  const s = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return /llvmpipe|lavapipe|swiftshader|software|mesa offscreen/.test(s) || info.isFallbackAdapter === true;
}
async function requestDevice(backend = envBackend()) {
  const { adapter, level, backend: used } = await findAdapter(backend);
  const requiredLimits = {};
  for (const [name, want] of Object.entries(WANTED_LIMITS)) {
    const have = adapter.limits[name];
    if (typeof have === "number") requiredLimits[name] = Math.min(have, want);
  }
  const requiredFeatures = [];
  if (adapter.features.has("timestamp-query")) requiredFeatures.push("timestamp-query");
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "unknown adapter";
  return { device, adapterName, software: isSoftware(info), featureLevel: level, backend: used };
}

// src/kernels/kernel.ts
function kernel(decl) {
  return {
    shader: decl.shader,
    entry: decl.entry ?? "main",
    uniform: decl.uniform ?? "Params",
    params: decl.params,
    reads: decl.reads ?? [],
    writes: decl.writes,
    overrides: decl.overrides ?? []
  };
}
var kernelName = (k) => k.entry === "main" ? k.shader : `${k.shader}.${k.entry}`;
function layout(params8) {
  let at = 0;
  return Object.entries(params8).map(([name, type]) => {
    if (type === "vec2u") at = Math.ceil(at / 2) * 2;
    const field = { name, type, word: at };
    at += type === "vec2u" ? 2 : 1;
    return field;
  });
}
var layouts = /* @__PURE__ */ new WeakMap();
var scratch = new ArrayBuffer(256);
var words = new Uint32Array(scratch);
var ints = new Int32Array(scratch);
var floats = new Float32Array(scratch);
function encodeParams(k, values) {
  let fields = layouts.get(k.params);
  if (!fields) layouts.set(k.params, fields = layout(k.params));
  const v = values;
  let end = 0;
  for (const f of fields) {
    words.fill(0, end, f.word);
    const x = v[f.name];
    if (x === void 0) throw new Error(`${kernelName(k)}: param ${f.name} is missing`);
    if (f.type === "vec2u") {
      const [a, b] = x;
      words[f.word] = a;
      words[f.word + 1] = b;
      end = f.word + 2;
      continue;
    }
    if (f.type === "f32") floats[f.word] = x;
    else if (f.type === "i32") ints[f.word] = x;
    else words[f.word] = x;
    end = f.word + 1;
  }
  return words.subarray(0, end);
}
var stripComments = (s) => s.replace(/\/\/[^\n]*/g, "");
function contractProblems(k, source, prelude = "") {
  const src = stripComments(source);
  const problems = [];
  if (!new RegExp(`@compute[^;{]*\\bfn\\s+${k.entry}\\s*\\(`).test(src)) problems.push(`no @compute fn ${k.entry}`);
  const struct = new RegExp(`\\bstruct\\s+${k.uniform}\\s*\\{([^}]*)\\}`).exec(src);
  if (!struct) problems.push(`no struct ${k.uniform}`);
  else {
    const fields = struct[1].split(",").map((f) => f.trim()).filter(Boolean).map((f) => f.split(":").map((s) => s.trim()));
    const want = Object.entries(k.params);
    const show2 = (fs) => fs.map(([n, t]) => `${n}: ${t}`).join(", ");
    if (fields.length !== want.length || fields.some(([n, t], i) => n !== want[i][0] || t !== want[i][1])) {
      problems.push(`struct ${k.uniform} is { ${show2(fields)} }, declared { ${show2(want)} }`);
    }
  }
  const vars = [...src.matchAll(/@group\(0\)\s*@binding\((\d+)\)\s*var(?:<([^>]*)>)?\s+(\w+)\s*:\s*([\w<>, ]+?)\s*;/g)].map((m) => ({
    binding: Number(m[1]),
    space: (m[2] ?? "").replace(/\s/g, ""),
    name: m[3],
    type: m[4]
  }));
  if (!vars.some((v) => v.binding === 0 && v.space === "uniform" && v.type === k.uniform)) problems.push(`no var<uniform> of type ${k.uniform} at binding 0`);
  const expect = [...k.reads.map((name) => ({ name, space: "storage,read" })), ...k.writes.map((name) => ({ name, space: "storage,read_write" }))];
  expect.forEach((e, i) => {
    const at = vars.filter((v) => v.binding === i + 1);
    if (!at.some((v) => v.name === e.name && v.space === e.space)) {
      problems.push(`binding ${i + 1} should be var<${e.space.replace(",", ", ")}> ${e.name}; the shader has ${at.map((v) => `var<${v.space.replace(",", ", ")}> ${v.name}`).join(" or ") || "nothing"} there`);
    }
  });
  const overrides3 = new Set([...stripComments(prelude + "\n" + source).matchAll(/\boverride\s+(\w+)/g)].map((m) => m[1]));
  for (const o of k.overrides) if (!overrides3.has(o)) problems.push(`no override ${o}`);
  return problems;
}
var checked = /* @__PURE__ */ new WeakSet();
function checkContract(k, source, prelude) {
  if (checked.has(k)) return;
  const problems = contractProblems(k, source, prelude);
  if (problems.length) throw new Error(`kernel ${kernelName(k)} does not match shaders/${k.shader}.wgsl: ${problems.join("; ")}`);
  checked.add(k);
}

// src/kernels/shader.ts
var sources = null;
var resolved = /* @__PURE__ */ new Map();
function setShaderSources(map) {
  sources = new Map(Object.entries(map));
  resolved.clear();
}
async function loadShaderDir() {
  if (sources) return;
  const { existsSync, readdirSync, readFileSync } = await import("node:fs");
  const { dirname, join } = await import("node:path");
  const { fileURLToPath } = await import("node:url");
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(dir, "package.json")) && existsSync(join(dir, "shaders")))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("shaders/ folder not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  const map = {};
  for (const f of readdirSync(join(dir, "shaders"))) {
    if (f.endsWith(".wgsl")) map[f.slice(0, -5)] = readFileSync(join(dir, "shaders", f), "utf8");
  }
  setShaderSources(map);
}
function rawSource(name) {
  const text = sources?.get(name);
  if (text === void 0) throw new Error(sources ? `no shader named ${name} (shaders/${name}.wgsl)` : "shaders not loaded: call initGpu() first");
  return text;
}
function shaderSource(name) {
  let text = resolved.get(name);
  if (text === void 0) {
    const seen = /* @__PURE__ */ new Set([name]);
    text = rawSource(name).replace(/^#include (\w+)[ \t]*$/gm, (_, inc) => {
      if (seen.has(inc)) return "";
      seen.add(inc);
      return rawSource(inc);
    });
    resolved.set(name, text);
  }
  return text;
}

// src/kernels/pipeline.ts
var PRELUDE = `
// Prelude shared by every kernel: flat invocation index over a (possibly 2-D) grid of workgroups.
fn flat_id(gid: vec3u, nwg: vec3u, wg: u32) -> u32 { return gid.x + gid.y * nwg.x * wg; }
// An activation fused into the value a kernel stores (the convolutions' eval-mode Conv-BN-act):
// 0 none, 1 ReLU, 2 ReLU6, as the unary kernels compute them.
override ACT: u32 = 0u;
fn act(v: f32) -> f32 { if (ACT == 1u) { return max(v, 0.0); } if (ACT == 2u) { return clamp(v, 0.0, 6.0); } return v; }
fn act4(v: vec4f) -> vec4f { return vec4f(act(v.x), act(v.y), act(v.z), act(v.w)); }
`;
var PipelineCache = class {
  constructor(device) {
    this.device = device;
  }
  device;
  pipelines = /* @__PURE__ */ new Map();
  layouts = /* @__PURE__ */ new Map();
  modules = /* @__PURE__ */ new Map();
  get size() {
    return this.pipelines.size;
  }
  layout(reads, writes) {
    const key = `${reads}/${writes}`;
    let l = this.layouts.get(key);
    if (!l) {
      const entries = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true } }
      ];
      for (let i = 0; i < reads + writes; i++) {
        entries.push({ binding: 1 + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: i < reads ? "read-only-storage" : "storage" } });
      }
      l = this.device.createBindGroupLayout({ entries, label: `layout ${key}` });
      this.layouts.set(key, l);
    }
    return l;
  }
  module(shader2) {
    let m = this.modules.get(shader2);
    if (!m) {
      m = this.device.createShaderModule({ code: PRELUDE + shaderSource(shader2), label: shader2 });
      this.modules.set(shader2, m);
    }
    return m;
  }
  get(k, constants2) {
    const key = `${kernelName(k)}:${Object.entries(constants2).sort().map(([c, v]) => `${c}=${v}`).join(",")}`;
    let p = this.pipelines.get(key);
    if (!p) {
      checkContract(k, shaderSource(k.shader), PRELUDE);
      const layout2 = this.layout(k.reads.length, k.writes.length);
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout2] }),
        compute: { module: this.module(k.shader), entryPoint: k.entry, constants: constants2 }
      });
      p = { pipeline, layout: layout2, id: this.pipelines.size + 1 };
      this.pipelines.set(key, p);
    }
    return p;
  }
};

// src/kernels/profiler.ts
var CAPACITY = 2048;
var KernelProfiler = class {
  constructor(device) {
    this.device = device;
    if (!device.features.has("timestamp-query")) throw new Error("this adapter has no timestamp queries: kernels cannot be profiled on it");
    this.querySet = device.createQuerySet({ type: "timestamp", count: 2 * CAPACITY });
    this.resolved = device.createBuffer({ size: 16 * CAPACITY, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }
  device;
  querySet;
  resolved;
  labels = [];
  reads = [];
  totals = /* @__PURE__ */ new Map();
  get full() {
    return this.labels.length === CAPACITY;
  }
  /** The timestamp writes of the pass of the next dispatch, which runs `kernel`. */
  next(kernel2) {
    const i = this.labels.length;
    this.labels.push(kernel2);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }
  /** Before a submit: resolve this encoder's timestamps into a buffer of their own. */
  resolve(encoder) {
    const n = this.labels.length;
    if (n === 0) return null;
    const labels = this.labels;
    this.labels = [];
    const out = this.device.createBuffer({ size: 16 * n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolved, 0);
    encoder.copyBufferToBuffer(this.resolved, 0, out, 0, 16 * n);
    return () => {
      this.reads.push(
        out.mapAsync(GPUMapMode.READ).then(() => {
          const ns = new BigUint64Array(out.getMappedRange());
          labels.forEach((kernel2, i) => {
            const t = this.totals.get(kernel2) ?? { kernel: kernel2, calls: 0, ms: 0 };
            t.calls++;
            t.ms += ns[2 * i + 1] > ns[2 * i] ? Number(ns[2 * i + 1] - ns[2 * i]) / 1e6 : 0;
            this.totals.set(kernel2, t);
          });
          out.destroy();
        })
      );
    };
  }
  /** Every kernel's time, largest first (after the recorder's last submit). */
  async finish() {
    await Promise.all(this.reads);
    this.querySet.destroy();
    this.resolved.destroy();
    return [...this.totals.values()].sort((a, b) => b.ms - a.ms);
  }
};

// src/kernels/pool.ts
function sizeClass(bytes) {
  const b = Math.max(256, Math.ceil(bytes / 256) * 256);
  if (b <= 4096) return b;
  const p = 2 ** Math.floor(Math.log2(b));
  const quarter = p / 4;
  return Math.ceil(b / quarter) * quarter;
}
var nextId = 1;
var BufferPool = class {
  constructor(device, usage, label) {
    this.device = device;
    this.usage = usage;
    this.label = label;
  }
  device;
  usage;
  label;
  free = /* @__PURE__ */ new Map();
  stats = { liveBytes: 0, liveBuffers: 0, allocations: 0, freeBytes: 0 };
  acquire(bytes) {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let b = list?.pop();
    if (b) {
      this.stats.freeBytes -= size;
    } else {
      const buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}#${nextId}` });
      b = { buffer, bytes: size, id: nextId++ };
      this.stats.allocations++;
    }
    this.stats.liveBytes += size;
    this.stats.liveBuffers++;
    return b;
  }
  release(b) {
    let list = this.free.get(b.bytes);
    if (!list) this.free.set(b.bytes, list = []);
    list.push(b);
    this.stats.liveBytes -= b.bytes;
    this.stats.liveBuffers--;
    this.stats.freeBytes += b.bytes;
  }
  /** Destroy every free buffer. Only call when no recorded-but-unsubmitted work refers to them. */
  trim() {
    for (const list of this.free.values()) for (const b of list) b.buffer.destroy();
    this.free.clear();
    this.stats.freeBytes = 0;
  }
};

// src/kernels/recorder.ts
var SLOT = 256;
var SLOTS = 128;
var MAX_PARAMS = SLOT / 4;
var MAX_BIND_GROUPS = 16384;
var Recorder = class {
  constructor(device, pipelines, perSubmit, check) {
    this.device = device;
    this.pipelines = pipelines;
    this.perSubmit = perSubmit;
    this.check = check;
    this.ring = device.createBuffer({ size: SLOT * SLOTS, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: "uniform ring" });
  }
  device;
  pipelines;
  perSubmit;
  check;
  encoder = null;
  pass = null;
  ring;
  ringCpu = new Uint32Array(SLOT * SLOTS / 4);
  slot = 0;
  pending = 0;
  bindGroups = /* @__PURE__ */ new Map();
  bufferIds = /* @__PURE__ */ new WeakMap();
  nextBufferId = 1;
  /** Dispatches recorded since start (for benchmarks and tests). */
  dispatches = 0;
  submits = 0;
  /** While set, each dispatch runs in a timed pass of its own (see Gpu.profile). */
  profiler = null;
  idOf(b) {
    let id = this.bufferIds.get(b);
    if (id === void 0) this.bufferIds.set(b, id = this.nextBufferId++);
    return id;
  }
  bindGroup(layout2, layoutId, buffers) {
    let key = String(layoutId);
    for (const b of buffers) key += "," + this.idOf(b);
    let bg = this.bindGroups.get(key);
    if (!bg) {
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      const entries = [{ binding: 0, resource: { buffer: this.ring, size: SLOT } }];
      buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
      bg = this.device.createBindGroup({ layout: layout2, entries });
      this.bindGroups.set(key, bg);
    }
    return bg;
  }
  dispatch(k, constants2, d) {
    const [gx, gy = 1, gz = 1] = d.groups;
    if (gx === 0 || gy === 0 || gz === 0) return;
    if (d.params.length > MAX_PARAMS) throw new Error(`${kernelName(k)}: ${d.params.length} param words exceed ${MAX_PARAMS}`);
    if (this.slot === SLOTS) this.flush();
    const p = this.pipelines.get(k, constants2);
    const offset = this.slot * SLOT;
    this.ringCpu.set(d.params, offset / 4);
    this.slot++;
    if (this.profiler) {
      this.pass?.end();
      this.pass = null;
      if (this.profiler.full) this.flush();
    }
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) {
      const timed = this.profiler && { timestampWrites: this.profiler.next(kernelName(k)) };
      this.pass = this.encoder.beginComputePass(timed || void 0);
    }
    this.pass.setPipeline(p.pipeline);
    this.pass.setBindGroup(0, this.bindGroup(p.layout, p.id, [...d.reads, ...d.writes]), [offset]);
    this.pass.dispatchWorkgroups(gx, gy, gz);
    if (this.profiler) {
      this.pass.end();
      this.pass = null;
    }
    this.dispatches++;
    if (++this.pending >= this.perSubmit) this.flush();
  }
  /** Buffer-to-buffer copy, ordered with the dispatches around it. */
  copy(src, srcOffset, dst, dstOffset, bytes) {
    if (bytes === 0) return;
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.pending++;
  }
  flush() {
    if (!this.encoder) return;
    this.pass?.end();
    if (this.slot > 0) this.device.queue.writeBuffer(this.ring, 0, this.ringCpu, 0, this.slot * SLOT / 4);
    const timed = this.profiler?.resolve(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
    timed?.();
    this.encoder = null;
    this.pass = null;
    this.slot = 0;
    this.pending = 0;
    this.submits++;
    this.check();
  }
};

// src/kernels/tuning.ts
function tuningFor(info) {
  return info.software ? {
    wgElementwise: 64,
    wgTiled: 16,
    wgReduce: 64,
    reducePerThread: 64,
    dispatchesPerSubmit: 64,
    conv: { tileC: 8, tileW: 8, gemmM: 4, gemmV: 2, depthwiseW: 8, wgradA: 8, wgradK: 8, minInvocations: 256 },
    sortGroup: 8
  } : {
    wgElementwise: 256,
    wgTiled: 64,
    wgReduce: 256,
    reducePerThread: 16,
    dispatchesPerSubmit: 32,
    conv: { tileC: 8, tileW: 4, gemmM: 8, gemmV: 2, depthwiseW: 4, wgradA: 8, wgradK: 4, pointwiseWgrad: [4, 4], minInvocations: 16384 },
    sortGroup: 16
  };
}

// src/kernels/context.ts
var READ_CHUNK_BYTES = 64 << 20;
var Gpu = class {
  constructor(info) {
    this.info = info;
    const device = this.device = info.device;
    this.tuning = tuningFor(info);
    this.pipelines = new PipelineCache(device);
    const U = GPUBufferUsage;
    this.pool = new BufferPool(device, U.STORAGE | U.COPY_SRC | U.COPY_DST, "tensor");
    this.staging = new BufferPool(device, U.MAP_READ | U.COPY_DST, "readback");
    this.recorder = new Recorder(device, this.pipelines, this.tuning.dispatchesPerSubmit, () => this.check());
    device.onuncapturederror = (e) => {
      const msg = e.error.message;
      if (!this.error) this.error = new Error(`WebGPU error: ${msg}`);
      console.error(`[webgpu] ${msg}`);
    };
    device.lost.then((l) => {
      if (!this.destroyed) this.lost = new Error(`WebGPU device lost (${l.reason}): ${l.message}`);
    });
  }
  info;
  device;
  pool;
  pipelines;
  recorder;
  tuning;
  staging;
  error = null;
  lost = null;
  destroyed = false;
  /** Throws device loss, or the first device error reported since the last check. */
  check() {
    if (this.lost) throw this.lost;
    const e = this.error;
    this.error = null;
    if (e) throw e;
  }
  dispatch(k, constants2, d) {
    this.recorder.dispatch(k, constants2, d);
  }
  flush() {
    this.recorder.flush();
  }
  /** Writes host data into a buffer, after every dispatch recorded so far (they may still read it). */
  write(dst, data, byteOffset = 0) {
    this.recorder.flush();
    const bytes = data.byteLength;
    if (bytes % 4 === 0) {
      this.device.queue.writeBuffer(dst.buffer, byteOffset, data.buffer, data.byteOffset, bytes);
    } else {
      const padded = new Uint8Array(Math.ceil(bytes / 4) * 4);
      padded.set(new Uint8Array(data.buffer, data.byteOffset, bytes));
      this.device.queue.writeBuffer(dst.buffer, byteOffset, padded);
    }
  }
  /** Copies `bytes` from a buffer back to the host, after all recorded work. */
  async read(src, bytes, byteOffset = 0) {
    return (await this.readMany([{ src, bytes, byteOffset }]))[0];
  }
  /**
   * Copies several ranges back with one submit and one map per staging chunk: a checkpoint reads
   * hundreds of tensors, and a map round trip each made that the slow part of saving.
   */
  async readMany(parts) {
    const chunks = [];
    parts.forEach((p, part) => {
      const size = Math.ceil(p.bytes / 4) * 4;
      let chunk = chunks[chunks.length - 1];
      if (!chunk || chunk.size > 0 && chunk.size + size > READ_CHUNK_BYTES) chunks.push(chunk = { size: 0, items: [] });
      chunk.items.push({ part, at: chunk.size, size });
      chunk.size += size;
    });
    const staged = chunks.map((c) => ({ ...c, staging: c.size > 0 ? this.staging.acquire(c.size) : null }));
    for (const c of staged) {
      for (const it of c.items) if (it.size > 0) this.recorder.copy(parts[it.part].src.buffer, parts[it.part].byteOffset ?? 0, c.staging.buffer, it.at, it.size);
    }
    this.recorder.flush();
    try {
      await Promise.all(staged.map((c) => c.staging?.buffer.mapAsync(GPUMapMode.READ, 0, c.size)));
    } catch (e) {
      this.check();
      throw e;
    }
    const out = new Array(parts.length);
    for (const c of staged) {
      const mapped = c.staging ? c.staging.buffer.getMappedRange(0, c.size) : new ArrayBuffer(0);
      for (const it of c.items) out[it.part] = mapped.slice(it.at, it.at + parts[it.part].bytes);
      if (c.staging) {
        c.staging.buffer.unmap();
        this.staging.release(c.staging);
      }
    }
    this.check();
    return out;
  }
  /**
   * Runs `fn` with every dispatch timed on the GPU (timestamp queries), and returns its result with
   * the time per kernel. Dispatches are not batched meanwhile, so time `fn` apart from this.
   */
  async profile(fn) {
    if (this.recorder.profiler) throw new Error("profile: a profile is already running");
    this.recorder.flush();
    const profiler = this.recorder.profiler = new KernelProfiler(this.device);
    try {
      const result = await fn();
      this.recorder.flush();
      return { result, kernels: await profiler.finish() };
    } finally {
      this.recorder.profiler = null;
    }
  }
  /** Waits until the queue is idle (for timing). */
  async sync() {
    this.recorder.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }
  destroy() {
    this.destroyed = true;
    this.device.destroy();
  }
};
var current = null;
var pending = null;
function initGpu(backend) {
  if (current) return Promise.resolve(current);
  pending ??= (async () => {
    if (typeof process !== "undefined" && process.versions?.node) await loadShaderDir();
    current = new Gpu(await requestDevice(backend));
    return current;
  })();
  return pending;
}
function gpu() {
  if (!current) throw new Error("GPU not initialised: await initGpu() first");
  return current;
}

// src/graph/tensor.ts
var Storage = class {
  constructor(buf) {
    this.buf = buf;
  }
  buf;
  refs = 1;
  retain() {
    this.refs++;
    return this;
  }
  release() {
    if (--this.refs === 0) gpu().pool.release(this.buf);
  }
};
function numel(shape) {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}
var scopes = [];
var nextId2 = 1;
var Tensor = class _Tensor {
  constructor(shape, dtype, storage) {
    this.shape = shape;
    this.dtype = dtype;
    this.size = numel(shape);
    this.storage = storage;
    scopes.at(-1)?.add(this);
  }
  shape;
  dtype;
  id = nextId2++;
  size;
  requiresGrad = false;
  grad = null;
  /** The tape node that produced this tensor, if it was recorded. */
  node = null;
  /** Set for parameters and other tensors that outlive scopes. */
  kept = false;
  name;
  storage;
  /** Uninitialised tensor (contents are whatever the pooled buffer held). */
  static empty(shape, dtype = "f32") {
    for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new Error(`bad shape [${shape}]`);
    return new _Tensor([...shape], dtype, new Storage(gpu().pool.acquire(Math.max(4, numel(shape) * 4))));
  }
  static from(data, shape, dtype = "f32") {
    const n = numel(shape);
    if (data.length !== n) throw new Error(`${data.length} values do not fill shape [${shape}] (${n})`);
    const t = _Tensor.empty(shape, dtype);
    const arr = dtype === "f32" ? Float32Array.from(data) : Int32Array.from(data);
    if (n > 0) gpu().write(t.buf, arr);
    return t;
  }
  get disposed() {
    return this.storage === null;
  }
  get buf() {
    if (!this.storage) throw new Error(`tensor ${this.name ?? this.id} [${this.shape}] used after dispose`);
    return this.storage.buf;
  }
  get buffer() {
    return this.buf.buffer;
  }
  /** A new handle to the same storage with another shape of equal size (no copy). */
  reshape(shape) {
    if (numel(shape) !== this.size) throw new Error(`cannot reshape [${this.shape}] to [${shape}]`);
    return new _Tensor([...shape], this.dtype, this.storageRef().retain());
  }
  /** A second handle to this storage that no scope owns (the tape saves tensors this way). */
  share() {
    const t = new _Tensor(this.shape, this.dtype, this.storageRef().retain());
    scopes.at(-1)?.delete(t);
    t.kept = true;
    return t;
  }
  storageRef() {
    if (!this.storage) throw new Error(`tensor ${this.name ?? this.id} [${this.shape}] used after dispose`);
    return this.storage;
  }
  async read() {
    return (await _Tensor.readAll([this]))[0];
  }
  /** Reads several tensors back in one round trip (checkpoints read hundreds). */
  static async readAll(tensors2) {
    const bytes = await gpu().readMany(tensors2.map((t) => ({ src: t.buf, bytes: t.size * 4 })));
    return tensors2.map((t, i) => t.dtype === "f32" ? new Float32Array(bytes[i]) : new Int32Array(bytes[i]));
  }
  async readF32() {
    if (this.dtype !== "f32") throw new Error("readF32 on an i32 tensor");
    return await this.read();
  }
  /** Overwrites the contents from the host. */
  write(data) {
    if (data.length !== this.size) throw new Error(`${data.length} values for a tensor of ${this.size}`);
    gpu().write(this.buf, this.dtype === "f32" ? Float32Array.from(data) : Int32Array.from(data));
  }
  dispose() {
    if (!this.storage) return;
    this.storage.release();
    this.storage = null;
    for (const s of scopes) s.delete(this);
  }
  /** Exempts this tensor from scope disposal. */
  keep() {
    this.kept = true;
    for (const s of scopes) s.delete(this);
    return this;
  }
  toString() {
    return `Tensor(${this.name ?? "#" + this.id}, [${this.shape}], ${this.dtype})`;
  }
};
function collect(x, out) {
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collect(v, out);
  else if (x && typeof x === "object") for (const v of Object.values(x)) collect(v, out);
}
function scope(fn) {
  const mine = /* @__PURE__ */ new Set();
  scopes.push(mine);
  let result;
  try {
    result = fn();
  } finally {
    scopes.pop();
    const returned = /* @__PURE__ */ new Set();
    if (typeof result !== "undefined") collect(result, returned);
    for (const t of mine) {
      if (returned.has(t)) scopes.at(-1)?.add(t);
      else if (!t.kept) t.dispose();
    }
  }
  return result;
}

// src/safetensors/errors.ts
var SafetensorsError = class extends Error {
  name = "SafetensorsError";
};
var CORRUPT = "the file is truncated, corrupt or not safetensors: re-export or re-download it";
function fail(source, problem, fix = CORRUPT) {
  throw new SafetensorsError(`${source}: ${problem}; ${fix}`);
}
function show(v, max2 = 80) {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max2 ? `${s.slice(0, max2 - 3)}...` : s;
}
var quote = (key) => show(key, 160);
var showShape = (shape) => Array.isArray(shape) ? `[${shape.join(", ")}]` : show(shape);

// src/safetensors/float16.ts
var f32 = new Float32Array(1);
var u32 = new Uint32Array(f32.buffer);
function f16BitsToNumber(h) {
  const sign = h & 32768 ? -1 : 1;
  const exp = h >>> 10 & 31;
  const mant = h & 1023;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}
var f16Table = null;
function f16ToFloat32Array(bits) {
  if (!f16Table) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = f16BitsToNumber(h);
  }
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = f16Table[bits[i]];
  return out;
}
function bf16ToFloat32Array(bits) {
  const out = new Uint32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = bits[i] << 16;
  return new Float32Array(out.buffer);
}

// src/safetensors/entry.ts
var ITEMSIZE = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
var FLOAT_DTYPES = /* @__PURE__ */ new Set(["F64", "F32", "F16", "BF16"]);
var isDType = (v) => typeof v === "string" && Object.hasOwn(ITEMSIZE, v);
var isIndex = (v) => Number.isSafeInteger(v) && v >= 0;
function checkShape(shape, what) {
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(what, `shape ${show(shape)} is not an array of non-negative integers`, "fix the shape");
}
function checkEntry(e, what) {
  if (!isDType(e.dtype)) fail(what, `unknown dtype ${show(e.dtype)}`, `use one of ${Object.keys(ITEMSIZE).join(", ")}`);
  checkShape(e.shape, what);
  const bytes = numel(e.shape) * ITEMSIZE[e.dtype];
  if (e.data.byteLength !== bytes) fail(what, `${e.dtype} ${showShape(e.shape)} needs ${bytes} bytes but data has ${e.data.byteLength}`, "fix the shape or the data");
}
function view(e, Ctor) {
  const size = ITEMSIZE[e.dtype];
  const n = e.data.byteLength / size;
  if (e.data.byteOffset % size === 0) return new Ctor(e.data.buffer, e.data.byteOffset, n);
  return new Ctor(e.data.slice().buffer, 0, n);
}
function toFloat64(e) {
  checkEntry(e, "toFloat64");
  switch (e.dtype) {
    case "F64":
      return view(e, Float64Array).slice();
    case "F32":
    case "F16":
    case "BF16":
      return new Float64Array(toFloat32(e));
    default:
      return new Float64Array(numbers(e));
  }
}
function toFloat32(e) {
  checkEntry(e, "toFloat32");
  switch (e.dtype) {
    case "F32":
      return view(e, Float32Array).slice();
    case "F16":
      return f16ToFloat32Array(view(e, Uint16Array));
    case "BF16":
      return bf16ToFloat32Array(view(e, Uint16Array));
    case "F64":
      return new Float32Array(view(e, Float64Array));
    default:
      return new Float32Array(numbers(e));
  }
}
function toInt32(e, what = "toInt32") {
  checkEntry(e, what);
  if (FLOAT_DTYPES.has(e.dtype)) fail(what, `cannot convert ${e.dtype} to int32 exactly`, "use toFloat32 for floating-point tensors");
  if (e.dtype === "I64") {
    const v = view(e, BigInt64Array);
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x < -2147483648n || x > 2147483647n) fail(what, `I64 value ${x} at index ${i} does not fit in int32`, "keep it as I64 (toFloat64) instead");
      out[i] = Number(x);
    }
    return out;
  }
  return new Int32Array(numbers(e));
}
function numbers(e) {
  switch (e.dtype) {
    case "I64": {
      const v = view(e, BigInt64Array);
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = Number(v[i]);
      return out;
    }
    case "I32":
      return view(e, Int32Array);
    case "I16":
      return view(e, Int16Array);
    case "I8":
      return view(e, Int8Array);
    case "U8":
      return view(e, Uint8Array);
    case "BOOL":
      return view(e, Uint8Array).map((b) => b ? 1 : 0);
    default:
      throw new Error(`numbers() of float dtype ${e.dtype}`);
  }
}
var INT_RANGE = {
  I64: [-(2 ** 63), 2 ** 63],
  I32: [-(2 ** 31), 2 ** 31],
  I16: [-(2 ** 15), 2 ** 15],
  I8: [-128, 128],
  U8: [0, 256],
  BOOL: [0, 2]
};

// src/safetensors/format.ts
var MAX_HEADER_BYTES = 1e8;
var METADATA = "__metadata__";
var isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
function parseSafetensors(bytes, source = "safetensors input") {
  const buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 8) fail(source, `${buf.length} bytes is shorter than the 8-byte header length`);
  const n64 = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
  if (n64 === 0n) fail(source, "header length is 0");
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(source, `header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(n64);
  if (n > buf.length - 8) fail(source, `header length ${n} runs past the end of the ${buf.length}-byte file`);
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(buf.subarray(8, 8 + n));
  } catch {
    fail(source, "header is not valid UTF-8");
  }
  let header;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(source, `header is not valid JSON (${show(e.message, 160).slice(1, -1)})`);
  }
  if (!isObject(header)) fail(source, "header JSON is not an object");
  const dataStart = 8 + n;
  const dataLength = buf.length - dataStart;
  let metadata = {};
  const spans = [];
  const entries = /* @__PURE__ */ new Map();
  for (const [key, v] of Object.entries(header)) {
    if (key === METADATA) {
      metadata = checkMetadata(v, source);
      continue;
    }
    const { dtype, shape, begin, end } = checkHeaderEntry(key, v, dataLength, source);
    spans.push({ key, begin, end });
    entries.set(key, { dtype, shape, data: buf.subarray(dataStart + begin, dataStart + end) });
  }
  checkTiling(spans, dataLength, source);
  return { entries, metadata };
}
function checkMetadata(v, source) {
  if (!isObject(v)) fail(source, `${METADATA} is not an object`, "it must map strings to strings");
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== "string") fail(source, `${METADATA}[${quote(k)}] is ${show(s)}, not a string`, "metadata values must be strings");
  }
  return Object.fromEntries(Object.entries(v));
}
function checkHeaderEntry(key, v, dataLength, source) {
  const what = `tensor ${quote(key)}`;
  if (!isObject(v)) fail(source, `${what} is ${show(v)}, not an object with dtype, shape and data_offsets`);
  for (const field of Object.keys(v)) {
    if (field !== "dtype" && field !== "shape" && field !== "data_offsets") fail(source, `${what} has unknown field ${quote(field)}`);
  }
  const { dtype, shape, data_offsets: offsets } = v;
  if (!isDType(dtype)) fail(source, `${what} has unknown dtype ${show(dtype)}`, `supported: ${Object.keys(ITEMSIZE).join(", ")}`);
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(source, `${what} has shape ${show(shape)}, not an array of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(source, `${what} has data_offsets ${show(offsets)}, not two non-negative integers`);
  }
  const [begin, end] = offsets;
  if (begin > end) fail(source, `${what} has data_offsets [${begin}, ${end}] with begin > end`);
  if (end > dataLength) fail(source, `${what} ends at byte ${end} of a ${dataLength}-byte data section`);
  const bytes = numel(shape) * ITEMSIZE[dtype];
  if (end - begin !== bytes) fail(source, `${what} (${dtype} ${showShape(shape)}) needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  return { dtype, shape: [...shape], begin, end };
}
function checkTiling(spans, dataLength, source) {
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev = null;
  for (const s of spans) {
    if (s.begin < at) fail(source, `tensor ${quote(s.key)} [${s.begin}, ${s.end}) overlaps tensor ${quote(prev.key)} [${prev.begin}, ${prev.end})`);
    if (s.begin > at) {
      const after = prev ? `tensor ${quote(prev.key)} ends` : "the data section starts";
      fail(source, `${s.begin - at} unused bytes between byte ${at}, where ${after}, and tensor ${quote(s.key)}`);
    }
    at = s.end;
    prev = s;
  }
  if (at !== dataLength) {
    fail(source, `${dataLength - at} trailing bytes after ${prev ? `the last tensor's data (byte ${at} of ${dataLength})` : "a header without tensors"}`);
  }
}

// src/pth/zip.ts
var EOCD = 101010256;
var CENTRAL = 33639248;
var LOCAL = 67324752;
var ZIP64_MARK = 4294967295;
var CORRUPT2 = "the file is truncated or damaged: copy or download it again";
var CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 3988292384 ^ c >>> 1 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
function crc32(bytes) {
  let c = 4294967295;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ c >>> 8;
  return (c ^ 4294967295) >>> 0;
}
var isZip = (bytes) => bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === LOCAL;
function readZip(bytes, source) {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u322 = (at2) => dv.getUint32(at2, true);
  const u16 = (at2) => dv.getUint16(at2, true);
  let end = -1;
  for (let at2 = bytes.length - 22; at2 >= Math.max(0, bytes.length - 22 - 65535); at2--) {
    if (u322(at2) === EOCD) {
      end = at2;
      break;
    }
  }
  if (end < 0) throw userError(source, "a zip archive without its central directory (end record missing)", CORRUPT2);
  const count = u16(end + 10);
  const dirSize = u322(end + 12);
  const dirAt = u322(end + 16);
  if (count === 65535 || dirSize === ZIP64_MARK || dirAt === ZIP64_MARK) throw tooLarge(source);
  if (dirAt + dirSize > end) throw userError(source, `the central directory (${dirSize} bytes at ${dirAt}) runs past its end record`, CORRUPT2);
  const items = /* @__PURE__ */ new Map();
  const names = [];
  const utf8 = new TextDecoder();
  let at = dirAt;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || u322(at) !== CENTRAL) throw userError(source, `central directory entry ${i} of ${count} is malformed`, CORRUPT2);
    const nameLength = u16(at + 28);
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const item = { method: u16(at + 10), crc: u322(at + 16), size: u322(at + 20), local: u322(at + 42) };
    const unpacked = u322(at + 24);
    if (unpacked === ZIP64_MARK || item.size === ZIP64_MARK || item.local === ZIP64_MARK) throw tooLarge(source);
    if (item.method === 0 && unpacked !== item.size) throw userError(source, `entry ${name} stores ${item.size} bytes but says it holds ${unpacked}`, CORRUPT2);
    items.set(name, item);
    names.push(name);
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
  }
  return {
    names,
    read(name) {
      const item = items.get(name);
      if (!item) throw userError(source, `the archive has no entry ${name}`, CORRUPT2);
      if (item.method !== 0) {
        throw userError(source, `entry ${name} is compressed (zip method ${item.method}); PyTorch stores entries uncompressed`, "pass the file torch.save wrote, not a re-zipped copy");
      }
      if (item.local + 30 > bytes.length || u322(item.local) !== LOCAL) throw userError(source, `entry ${name} has no local header at byte ${item.local}`, CORRUPT2);
      const start = item.local + 30 + u16(item.local + 26) + u16(item.local + 28);
      if (start + item.size > bytes.length) throw userError(source, `entry ${name} (${item.size} bytes at ${start}) runs past the end of the ${bytes.length}-byte file`, CORRUPT2);
      const data = bytes.subarray(start, start + item.size);
      if (crc32(data) !== item.crc) throw userError(source, `entry ${name} fails its CRC-32 check`, CORRUPT2);
      return data;
    }
  };
}
var tooLarge = (source) => userError(source, "a ZIP64 archive (over 4 GiB or 65535 entries), which this reader does not handle", "save the weights alone (torch.save(model.state_dict(), path)) or convert them to safetensors in Python");

// src/pth/pickle.ts
var PyGlobal = class {
  constructor(name, spec) {
    this.name = name;
    this.spec = spec;
  }
  name;
  spec;
};
var CORRUPT3 = "the file is truncated or damaged: copy or download it again";
var tuple = (items) => Object.freeze(items);
function unpickle(bytes, offset, opts) {
  const { source } = opts;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  const stack = [];
  const marks = [];
  const memo = /* @__PURE__ */ new Map();
  const madeBy = /* @__PURE__ */ new WeakMap();
  let at = offset;
  let op = 0;
  let opAt = 0;
  const bad = (problem) => userError(source, `${problem} (pickle opcode 0x${op.toString(16)} at byte ${opAt})`, CORRUPT3);
  const take = (n) => {
    if (at + n > bytes.length) throw bad(`the pickle runs past the end of the data`);
    const was = at;
    at += n;
    return was;
  };
  const pop = () => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw bad("the pickle pops an empty stack");
    return stack.pop();
  };
  const top = () => {
    if (stack.length <= (marks.at(-1) ?? 0)) throw bad("the pickle reads an empty stack");
    return stack[stack.length - 1];
  };
  const popMark = () => {
    const m = marks.pop();
    if (m === void 0) throw bad("the pickle closes a MARK it never opened");
    return stack.splice(m);
  };
  const text = (n) => {
    const from = take(n);
    try {
      return utf8.decode(bytes.subarray(from, from + n));
    } catch {
      throw bad("a string is not valid UTF-8");
    }
  };
  const line = () => {
    const nl = bytes.indexOf(10, at);
    if (nl < 0) throw bad("a GLOBAL name has no end of line");
    return text(nl - at + 1).slice(0, -1);
  };
  const memoGet = (i) => {
    if (!memo.has(i)) throw bad(`the pickle reads memo slot ${i}, which was never written`);
    return memo.get(i);
  };
  const key = (k) => {
    if (k !== null && typeof k === "object") throw bad("a dict key is not a string or a number");
    return k;
  };
  const dict = (v) => {
    if (!(v instanceof Map)) throw bad("SETITEM on something that is not a dict");
    return v;
  };
  const list = (v) => {
    if (!Array.isArray(v) || Object.isFrozen(v)) throw bad("APPEND on something that is not a list");
    return v;
  };
  const setItems = (d, items) => {
    if (items.length % 2) throw bad("SETITEMS with an odd number of values");
    for (let i = 0; i < items.length; i += 2) d.set(key(items[i]), items[i + 1]);
  };
  const global = (module, name) => {
    const full = `${module}.${name}`;
    const spec = Object.hasOwn(opts.globals, full) ? opts.globals[full] : void 0;
    if (!spec) {
      throw userError(source, `refused to load: its pickle asks for the Python global ${JSON.stringify(full).slice(1, -1)}, which a state dict never needs and which could run code (nothing was run)`, opts.refusedFix);
    }
    return new PyGlobal(full, spec);
  };
  const int = (v) => v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  for (; ; ) {
    opAt = at;
    op = bytes[take(1)];
    switch (op) {
      case 128: {
        const v = bytes[take(1)];
        if (v < 2 || v > 5) throw bad(`pickle protocol ${v} is not one torch.save writes (2 to 5)`);
        break;
      }
      case 149:
        take(8);
        break;
      case 46: {
        if (stack.length !== 1 || marks.length) throw bad(`the pickle ends with ${stack.length} values on its stack, not one`);
        return { value: stack[0], end: at };
      }
      case 40:
        marks.push(stack.length);
        break;
      case 41:
        stack.push(tuple([]));
        break;
      case 116:
        stack.push(tuple(popMark()));
        break;
      case 133:
      // TUPLE1
      case 134:
      // TUPLE2
      case 135: {
        stack.push(tuple(Array.from({ length: op - 132 }, pop).reverse()));
        break;
      }
      case 93:
        stack.push([]);
        break;
      case 97: {
        const v = pop();
        list(top()).push(v);
        break;
      }
      case 101: {
        const items = popMark();
        list(top()).push(...items);
        break;
      }
      case 125:
        stack.push(/* @__PURE__ */ new Map());
        break;
      case 115: {
        const v = pop();
        const k = pop();
        setItems(dict(top()), [k, v]);
        break;
      }
      case 117: {
        const items = popMark();
        setItems(dict(top()), items);
        break;
      }
      case 78:
        stack.push(null);
        break;
      case 136:
      // NEWTRUE
      case 137:
        stack.push(op === 136);
        break;
      case 75:
        stack.push(bytes[take(1)]);
        break;
      case 77:
        stack.push(dv.getUint16(take(2), true));
        break;
      case 74:
        stack.push(dv.getInt32(take(4), true));
        break;
      case 138: {
        const n = bytes[take(1)];
        const from = take(n);
        let v = 0n;
        for (let i = n - 1; i >= 0; i--) v = v << 8n | BigInt(bytes[from + i]);
        stack.push(int(n > 0 ? BigInt.asIntN(8 * n, v) : 0n));
        break;
      }
      case 71:
        stack.push(dv.getFloat64(take(8), false));
        break;
      case 88:
        stack.push(text(dv.getUint32(take(4), true)));
        break;
      case 140:
        stack.push(text(bytes[take(1)]));
        break;
      case 113:
        memo.set(bytes[take(1)], top());
        break;
      case 114:
        memo.set(dv.getUint32(take(4), true), top());
        break;
      case 148:
        memo.set(memo.size, top());
        break;
      case 104:
        stack.push(memoGet(bytes[take(1)]));
        break;
      case 106:
        stack.push(memoGet(dv.getUint32(take(4), true)));
        break;
      case 99: {
        const module = line();
        stack.push(global(module, line()));
        break;
      }
      case 147: {
        const name = pop();
        const module = pop();
        if (typeof module !== "string" || typeof name !== "string") throw bad("STACK_GLOBAL without a module and a name");
        stack.push(global(module, name));
        break;
      }
      case 82: {
        const args = pop();
        const f = pop();
        if (!(f instanceof PyGlobal) || !f.spec.call) throw bad(`REDUCE calls ${f instanceof PyGlobal ? f.name : "a value"}, which is not callable`);
        if (!Array.isArray(args)) throw bad(`REDUCE passes ${f.name} arguments that are not a tuple`);
        const v = f.spec.call(args);
        if (v !== null && typeof v === "object") madeBy.set(v, f);
        stack.push(v);
        break;
      }
      case 98: {
        const state = pop();
        const target = top();
        const maker = target !== null && typeof target === "object" ? madeBy.get(target) : void 0;
        if (!maker?.spec.build) throw bad(`BUILD sets the state of ${maker ? maker.name : "a value"} that takes none`);
        maker.spec.build(target, state);
        break;
      }
      case 81:
        stack.push(opts.persistentLoad(pop()));
        break;
      default: {
        const char = op >= 32 && op < 127 ? ` '${String.fromCharCode(op)}'` : "";
        throw userError(source, `refused to load: pickle opcode 0x${op.toString(16)}${char} at byte ${opAt} is not one a state dict is written with (nothing was run)`, opts.refusedFix);
      }
    }
  }
}

// src/pth/torch_globals.ts
var CORRUPT4 = "the file is truncated or damaged: copy or download it again";
var STORAGE_DTYPES = {
  "torch.DoubleStorage": "F64",
  "torch.FloatStorage": "F32",
  "torch.HalfStorage": "F16",
  "torch.BFloat16Storage": "BF16",
  "torch.LongStorage": "I64",
  "torch.IntStorage": "I32",
  "torch.ShortStorage": "I16",
  "torch.CharStorage": "I8",
  "torch.ByteStorage": "U8",
  "torch.BoolStorage": "BOOL"
};
var Storage2 = class {
  constructor(source, key, dtype, numel2, load) {
    this.source = source;
    this.key = key;
    this.dtype = dtype;
    this.numel = numel2;
    this.load = load;
  }
  source;
  key;
  dtype;
  numel;
  load;
  host = "storage";
  data;
  /** The raw little-endian bytes, read on first use and checked against the element count. */
  bytes() {
    if (!this.data) {
      const b = this.load();
      const want = this.numel * ITEMSIZE[this.dtype];
      if (b.byteLength !== want) throw userError(this.source, `storage ${this.key} holds ${b.byteLength} bytes, not the ${want} of ${this.numel} ${this.dtype} elements`, CORRUPT4);
      this.data = b;
    }
    return this.data;
  }
};
var TensorRef = class {
  constructor(storage, offset, shape, stride) {
    this.storage = storage;
    this.offset = offset;
    this.shape = shape;
    this.stride = stride;
  }
  storage;
  offset;
  shape;
  stride;
  host = "tensor";
};
var isIndex2 = (v) => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
var indices = (v) => Array.isArray(v) && v.every(isIndex2);
function rebuild(source, args, arity) {
  const [storage, offset, shape, stride, , hooks] = args;
  const bad = (what) => userError(source, `a tensor record is malformed (${what})`, CORRUPT4);
  if (!arity.includes(args.length)) throw bad(`${args.length} arguments`);
  if (!(storage instanceof Storage2)) throw bad("no storage");
  if (!isIndex2(offset) || !indices(shape) || !indices(stride) || shape.length !== stride.length) throw bad("offset, shape or strides");
  if (args.length > 4 && !(hooks instanceof Map && hooks.size === 0)) throw bad("backward hooks");
  return new TensorRef(storage, offset, [...shape], [...stride]);
}
function torchPickle(source, read) {
  const globals = {
    // `build` receives the dict's attributes: `_metadata`, PyTorch's per-module version numbers, not weights.
    "collections.OrderedDict": {
      call: (args) => {
        if (args.length) throw userError(source, "an OrderedDict is built from arguments", CORRUPT4);
        return /* @__PURE__ */ new Map();
      },
      build: () => void 0
    },
    "torch._utils._rebuild_tensor_v2": { call: (args) => rebuild(source, args, [6, 7]) },
    "torch._utils._rebuild_tensor": { call: (args) => rebuild(source, args, [4]) },
    ...Object.fromEntries(Object.keys(STORAGE_DTYPES).map((k) => [k, {}]))
  };
  const storages = /* @__PURE__ */ new Map();
  const persistentLoad = (pid) => {
    const bad = (what) => userError(source, `a storage reference is malformed (${what})`, CORRUPT4);
    if (!Array.isArray(pid) || pid[0] !== "storage") throw bad("not a storage");
    const [, type, key, , numel2, view2] = pid;
    const dtype = type instanceof PyGlobal ? STORAGE_DTYPES[type.name] : void 0;
    if (!dtype) throw bad("no storage type");
    if (typeof key !== "string" || !isIndex2(numel2 ?? null)) throw bad("key or size");
    if (pid.length > 5 && view2 !== null) {
      throw userError(source, `storage ${key} is a view of another storage, written by PyTorch before 0.4`, "load it in a newer PyTorch and save it again with torch.save");
    }
    let s = storages.get(key);
    if (!s) storages.set(key, s = new Storage2(source, key, dtype, numel2, () => read(key)));
    if (s.dtype !== dtype || s.numel !== numel2) throw bad(`storage ${key} is referenced with two types or sizes`);
    return s;
  };
  const refusedFix = 'if you trust the file, load it in Python and save its weights alone with torch.save(model.state_dict(), "weights.pth")';
  return { globals, persistentLoad, refusedFix, storages };
}

// src/pth/archive.ts
function readZipCheckpoint(bytes, source) {
  const zip = readZip(bytes, source);
  const dir = zip.names[0]?.split("/")[0];
  const pickle = `${dir}/data.pkl`;
  if (!dir || !zip.names.includes(pickle)) throw userError(source, "a zip archive without <name>/data.pkl, so not a PyTorch checkpoint", "pass a file written by torch.save");
  const order = `${dir}/byteorder`;
  if (zip.names.includes(order)) {
    const text = new TextDecoder().decode(zip.read(order)).trim();
    if (text !== "little") throw userError(source, `its tensors are stored ${text}-endian`, "save it on a little-endian machine (x86, ARM)");
  }
  return unpickle(zip.read(pickle), 0, { source, ...torchPickle(source, (key) => zip.read(`${dir}/data/${key}`)) }).value;
}

// src/pth/legacy.ts
var MAGIC = 0x1950a86a20f9469cfc6cn;
var VERSION = 1001;
var HEAD = [128, 2, 138, 10, 108, 252, 156, 70, 249, 32, 106, 168, 80, 25];
var CORRUPT5 = "the file is truncated or damaged: copy or download it again";
var isLegacyPth = (bytes) => bytes.length >= HEAD.length && HEAD.every((b, i) => bytes[i] === b);
function readLegacyCheckpoint(bytes, source) {
  const data = /* @__PURE__ */ new Map();
  const torch = torchPickle(source, (key) => {
    const d = data.get(key);
    if (!d) throw userError(source, `storage ${key} is missing from the data section`, CORRUPT5);
    return d;
  });
  const plain = {
    source,
    globals: {},
    persistentLoad: () => {
      throw userError(source, "a header pickle refers to tensor data", CORRUPT5);
    },
    refusedFix: torch.refusedFix
  };
  let at = 0;
  const next = (opts) => {
    const r = unpickle(bytes, at, opts);
    at = r.end;
    return r.value;
  };
  if (next(plain) !== MAGIC) throw userError(source, "not a PyTorch checkpoint (wrong magic number)", "pass a file written by torch.save");
  const version = next(plain);
  if (version !== VERSION) throw userError(source, `legacy format version ${String(version)}, not ${VERSION}`, "load it in PyTorch and save it again with torch.save");
  const info = next(plain);
  if (!(info instanceof Map) || info.get("little_endian") !== true) throw userError(source, "its tensors are stored big-endian", "save it on a little-endian machine (x86, ARM)");
  const root = next({ source, ...torch });
  const keys = next(plain);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === "string")) throw userError(source, "the list of storage keys is malformed", CORRUPT5);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys) {
    const storage = torch.storages.get(key);
    if (!storage) throw userError(source, `the data section holds storage ${key}, which no tensor uses`, CORRUPT5);
    if (at + 8 > bytes.length) throw userError(source, `the data section ends before storage ${key}`, CORRUPT5);
    const count = Number(dv.getBigInt64(at, true));
    const end = at + 8 + count * ITEMSIZE[storage.dtype];
    if (count < 0 || end > bytes.length) throw userError(source, `storage ${key} (${count} elements) runs past the end of the file`, CORRUPT5);
    data.set(key, bytes.subarray(at + 8, end));
    at = end;
  }
  return root;
}

// src/pth/tensor.ts
function isContiguous(shape, stride) {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}
function tensorEntry(t, name) {
  const { storage, offset, shape, stride } = t;
  const n = numel(shape);
  const size = ITEMSIZE[storage.dtype];
  const last = shape.reduce((m, d, i) => m + (d - 1) * stride[i], offset);
  if (n > 0 && last >= storage.numel) {
    throw userError(storage.source, `tensor ${name} reaches element ${last} of its ${storage.numel}-element storage ${storage.key}`, "the file is truncated or damaged: copy or download it again");
  }
  const src = storage.bytes();
  if (n === 0) return { dtype: storage.dtype, shape: [...shape], data: new Uint8Array(0) };
  if (isContiguous(shape, stride)) return { dtype: storage.dtype, shape: [...shape], data: src.subarray(offset * size, (offset + n) * size) };
  const out = new Uint8Array(n * size);
  const rank = shape.length;
  const inner = shape[rank - 1];
  const innerStride = stride[rank - 1];
  const index = new Array(rank - 1).fill(0);
  let base = offset;
  for (let row = 0, at = 0; row < n / inner; row++) {
    if (innerStride === 1) {
      out.set(src.subarray(base * size, (base + inner) * size), at);
      at += inner * size;
    } else {
      for (let i = 0; i < inner; i++, at += size) out.set(src.subarray((base + i * innerStride) * size, (base + i * innerStride + 1) * size), at);
    }
    for (let d = rank - 2; d >= 0; d--) {
      base += stride[d];
      if (++index[d] < shape[d]) break;
      base -= shape[d] * stride[d];
      index[d] = 0;
    }
  }
  return { dtype: storage.dtype, shape: [...shape], data: out };
}

// src/pth/state_dict.ts
var DATA_PARALLEL = "module.";
var FIX = 'in Python, save the weights alone with torch.save(model.state_dict(), "weights.pth") and pass that file';
var isStateDict = (v) => v instanceof Map && v.size > 0 && [...v].every(([k, t]) => typeof k === "string" && t instanceof TensorRef);
var describe = (v) => v instanceof Map ? "dict" : Array.isArray(v) ? Object.isFrozen(v) ? "tuple" : "list" : v instanceof TensorRef ? "tensor" : v === null ? "None" : typeof v;
function stateDictOf(root, source) {
  let weights;
  let within;
  const scalars = {};
  if (isStateDict(root)) weights = root;
  else {
    if (!(root instanceof Map)) throw userError(source, `holds a ${describe(root)}, not a dict of tensors`, FIX);
    const found = [...root].filter((e) => isStateDict(e[1]));
    const keys = [...root.keys()].map(String);
    if (found.length === 0) throw userError(source, `no dict of tensors among its keys (${keys.join(", ")})`, FIX);
    if (found.length > 1) {
      throw userError(source, `several dicts of tensors (${found.map(([k]) => k).join(", ")}), so which weights to load is unclear`, `in Python, save the one you want with torch.save(checkpoint["${String(found[0][0])}"], "weights.pth")`);
    }
    within = String(found[0][0]);
    weights = found[0][1];
    for (const [k, v] of root) if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") scalars[String(k)] = String(v);
  }
  const unprefixed = [...weights.keys()].every((k) => k.startsWith(DATA_PARALLEL));
  const entries = /* @__PURE__ */ new Map();
  for (const [k, t] of weights) entries.set(unprefixed ? k.slice(DATA_PARALLEL.length) : k, tensorEntry(t, k));
  return { entries, within, unprefixed, scalars };
}

// src/pth/index.ts
var isPth = (bytes) => isZip(bytes) || isLegacyPth(bytes);
function parsePth(bytes, source) {
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return stateDictOf(isZip(plain) ? readZipCheckpoint(plain, source) : readLegacyCheckpoint(plain, source), source);
}

// src/pth/weights.ts
function parseWeights(bytes, source) {
  if (!isPth(bytes)) return parseSafetensors(bytes, source);
  const { entries, scalars } = parsePth(bytes, source);
  return { entries, metadata: scalars };
}

// src/face/geometry.ts
var FACE_SIZE = 224;
var LANDMARKS = 68;
var STRIP = FACE_SIZE / 4;
var BINS = 8;
var CELLS = 5;
function diamondWeight(dr, dc) {
  return 1 - Math.abs(dr) / 15 - Math.abs(dc) / 15;
}

// src/kernels/grid.ts
var MAX_DIM = 65535;
function grid1d(n, wg) {
  const groups = Math.ceil(n / wg);
  if (groups <= MAX_DIM) return [groups, 1];
  const y = Math.ceil(groups / MAX_DIM);
  return [Math.ceil(groups / y), y];
}

// src/kernels/launch.ts
function launch(k, reads, writes, params8, groups, constants2 = {}) {
  gpu().dispatch(k, constants2, {
    reads: k.reads.map((r) => reads[r].buffer),
    writes: k.writes.map((w) => writes[w].buffer),
    params: encodeParams(k, params8),
    groups
  });
}
function launch1d(k, n, reads, writes, params8, constants2 = {}) {
  const wg = constants2.WG ?? gpu().tuning.wgElementwise;
  launch(k, reads, writes, params8, grid1d(n, wg), { ...constants2, WG: wg });
}
function tuning() {
  return gpu().tuning;
}

// src/kernels/launchers/elementwise.ts
var UNARY = { copy: 0, relu: 1, relu6: 2, leaky: 3, scale: 4 };
var BINARY = { add: 0, mul: 1, mul1p: 2, sub: 3 };
var params = { n: "u32", alpha: "f32" };
var overrides = ["WG", "OP"];
var kernels = {
  forward: kernel({ shader: "unary", entry: "forward", params, reads: ["x"], writes: ["y"], overrides }),
  backward: kernel({ shader: "unary", entry: "backward", params, reads: ["bg", "bx"], writes: ["dx"], overrides }),
  fill: kernel({ shader: "unary", entry: "fill", params, writes: ["out"], overrides }),
  broadcast: kernel({ shader: "unary", entry: "broadcast", params, reads: ["x"], writes: ["y"], overrides }),
  binary: kernel({ shader: "binary", params, reads: ["a", "b"], writes: ["y"], overrides }),
  accumulate: kernel({ shader: "binary", entry: "accumulate", params, reads: ["src"], writes: ["acc"], overrides })
};
var quads = (t) => Math.ceil(t.size / 4);
function unaryForward(op, x, alpha = 0) {
  const y = Tensor.empty(x.shape);
  launch1d(kernels.forward, quads(x), { x }, { y }, { n: x.size, alpha }, { OP: UNARY[op] });
  return y;
}
function unaryBackward(op, g, x, alpha = 0) {
  const dx = Tensor.empty(x.shape);
  launch1d(kernels.backward, quads(x), { bg: g, bx: x }, { dx }, { n: x.size, alpha }, { OP: UNARY[op] });
  return dx;
}
function binaryForward(op, a, b) {
  const y = Tensor.empty(a.shape);
  launch1d(kernels.binary, quads(a), { a, b }, { y }, { n: a.size, alpha: 1 }, { OP: BINARY[op] });
  return y;
}
function fill(shape, value) {
  const out = Tensor.empty(shape);
  launch1d(kernels.fill, quads(out), {}, { out }, { n: out.size, alpha: value }, { OP: 0 });
  return out;
}

// src/graph/tape.ts
var tape = [];
var gradEnabled = true;
function isGradEnabled() {
  return gradEnabled;
}
function noGrad(fn) {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}
function record(name, inputs, output, backward, saved = []) {
  if (!gradEnabled || !inputs.some((t) => t?.requiresGrad)) return output;
  const node = { name, inputs, output, backward, saved: saved.map((t) => t.share()) };
  output.requiresGrad = true;
  output.node = node;
  tape.push(node);
  return output;
}

// src/graph/ops/shapes.ts
function sameShape(op, a, b) {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
  }
}

// src/graph/ops/elementwise.ts
function binary(op, a, b) {
  sameShape(op, a, b);
  return binaryForward(op, a, b);
}
function activation(op, x, alpha = 0) {
  return record(op, [x], unaryForward(op, x, alpha), (g, [xs]) => [unaryBackward(op, g, xs, alpha)], [x]);
}
var relu = (x) => activation("relu", x);
var relu6 = (x) => activation("relu6", x);
var leakyRelu = (x, slope = 0.01) => activation("leaky", x, slope);
function add(a, b) {
  return record("add", [a, b], binary("add", a, b), (g) => [g, g]);
}
function fusion(x, a) {
  return record("fusion", [x, a], binary("mul1p", x, a), (g, [xs, as]) => [
    x.requiresGrad ? binaryForward("mul1p", g, as) : null,
    a.requiresGrad ? binaryForward("mul", g, xs) : null
  ], [x, a]);
}

// src/kernels/launchers/reduce.ts
var kernels2 = {
  rowSum: kernel({ shader: "reduce", params: { cols: "u32", hw: "u32", chw: "u32", alpha: "f32" }, reads: ["x"], writes: ["out"], overrides: ["WG"] })
};
function sumRows(x, rows, cols, hw, chw, alpha, shape) {
  const out = Tensor.empty(shape);
  launch(kernels2.rowSum, { x }, { out }, { cols, hw, chw, alpha }, [rows], { WG: tuning().wgReduce });
  return out;
}
function channelSum(x) {
  const [n, c] = x.shape;
  const hw = x.size / (n * c);
  return sumRows(x, c, n * hw, hw, c * hw, 1, [c]);
}

// src/graph/ops/reshape.ts
function reshape(x, shape) {
  return record("reshape", [x], x.reshape(shape), (g) => [g.reshape(x.shape)]);
}

// src/kernels/conv_geometry.ts
function pair(v, dflt) {
  return v === void 0 ? [dflt, dflt] : typeof v === "number" ? [v, v] : v;
}
function shape4(t, what) {
  if (t.shape.length !== 4) throw new Error(`${what} must be 4-D, got [${t.shape}]`);
  return t.shape;
}
function convGeometry(xShape, wShape, opts = {}) {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`conv2d: x [${xShape}] and w [${wShape}] must be 4-D`);
  const [, cin, h, w] = xShape;
  const [cout, cinG, kh, kw] = wShape;
  const [sh, sw] = pair(opts.stride, 1);
  const pad = opts.padding ?? 0;
  const [pt, pb, pl, pr] = typeof pad === "number" ? [pad, pad, pad, pad] : pad.length === 2 ? [pad[0], pad[0], pad[1], pad[1]] : pad;
  const groups = opts.groups ?? 1;
  if (!(groups >= 1) || cin % groups || cout % groups || cinG * groups !== cin) {
    throw new Error(`conv2d: x [${xShape}], w [${wShape}] do not fit groups = ${groups}`);
  }
  if (!(sh >= 1 && sw >= 1) || [pt, pb, pl, pr].some((p) => !(p >= 0))) throw new Error("conv2d: bad stride or padding");
  const ho = Math.floor((h + pt + pb - kh) / sh) + 1;
  const wo = Math.floor((w + pl + pr - kw) / sw) + 1;
  if (ho < 1 || wo < 1) throw new Error(`conv2d: kernel ${kh}\xD7${kw} does not fit the padded ${h}\xD7${w} input`);
  return { geom: { sh, sw, pt, pl, groups }, ho, wo };
}
function transposedGeometry(xShape, wShape, opts = {}) {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`convTranspose2d: x [${xShape}] and w [${wShape}] must be 4-D`);
  const [, cin, h, w] = xShape;
  const [wcin, , kh, kw] = wShape;
  const [sh, sw] = pair(opts.stride, 1);
  const [ph, pw] = pair(opts.padding, 0);
  const [oph, opw] = pair(opts.outputPadding, 0);
  const groups = opts.groups ?? 1;
  if (wcin !== cin || !(groups >= 1) || cin % groups) throw new Error(`convTranspose2d: x [${xShape}], w [${wShape}] do not fit groups = ${groups}`);
  if (!(sh >= 1 && sw >= 1 && ph >= 0 && pw >= 0) || !(oph >= 0 && oph < sh && opw >= 0 && opw < sw)) {
    throw new Error("convTranspose2d: bad stride, padding or output padding (it must be below the stride)");
  }
  const ho = (h - 1) * sh - 2 * ph + kh + oph;
  const wo = (w - 1) * sw - 2 * pw + kw + opw;
  if (ho < 1 || wo < 1) throw new Error(`convTranspose2d: padding leaves no output for a ${h}\xD7${w} input`);
  return { geom: { sh, sw, pt: ph, pl: pw, groups }, ho, wo };
}
function isPointwise(kh, kw, g, h, w, ho, wo) {
  return kh === 1 && kw === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.groups === 1 && ho === h && wo === w && h * w % 4 === 0;
}

// src/kernels/activation.ts
var actConstant = (a) => a ? { ACT: a === "relu" ? 1 : 2 } : {};

// src/kernels/tiling.ts
function fitTiles(a, b, invocations) {
  let ta = tile(...a);
  let tb = tile(...b);
  const min2 = tuning().conv.minInvocations;
  while (invocations(ta, tb) < min2 && ta * tb > 1) {
    if (ta > tb) ta /= 2;
    else tb /= 2;
  }
  return [ta, tb];
}
function tile(tuned, dim) {
  return Math.min(tuned, 2 ** Math.ceil(Math.log2(dim)));
}
var MIN_SLICE = 32;
function sliceCount(blocks, positions) {
  return Math.max(1, Math.min(Math.ceil(tuning().conv.minInvocations / blocks), Math.floor(positions / MIN_SLICE)));
}

// src/kernels/launchers/depthwise.ts
var kernels3 = {
  depthwise: kernel({
    shader: "depthwise",
    params: { n: "u32", c: "u32", h: "u32", w: "u32", ho: "u32", wo: "u32", pt: "i32", pl: "i32", wblocks: "u32", has_bias: "u32" },
    reads: ["x", "wt", "bias"],
    writes: ["y"],
    overrides: ["WG", "S", "TW", "FLIP", "ACT"]
  })
};
function depthwise3x3(x, w, b, stride, pt, pl, ho, wo, flip, act) {
  const [n, c, h, wd] = shape4(x, "x");
  const t = tuning();
  const [, tw] = fitTiles([1, 1], [t.conv.depthwiseW, wo], (_, b2) => n * c * ho * Math.ceil(wo / b2));
  const wblocks = Math.ceil(wo / tw);
  const y = Tensor.empty([n, c, ho, wo]);
  launch1d(
    kernels3.depthwise,
    n * c * ho * wblocks,
    { x, wt: w, bias: b ?? w },
    { y },
    { n, c, h, w: wd, ho, wo, pt, pl, wblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, S: stride, TW: tw, FLIP: flip ? 1 : 0, ...actConstant(act) }
  );
  return y;
}

// src/kernels/launchers/conv2d.ts
var convParams = {
  n: "u32",
  cin: "u32",
  h: "u32",
  w: "u32",
  cout: "u32",
  ho: "u32",
  wo: "u32",
  groups: "u32",
  kh: "u32",
  kw: "u32",
  sh: "u32",
  sw: "u32",
  pt: "i32",
  pl: "i32",
  cblocks: "u32",
  wblocks: "u32",
  has_bias: "u32"
};
var kernels4 = {
  direct: kernel({ shader: "conv2d", params: convParams, reads: ["x", "wt", "bias"], writes: ["y"], overrides: ["WG", "TC", "TW", "ACT"] }),
  pointwise: kernel({
    shader: "conv2d",
    entry: "pointwise",
    uniform: "GemmParams",
    params: { n: "u32", m: "u32", k: "u32", hw4: "u32", sam: "u32", sak: "u32", mblocks: "u32", vblocks: "u32", has_bias: "u32" },
    reads: ["x4", "a", "abias"],
    writes: ["y4"],
    overrides: ["WG", "TM", "TV", "ACT"]
  })
};
function pointwiseGemm(x, w, b, m, sam, sak, act) {
  const [n, k, h, wd] = shape4(x, "x");
  const hw4 = h * wd / 4;
  const t = tuning();
  const [tm, tv] = fitTiles([t.conv.gemmM, m], [t.conv.gemmV, hw4], (a, b2) => n * Math.ceil(m / a) * Math.ceil(hw4 / b2));
  const mblocks = Math.ceil(m / tm);
  const vblocks = Math.ceil(hw4 / tv);
  const y = Tensor.empty([n, m, h, wd]);
  launch1d(
    kernels4.pointwise,
    n * mblocks * vblocks,
    { x4: x, a: w, abias: b ?? w },
    { y4: y },
    { n, m, k, hw4, sam, sak, mblocks, vblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, TM: tm, TV: tv, ...actConstant(act) }
  );
  return y;
}
function convForward(x, w, b, g, ho, wo, act) {
  const [n, cin, h, wd] = shape4(x, "x");
  const [cout, , kh, kw] = shape4(w, "w");
  const t = tuning();
  if (isPointwise(kh, kw, g, h, wd, ho, wo)) return pointwiseGemm(x, w, b, cout, cin, 1, act);
  if (g.groups === cin && cin === cout && kh === 3 && kw === 3 && g.sh === g.sw && (g.sh === 1 || g.sh === 2)) {
    return depthwise3x3(x, w, b, g.sh, g.pt, g.pl, ho, wo, false, act);
  }
  const y = Tensor.empty([n, cout, ho, wo]);
  const coutG = cout / g.groups;
  const [tc, tw] = fitTiles([t.conv.tileC, coutG], [t.conv.tileW, wo], (a, b2) => n * g.groups * Math.ceil(coutG / a) * ho * Math.ceil(wo / b2));
  const cblocks = Math.ceil(coutG / tc);
  const wblocks = Math.ceil(wo / tw);
  launch1d(
    kernels4.direct,
    n * g.groups * cblocks * ho * wblocks,
    { x, wt: w, bias: b ?? w },
    { y },
    { n, cin, h, w: wd, cout, ho, wo, kh, kw, ...g, cblocks, wblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, TC: tc, TW: tw, ...actConstant(act) }
  );
  return y;
}

// src/kernels/launchers/conv_transpose2d.ts
var kernels5 = {
  transposed: kernel({ shader: "conv_transpose2d", params: convParams, reads: ["x", "wt", "bias"], writes: ["y"], overrides: ["WG", "TC", "TW"] })
};
function transposedConv(x, w, b, g, ho, wo) {
  const [n, cin, h, wd] = shape4(x, "x");
  const [, coutG, kh, kw] = shape4(w, "w");
  const cout = coutG * g.groups;
  if (isPointwise(kh, kw, g, h, wd, ho, wo)) return pointwiseGemm(x, w, b, cout, 1, cout);
  if (g.groups === cin && coutG === 1 && kh === 3 && kw === 3 && g.sh === 1 && g.sw === 1) {
    return depthwise3x3(x, w, b, 1, 2 - g.pt, 2 - g.pl, ho, wo, true);
  }
  const t = tuning();
  const q = Math.ceil(wo / g.sw);
  const [tc, tw] = fitTiles([t.conv.tileC, coutG], [t.conv.tileW, q], (a, b2) => n * g.groups * Math.ceil(coutG / a) * ho * g.sw * Math.ceil(q / b2));
  const cblocks = Math.ceil(coutG / tc);
  const qblocks = Math.ceil(q / tw);
  const y = Tensor.empty([n, cout, ho, wo]);
  launch1d(
    kernels5.transposed,
    n * g.groups * cblocks * ho * g.sw * qblocks,
    { x, wt: w, bias: b ?? w },
    { y },
    { n, cin, h, w: wd, cout, ho, wo, kh, kw, ...g, cblocks, wblocks: qblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, TC: tc, TW: tw }
  );
  return y;
}

// src/kernels/launchers/conv_wgrad.ts
var kernels6 = {
  partial: kernel({
    shader: "conv_wgrad",
    entry: "partial",
    params: {
      n: "u32",
      ca: "u32",
      ha: "u32",
      wa: "u32",
      cb: "u32",
      hb: "u32",
      wb: "u32",
      groups: "u32",
      kh: "u32",
      kw: "u32",
      sh: "u32",
      sw: "u32",
      pt: "i32",
      pl: "i32",
      ablocks: "u32",
      tblocks: "u32",
      chunks: "u32"
    },
    reads: ["A", "B"],
    writes: ["part"],
    overrides: ["WG", "TA", "TK"]
  }),
  pointwise: kernel({
    shader: "conv_wgrad",
    entry: "pointwise",
    uniform: "PwParams",
    params: { n: "u32", ca: "u32", cb: "u32", hw4: "u32", ablocks: "u32", bblocks: "u32", chunks: "u32" },
    reads: ["A4", "B4"],
    writes: ["part"],
    overrides: ["WG", "TA", "TB"]
  }),
  sum: kernel({ shader: "conv_wgrad", entry: "sum", uniform: "SumParams", params: { size: "u32", chunks: "u32" }, reads: ["src"], writes: ["dst"], overrides: ["WG"] })
};
function weightGrad(a, b, kh, kw, g) {
  const [, , ha, wa] = shape4(a, "A");
  const [, , hb, wb] = shape4(b, "B");
  const tiles = tuning().conv.pointwiseWgrad;
  return tiles && isPointwise(kh, kw, g, hb, wb, ha, wa) ? pointwiseWeightGrad(a, b, tiles) : generalWeightGrad(a, b, kh, kw, g);
}
function generalWeightGrad(a, b, kh, kw, g) {
  const [n, ca, ha, wa] = shape4(a, "A");
  const [, cb, hb, wb] = shape4(b, "B");
  const t = tuning();
  const caG = ca / g.groups;
  const taps = cb / g.groups * kh * kw;
  const ta = tile(t.conv.wgradA, caG);
  const tk = taps === 9 ? 9 : tile(t.conv.wgradK, taps);
  const ablocks = Math.ceil(caG / ta);
  const tblocks = Math.ceil(taps / tk);
  const blocks = g.groups * ablocks * tblocks;
  const chunks = sliceCount(blocks, n * ha * wa);
  const shape = [ca, cb / g.groups, kh, kw];
  const part = Tensor.empty(chunks === 1 ? shape : [chunks, ...shape]);
  launch1d(
    kernels6.partial,
    chunks * blocks,
    { A: a, B: b },
    { part },
    { n, ca, ha, wa, cb, hb, wb, kh, kw, ...g, ablocks, tblocks, chunks },
    { WG: t.wgTiled, TA: ta, TK: tk }
  );
  return sumSlices(part, shape, chunks);
}
function pointwiseWeightGrad(a, b, tiles) {
  const [n, ca, h, wd] = shape4(a, "A");
  const [, cb] = shape4(b, "B");
  const t = tuning();
  const ta = tile(tiles[0], ca);
  const tb = tile(tiles[1], cb);
  const ablocks = Math.ceil(ca / ta);
  const bblocks = Math.ceil(cb / tb);
  const chunks = sliceCount(ablocks * bblocks, n * h * wd);
  const shape = [ca, cb, 1, 1];
  const part = Tensor.empty(chunks === 1 ? shape : [chunks, ...shape]);
  launch1d(
    kernels6.pointwise,
    chunks * ablocks * bblocks,
    { A4: a, B4: b },
    { part },
    { n, ca, cb, hw4: h * wd / 4, ablocks, bblocks, chunks },
    { WG: t.wgTiled, TA: ta, TB: tb }
  );
  return sumSlices(part, shape, chunks);
}
function sumSlices(part, shape, chunks) {
  if (chunks === 1) return part;
  const dw = Tensor.empty(shape);
  launch1d(kernels6.sum, dw.size, { src: part }, { dst: dw }, { size: dw.size, chunks });
  part.dispose();
  return dw;
}

// src/graph/ops/conv2d.ts
function conv2d(x, w, b, opts = {}) {
  const [, , h, wd] = shape4(x, "conv2d x");
  const [cout, , kh, kw] = shape4(w, "conv2d w");
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) throw new Error(`conv2d: bias [${b.shape}] for ${cout} output channels`);
  const { geom, ho, wo } = convGeometry(x.shape, w.shape, opts);
  if (opts.activation && isGradEnabled() && [x, w, b].some((t) => t?.requiresGrad)) {
    throw new Error("conv2d: a fused activation is inference-only; run it under noGrad(), or apply the activation as its own op");
  }
  const y = convForward(x, w, b ?? null, geom, ho, wo, opts.activation);
  return record("conv2d", [x, w, b ?? null], y, (g, [xs, ws]) => [
    x.requiresGrad ? transposedConv(g, ws, null, geom, h, wd) : null,
    w.requiresGrad ? weightGrad(g, xs, kh, kw, geom) : null,
    b?.requiresGrad ? channelSum(g) : null
  ], [x, w]);
}

// src/graph/ops/conv_transpose2d.ts
function convTranspose2d(x, w, b, opts = {}) {
  const [, , h, wd] = shape4(x, "convTranspose2d x");
  const [, , kh, kw] = shape4(w, "convTranspose2d w");
  const { geom, ho, wo } = transposedGeometry(x.shape, w.shape, opts);
  const cout = w.shape[1] * geom.groups;
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) throw new Error(`convTranspose2d: bias [${b.shape}] for ${cout} output channels`);
  const y = transposedConv(x, w, b ?? null, geom, ho, wo);
  return record("convTranspose2d", [x, w, b ?? null], y, (g, [xs, ws]) => [
    x.requiresGrad ? convForward(g, ws, null, geom, h, wd) : null,
    w.requiresGrad ? weightGrad(xs, g, kh, kw, geom) : null,
    b?.requiresGrad ? channelSum(g) : null
  ], [x, w]);
}

// src/graph/ops/linear.ts
function linear(x, w, b) {
  const [batch, inF] = x.shape;
  const [outF, wIn] = w.shape;
  if (x.shape.length !== 2 || w.shape.length !== 2 || wIn !== inF) {
    throw new Error(`linear: x [${x.shape}] and weight [${w.shape}] do not match (want x [B, in], weight [out, in])`);
  }
  const y = conv2d(reshape(x, [batch, inF, 1, 1]), reshape(w, [outF, inF, 1, 1]), b ?? null);
  return reshape(y, [batch, outF]);
}

// src/kernels/launchers/batch_norm2d.ts
var params2 = {
  c: "u32",
  hw: "u32",
  chw: "u32",
  m: "u32",
  chunks: "u32",
  per_thread: "u32",
  total: "u32",
  eps: "f32",
  momentum: "f32"
};
var shader = "batch_norm2d";
var kernels7 = {
  statsPartial: kernel({ shader, entry: "stats_partial", params: params2, reads: ["x"], writes: ["stats_part"], overrides: ["WG"] }),
  statsFinal: kernel({
    shader,
    entry: "stats_final",
    params: params2,
    reads: ["part", "sf_gamma", "sf_beta"],
    writes: ["sf_chan", "running_mean", "running_var"],
    overrides: ["WG"]
  }),
  evalParams: kernel({ shader, entry: "eval_params", params: params2, reads: ["ep_mean", "ep_var", "ep_gamma", "ep_beta"], writes: ["ep_chan"], overrides: ["WG"] }),
  fold: kernel({ shader, entry: "fold", params: params2, reads: ["fd_w", "fd_b", "fd_chan"], writes: ["fd_wout", "fd_bout"], overrides: ["WG", "HAS_BIAS"] }),
  affine: kernel({ shader, entry: "affine", params: params2, reads: ["x4", "chan"], writes: ["y4"], overrides: ["WG"] }),
  gradPartial: kernel({ shader, entry: "grad_partial", params: params2, reads: ["x", "chan", "g"], writes: ["grad_part"], overrides: ["WG"] }),
  gradFinal: kernel({ shader, entry: "grad_final", params: params2, reads: ["part", "chan", "gf_gamma"], writes: ["dgamma", "dbeta", "coef"], overrides: ["WG", "TRAIN"] }),
  inputGrad: kernel({ shader, entry: "input_grad", params: params2, reads: ["x4", "chan", "g4"], writes: ["dx4"], overrides: ["WG"] })
};
var pow2AtLeast = (v) => 2 ** Math.ceil(Math.log2(Math.max(1, v)));
function batchNormDims(x, eps, momentum) {
  const [n, c, h, w] = x.shape;
  const hw = h * w;
  const m = n * hw;
  const { wgReduce, reducePerThread } = tuning();
  const wgPartial = Math.min(wgReduce, pow2AtLeast(Math.ceil(m / reducePerThread)));
  const chunks = Math.max(1, Math.ceil(m / (wgPartial * reducePerThread)));
  return {
    c,
    chunks,
    wgPartial,
    wgFinal: Math.min(wgReduce, pow2AtLeast(chunks)),
    params: { c, hw, chw: c * hw, m, chunks, per_thread: reducePerThread, total: x.size, eps, momentum }
  };
}
function channelReduce(d, partial, final) {
  const part = Tensor.empty([d.c, d.chunks, 4]);
  partial(part);
  final(part);
  part.dispose();
}
function evalChannels(p, runningMean, runningVar, gamma, beta) {
  const chan = Tensor.empty([p.c, 4]);
  launch1d(kernels7.evalParams, p.c, { ep_mean: runningMean, ep_var: runningVar, ep_gamma: gamma, ep_beta: beta }, { ep_chan: chan }, p);
  return chan;
}
function batchNormForward(x, gamma, beta, runningMean, runningVar, d, training) {
  let chan;
  if (training) {
    chan = Tensor.empty([d.c, 4]);
    channelReduce(
      d,
      (part) => launch(kernels7.statsPartial, { x }, { stats_part: part }, d.params, [d.chunks, d.c], { WG: d.wgPartial }),
      (part) => launch(kernels7.statsFinal, { part, sf_gamma: gamma, sf_beta: beta }, { sf_chan: chan, running_mean: runningMean, running_var: runningVar }, d.params, [d.c], { WG: d.wgFinal })
    );
  } else {
    chan = evalChannels(d.params, runningMean, runningVar, gamma, beta);
  }
  const y = Tensor.empty(x.shape);
  launch1d(kernels7.affine, Math.ceil(x.size / 4), { x4: x, chan }, { y4: y }, d.params);
  return { y, chan };
}
function batchNormBackward(g, x, chan, gamma, betaShape, d, training, wantDx) {
  const dgamma = Tensor.empty(gamma.shape);
  const dbeta = Tensor.empty(betaShape);
  const coef = Tensor.empty([d.c, 4]);
  channelReduce(
    d,
    (part) => launch(kernels7.gradPartial, { x, chan, g }, { grad_part: part }, d.params, [d.chunks, d.c], { WG: d.wgPartial }),
    (part) => launch(kernels7.gradFinal, { part, chan, gf_gamma: gamma }, { dgamma, dbeta, coef }, d.params, [d.c], { WG: d.wgFinal, TRAIN: Number(training) })
  );
  let dx = null;
  if (wantDx) {
    dx = Tensor.empty(x.shape);
    launch1d(kernels7.inputGrad, Math.ceil(x.size / 4), { x4: x, chan: coef, g4: g }, { dx4: dx }, d.params);
  }
  coef.dispose();
  return { dx, dgamma, dbeta };
}
function foldIntoConv(w, b, gamma, beta, runningMean, runningVar, eps) {
  const c = w.shape[0];
  const p = { c, hw: w.size / c, chw: w.size, m: 0, chunks: 0, per_thread: 0, total: w.size, eps, momentum: 0 };
  const chan = evalChannels(p, runningMean, runningVar, gamma, beta);
  const wf = Tensor.empty(w.shape);
  const bf = Tensor.empty([c]);
  launch1d(kernels7.fold, w.size, { fd_w: w, fd_b: b ?? w, fd_chan: chan }, { fd_wout: wf, fd_bout: bf }, p, { HAS_BIAS: b ? 1 : 0 });
  chan.dispose();
  return [wf, bf];
}

// src/graph/ops/batch_norm2d.ts
function checkShapes(x, ...perChannel) {
  if (x.shape.length !== 4 || x.dtype !== "f32") throw new Error(`batchNorm2d: expects an f32 [N, C, H, W] tensor, got ${x}`);
  for (const t of perChannel) {
    if (t.size !== x.shape[1] || t.dtype !== "f32") throw new Error(`batchNorm2d: ${t} does not hold one f32 per channel of ${x}`);
  }
}
function wantedOrDispose(t, wanted) {
  if (wanted) return t;
  t.dispose();
  return null;
}
function foldBatchNorm(w, b, gamma, beta, runningMean, runningVar, eps = 1e-5) {
  const c = w.shape[0];
  for (const t of [b, gamma, beta, runningMean, runningVar]) {
    if (t && (t.size !== c || t.dtype !== "f32")) throw new Error(`foldBatchNorm: ${t} does not hold one f32 per output channel of ${w}`);
  }
  return foldIntoConv(w, b, gamma, beta, runningMean, runningVar, eps);
}
function batchNorm2d(x, gamma, beta, runningMean, runningVar, opts) {
  checkShapes(x, gamma, beta, runningMean, runningVar);
  const { training } = opts;
  const [n, , h, w] = x.shape;
  if (training && n * h * w < 2) throw new Error(`batchNorm2d: training needs more than one value per channel, got ${x}`);
  const d = batchNormDims(x, opts.eps ?? 1e-5, opts.momentum ?? 0.1);
  const { y, chan } = batchNormForward(x, gamma, beta, runningMean, runningVar, d, training);
  const out = record("batchNorm2d", [x, gamma, beta], y, (g, [xs, gs, cs]) => {
    const { dx, dgamma, dbeta } = batchNormBackward(g, xs, cs, gs, beta.shape, d, training, x.requiresGrad);
    return [dx, wantedOrDispose(dgamma, gamma.requiresGrad), wantedOrDispose(dbeta, beta.requiresGrad)];
  }, [x, gamma, chan]);
  chan.dispose();
  return out;
}

// src/kernels/launchers/max_pool2d.ts
var params3 = { h: "u32", w: "u32", ho: "u32", wo: "u32", k: "u32", s: "u32", pad_t: "u32", pad_l: "u32", n: "u32" };
var kernels8 = {
  forward: kernel({ shader: "max_pool2d", entry: "forward", params: params3, reads: ["x"], writes: ["y", "argmax_out"], overrides: ["WG"] }),
  backward: kernel({ shader: "max_pool2d", entry: "backward", params: params3, reads: ["g", "argmax"], writes: ["dx"], overrides: ["WG"] })
};
function geometry(shape, ho, wo, win) {
  const [, , h, w] = shape;
  return { h, w, ho, wo, k: win.k, s: win.s, pad_t: win.padTop, pad_l: win.padLeft };
}
function maxPoolForward(x, win, ho, wo) {
  const [n, c] = x.shape;
  const y = Tensor.empty([n, c, ho, wo]);
  const argmax = Tensor.empty(y.shape, "i32");
  launch1d(kernels8.forward, Math.ceil(y.size / 4), { x }, { y, argmax_out: argmax }, { ...geometry(x.shape, ho, wo, win), n: y.size });
  return { y, argmax };
}
function maxPoolBackward(g, argmax, shape, win) {
  const [, , ho, wo] = g.shape;
  const dx = Tensor.empty(shape);
  launch1d(kernels8.backward, Math.ceil(dx.size / 4), { g, argmax }, { dx }, { ...geometry(shape, ho, wo, win), n: dx.size });
  return dx;
}

// src/graph/ops/max_pool2d.ts
function poolGeometry(shape, opts) {
  const k = opts.kernel ?? 2;
  const s = opts.stride ?? k;
  const p = opts.padding ?? 0;
  const pad = typeof p === "number" ? [p, p, p, p] : [...p];
  const [, , h, w] = shape;
  const ho = Math.floor((h + pad[0] + pad[1] - k) / s) + 1;
  const wo = Math.floor((w + pad[2] + pad[3] - k) / s) + 1;
  if (![k, s, ...pad].every(Number.isInteger) || k < 1 || s < 1 || pad.some((v) => v < 0 || v >= k) || ho < 1 || wo < 1) {
    throw new Error(`maxPool2d: kernel ${k}, stride ${s}, padding [${pad}] do not fit [${shape}] (each pad must be < kernel)`);
  }
  return { k, s, pad, ho, wo };
}
function maxPool2d(x, opts = {}) {
  if (x.shape.length !== 4 || x.dtype !== "f32") throw new Error(`maxPool2d: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const { k, s, pad, ho, wo } = poolGeometry(x.shape, opts);
  const win = { k, s, padTop: pad[0], padLeft: pad[2] };
  const { y, argmax } = maxPoolForward(x, win, ho, wo);
  const out = record("maxPool2d", [x], y, (g, [am]) => [maxPoolBackward(g, am, x.shape, win)], [argmax]);
  argmax.dispose();
  return out;
}

// src/kernels/launchers/global_avg_pool.ts
var params4 = { n: "u32", len: "u32", chunk: "u32", parts: "u32", alpha: "f32" };
var kernels9 = {
  forward: kernel({ shader: "global_avg_pool", entry: "forward", params: params4, reads: ["x"], writes: ["out"], overrides: ["WG"] }),
  backward: kernel({ shader: "global_avg_pool", entry: "backward", params: params4, reads: ["g"], writes: ["dx"], overrides: ["WG"] })
};
var CHUNK = 256;
function rowSums(x, rows, len2, alpha, shape) {
  const out = Tensor.empty(shape);
  const parts = Math.ceil(len2 / CHUNK);
  if (parts <= 1) {
    launch1d(kernels9.forward, rows, { x }, { out }, { n: rows, len: len2, chunk: len2, parts: 1, alpha });
    return out;
  }
  const chunk = Math.ceil(len2 / parts / 4) * 4;
  const per = Math.ceil(len2 / chunk);
  const partial = Tensor.empty([rows, per]);
  launch1d(kernels9.forward, rows * per, { x }, { out: partial }, { n: rows * per, len: len2, chunk, parts: per, alpha });
  launch1d(kernels9.forward, rows, { x: partial }, { out }, { n: rows, len: per, chunk: per, parts: 1, alpha: 1 });
  partial.dispose();
  return out;
}
function broadcastRows(g, shape, len2) {
  const dx = Tensor.empty(shape);
  launch1d(kernels9.backward, Math.ceil(dx.size / 4), { g }, { dx }, { n: dx.size, len: len2, chunk: 0, parts: 0, alpha: 1 / len2 });
  return dx;
}

// src/graph/ops/global_avg_pool.ts
function globalAvgPool(x) {
  if (x.shape.length !== 4 || x.dtype !== "f32") throw new Error(`globalAvgPool: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const shape = x.shape;
  const [n, c, h, w] = shape;
  const hw = h * w;
  if (hw === 0) throw new Error(`globalAvgPool: empty spatial size in [${shape}]`);
  const y = rowSums(x, n * c, hw, 1 / hw, [n, c, 1, 1]);
  return record("globalAvgPool", [x], y, (g) => [broadcastRows(g, shape, hw)]);
}

// src/kernels/launchers/upsample_bilinear2d.ts
var params5 = { h: "u32", w: "u32", oh: "u32", ow: "u32", scale_h: "f32", scale_w: "f32", n: "u32" };
var kernels10 = {
  forward: kernel({ shader: "upsample_bilinear2d", entry: "forward", params: params5, reads: ["x"], writes: ["y"], overrides: ["WG"] }),
  backward: kernel({ shader: "upsample_bilinear2d", entry: "backward", params: params5, reads: ["g"], writes: ["dx"], overrides: ["WG"] })
};
var alignCornersScale = (len2, outLen) => outLen > 1 ? (len2 - 1) / (outLen - 1) : 0;
function geometry2(shape) {
  const [, , h, w] = shape;
  const [oh, ow] = [2 * h, 2 * w];
  return { h, w, oh, ow, scale_h: alignCornersScale(h, oh), scale_w: alignCornersScale(w, ow) };
}
function upsampleForward(x) {
  const [n, c] = x.shape;
  const geo = geometry2(x.shape);
  const y = Tensor.empty([n, c, geo.oh, geo.ow]);
  launch1d(kernels10.forward, Math.ceil(y.size / 4), { x }, { y }, { ...geo, n: y.size });
  return y;
}
function upsampleBackward(g, shape) {
  const dx = Tensor.empty(shape);
  launch1d(kernels10.backward, Math.ceil(dx.size / 4), { g }, { dx }, { ...geometry2(shape), n: dx.size });
  return dx;
}

// src/graph/ops/upsample_bilinear2d.ts
function upsampleBilinear2x(x) {
  if (x.shape.length !== 4 || x.dtype !== "f32") throw new Error(`upsampleBilinear2x: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const [, , h, w] = x.shape;
  if (h > 1024 || w > 1024) throw new Error(`upsampleBilinear2x: input planes up to 1024\xD71024, got ${x}`);
  return record("upsampleBilinear2x", [x], upsampleForward(x), (g) => [upsampleBackward(g, x.shape)]);
}

// src/kernels/launchers/concat.ts
var kernels11 = {
  copyRows: kernel({
    shader: "concat",
    params: { len: "u32", src_stride: "u32", src_off: "u32", dst_stride: "u32", dst_off: "u32" },
    reads: ["src"],
    writes: ["dst"],
    overrides: ["WG"]
  })
};
function copyRows(src, dst, rows, r) {
  if (rows > 65535) throw new Error(`concat: batch ${rows} exceeds the 65535 rows one dispatch covers`);
  const wg = tuning().wgElementwise;
  const [gx, gy] = grid1d(Math.ceil(r.len / 4), wg);
  launch(kernels11.copyRows, { src }, { dst }, r, [gx, gy, rows], { WG: wg });
}
function concatChannels(xs, shape) {
  const [n, c, h, w] = shape;
  const hw = h * w;
  const y = Tensor.empty(shape);
  let first = 0;
  for (const x of xs) {
    const len2 = x.shape[1] * hw;
    copyRows(x, y, n, { len: len2, src_stride: len2, src_off: 0, dst_stride: c * hw, dst_off: first * hw });
    first += x.shape[1];
  }
  return y;
}
function channelSlice(x, first, count) {
  const [n, c, h, w] = x.shape;
  const hw = h * w;
  const len2 = count * hw;
  const out = Tensor.empty([n, count, h, w]);
  copyRows(x, out, n, { len: len2, src_stride: c * hw, src_off: first * hw, dst_stride: len2, dst_off: 0 });
  return out;
}

// src/graph/ops/concat.ts
function concatShape(shapes) {
  const [n, , h, w] = shapes[0];
  let c = 0;
  for (const s of shapes) {
    if (s.length !== 4 || s[0] !== n || s[2] !== h || s[3] !== w) throw new Error(`concat: shapes [${shapes.map((t) => `[${t}]`)}] differ outside the channel axis`);
    c += s[1];
  }
  return [n, c, h, w];
}
function concat(xs) {
  if (xs.length === 0) throw new Error("concat: no inputs");
  for (const x of xs) if (x.dtype !== "f32") throw new Error(`concat: ${x} is not f32`);
  const y = concatChannels(xs, concatShape(xs.map((x) => x.shape)));
  return record("concat", xs, y, (g) => {
    let first = 0;
    return xs.map((x) => {
      const at = first;
      first += x.shape[1];
      return x.requiresGrad ? channelSlice(g, at, x.shape[1]) : null;
    });
  });
}

// src/kernels/launchers/softmax.ts
var params6 = { rows: "u32", k: "u32", alpha: "f32", invalid: "f32" };
var overrides2 = ["WG"];
var kernels12 = {
  forward: kernel({ shader: "softmax", entry: "forward", params: params6, reads: ["x"], writes: ["y"], overrides: overrides2 }),
  backward: kernel({ shader: "softmax", entry: "backward", params: params6, reads: ["sg", "sy"], writes: ["sdx"], overrides: overrides2 }),
  crossEntropy: kernel({ shader: "softmax", entry: "ce_forward", params: params6, reads: ["x", "labels"], writes: ["loss"], overrides: overrides2 }),
  crossEntropyBackward: kernel({ shader: "softmax", entry: "ce_backward", params: params6, reads: ["x", "labels", "cg"], writes: ["cdx"], overrides: overrides2 })
};
function softmaxForward(x) {
  const [rows, k] = x.shape;
  const y = Tensor.empty(x.shape);
  launch1d(kernels12.forward, rows, { x }, { y }, { rows, k, alpha: 0, invalid: 0 });
  return y;
}
function softmaxBackward(g, y) {
  const [rows, k] = y.shape;
  const dx = Tensor.empty(y.shape);
  launch1d(kernels12.backward, rows, { sg: g, sy: y }, { sdx: dx }, { rows, k, alpha: 0, invalid: 0 });
  return dx;
}

// src/graph/ops/softmax.ts
function rowsOf(op, x) {
  if (x.shape.length !== 2 || x.dtype !== "f32") throw new Error(`${op}: expects an f32 [B, K] tensor, got ${x}`);
  return x.shape;
}
function softmax(x) {
  rowsOf("softmax", x);
  const y = softmaxForward(x);
  return record("softmax", [x], y, (g, [ys]) => [softmaxBackward(g, ys)], [y]);
}

// src/face/detect/weights.ts
var BYTES = { uint8: 1, uint16: 2, float16: 2, float32: 4, int32: 4 };
function decodeWeights(manifest, groupBytes) {
  if (groupBytes.length !== manifest.length) throw new Error(`weights: ${manifest.length} manifest groups but ${groupBytes.length} byte buffers`);
  const out = /* @__PURE__ */ new Map();
  manifest.forEach((group, gi) => {
    const bytes = groupBytes[gi];
    let offset = 0;
    for (const spec of group.weights) {
      const n = numel(spec.shape);
      const q = spec.quantization;
      const stored = q?.dtype ?? spec.dtype;
      const size = BYTES[stored];
      if (!size) throw new Error(`weights: ${spec.name} has unsupported dtype ${stored}`);
      if (offset + n * size > bytes.length) throw new Error(`weights: ${spec.name} [${spec.shape}] runs past the end of its shards (${bytes.length} bytes)`);
      const raw = bytes.slice(offset, offset + n * size).buffer;
      offset += n * size;
      out.set(spec.name, { shape: [...spec.shape], data: dequantize(spec, raw) });
    }
    if (offset !== bytes.length) throw new Error(`weights: group ${gi} has ${bytes.length - offset} bytes past its last weight`);
  });
  return out;
}
function dequantize(spec, raw) {
  const q = spec.quantization;
  if (!q) return spec.dtype === "float32" ? new Float32Array(raw) : Float32Array.from(new Int32Array(raw));
  if (q.dtype === "float16") return f16ToFloat32Array(new Uint16Array(raw));
  if (q.scale === void 0 || q.min === void 0) throw new Error(`weights: ${spec.name} is ${q.dtype}-quantised without scale and min`);
  const ints2 = q.dtype === "uint8" ? new Uint8Array(raw) : new Uint16Array(raw);
  const out = new Float32Array(ints2.length);
  for (let i = 0; i < ints2.length; i++) out[i] = ints2[i] * q.scale + q.min;
  return out;
}
async function dirReader(dir) {
  const [{ join }, { readFile }] = await Promise.all([import("node:path"), import("node:fs/promises")]);
  return async (file) => new Uint8Array(await readFile(join(dir, file)));
}
async function packageModelDir() {
  const [{ createRequire }, { dirname, join }] = await Promise.all([import("node:module"), import("node:path")]);
  return join(dirname(createRequire(import.meta.url).resolve("@vladmandic/face-api/package.json")), "model");
}
async function loadFaceModel(name, reader) {
  const read = reader ?? await dirReader(await packageModelDir());
  const manifest = JSON.parse(new TextDecoder().decode(await read(`${name}_model-weights_manifest.json`)));
  const groups = await Promise.all(manifest.map(async (g) => concat2(await Promise.all(g.paths.map(read)))));
  return new FaceWeights(name, decodeWeights(manifest, groups));
}
function concat2(parts) {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
function hwioToOihw(data, [kh, kw, ci, co]) {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < ci; i++)
        for (let o = 0; o < co; o++) out[((o * ci + i) * kh + y) * kw + x] = data[((y * kw + x) * ci + i) * co + o];
  return out;
}
var FaceWeights = class {
  constructor(model, entries) {
    this.model = model;
    this.entries = entries;
  }
  model;
  entries;
  made = [];
  entry(name, rank) {
    const e = this.entries.get(name);
    if (!e) throw new Error(`${this.model}: weight ${name} missing from the manifest`);
    if (e.shape.length !== rank) throw new Error(`${this.model}: weight ${name} is [${e.shape}], expected rank ${rank}`);
    return e;
  }
  keep(data, shape, name) {
    const t = Tensor.from(data, shape).keep();
    t.name = `${this.model}/${name}`;
    this.made.push(t);
    return t;
  }
  /** A conv filter [kh, kw, in, out] as [out, in, kh, kw]. */
  conv(name) {
    const { shape, data } = this.entry(name, 4);
    return this.keep(hwioToOihw(data, shape), [shape[3], shape[2], shape[0], shape[1]], name);
  }
  /** A depthwise filter [kh, kw, c, 1] as a grouped conv weight [c, 1, kh, kw] (groups = c). */
  depthwise(name) {
    const { shape, data } = this.entry(name, 4);
    if (shape[3] !== 1) throw new Error(`${this.model}: depthwise ${name} has channel multiplier ${shape[3]}, only 1 is supported`);
    return this.keep(hwioToOihw(data, shape), [shape[2], 1, shape[0], shape[1]], name);
  }
  /** A dense kernel [in, out] (x · W) as the engine's linear weight [out, in]. */
  dense(name) {
    const { shape, data } = this.entry(name, 2);
    return this.keep(hwioToOihw(data, [1, 1, ...shape]), [shape[1], shape[0]], name);
  }
  vector(name) {
    const { shape, data } = this.entry(name, 1);
    return this.keep(data, shape, name);
  }
  /** `<prefix>/filters` + `<prefix>/bias`. */
  convLayer(prefix) {
    return { filters: this.conv(`${prefix}/filters`), bias: this.vector(`${prefix}/bias`) };
  }
  /** `<prefix>/depthwise_filter`, `/pointwise_filter`, `/bias`. */
  separable(prefix) {
    return {
      depthwise: this.depthwise(`${prefix}/depthwise_filter`),
      pointwise: this.conv(`${prefix}/pointwise_filter`),
      bias: this.vector(`${prefix}/bias`)
    };
  }
  dispose() {
    for (const t of this.made) t.dispose();
    this.made.length = 0;
  }
};
function samePadding(h, w, k, s) {
  const total = (n) => Math.max(0, (Math.ceil(n / s) - 1) * s + k - n);
  const th = total(h);
  const tw = total(w);
  return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
}
function separableConv(x, p, stride, padding) {
  const dw = conv2d(x, p.depthwise, null, { stride, padding, groups: x.shape[1] });
  return conv2d(dw, p.pointwise, p.bias);
}

// src/face/detect/detector.ts
var ANCHORS = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308]
];
var DETECTOR_MEAN_RGB = [117.001, 114.697, 97.404];
var IOU_THRESHOLD = 0.4;
var BOX_ENCODING = 5;
var LEAKY_SLOPE = 0.1;
var TinyFaceDetector = class _TinyFaceDetector {
  constructor(weights) {
    this.weights = weights;
    this.conv0 = weights.convLayer("conv0");
    this.seps = [1, 2, 3, 4, 5].map((i) => weights.separable(`conv${i}`));
    this.conv8 = weights.convLayer("conv8");
  }
  weights;
  conv0;
  seps;
  conv8;
  /** From the installed package (node) or a reader of its model folder. */
  static async load(reader) {
    return new _TinyFaceDetector(await loadFaceModel("tiny_face_detector", reader));
  }
  /**
   * x [N, 3, S, S]: (RGB − DETECTOR_MEAN_RGB) / 255, S a multiple of 32 → the raw head [N, 25, S/32, S/32],
   * channel = anchor · 5 + (tx, ty, tw, th, score logit).
   */
  forward(x) {
    if (x.shape.length !== 4 || x.shape[1] !== 3 || x.shape[2] !== x.shape[3] || x.shape[2] % 32) {
      throw new Error(`TinyFaceDetector: expects [N, 3, S, S] with S a multiple of 32, got [${x.shape}]`);
    }
    return scope(() => {
      let h = leakyRelu(conv2d(x, this.conv0.filters, this.conv0.bias), LEAKY_SLOPE);
      for (const sep of this.seps) {
        h = maxPool2d(h, { kernel: 2, stride: 2, padding: samePadding(h.shape[2], h.shape[3], 2, 2) });
        h = leakyRelu(separableConv(h, sep, 1, [1, 1, 1, 1]), LEAKY_SLOPE);
      }
      h = maxPool2d(h, { kernel: 2, stride: 1, padding: samePadding(h.shape[2], h.shape[3], 2, 1) });
      return conv2d(h, this.conv8.filters, this.conv8.bias);
    });
  }
  dispose() {
    this.weights.dispose();
  }
};
var sigmoid = (v) => 1 / (1 + Math.exp(-v));
function decodeDetections(head, width, height, inputSize, scoreThreshold = 0.5) {
  const cells = BOX_ENCODING * ANCHORS.length;
  const g = Math.round(Math.sqrt(head.length / cells));
  if (g * g * cells !== head.length) throw new Error(`decodeDetections: ${head.length} values are not [${cells}, g, g]`);
  const scale4 = inputSize / Math.max(width, height);
  const corrX = inputSize / Math.round(width * scale4);
  const corrY = inputSize / Math.round(height * scale4);
  const boxes = [];
  const at = (a, k, row, col) => head[((a * BOX_ENCODING + k) * g + row) * g + col];
  for (let row = 0; row < g; row++)
    for (let col = 0; col < g; col++)
      for (let a = 0; a < ANCHORS.length; a++) {
        const score = sigmoid(at(a, 4, row, col));
        if (!(score > scoreThreshold)) continue;
        const cx = (col + sigmoid(at(a, 0, row, col))) / g * corrX;
        const cy = (row + sigmoid(at(a, 1, row, col))) / g * corrY;
        const w = Math.exp(at(a, 2, row, col)) * ANCHORS[a][0] / g * corrX;
        const h = Math.exp(at(a, 3, row, col)) * ANCHORS[a][1] / g * corrY;
        boxes.push({ rel: [cx - w / 2, cy - h / 2, w, h], score });
      }
  const keep = nonMaxSuppression(boxes.map((b) => b.rel.map((v) => v * inputSize)), boxes.map((b) => b.score), IOU_THRESHOLD);
  return keep.map((i) => {
    const [x, y, w, h] = boxes[i].rel;
    return { x: x * width, y: y * height, width: w * width, height: h * height, score: boxes[i].score };
  });
}
function intersection(a, b) {
  const w = Math.max(0, Math.min(a[0] + a[2], b[0] + b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[1] + a[3], b[1] + b[3]) - Math.max(a[1], b[1]));
  return w * h;
}
var iou = (a, b) => {
  const inter = intersection(a, b);
  return inter / (a[2] * a[3] + b[2] * b[3] - inter);
};
var overlapOfSmaller = (a, b) => intersection(a, b) / Math.min(a[2] * a[3], b[2] * b[3]);
function nonMaxSuppression(boxes, scores, threshold, overlap = iou) {
  let order = scores.map((score, i) => ({ score, i })).sort((p, q) => p.score - q.score).map((c) => c.i);
  const pick = [];
  while (order.length > 0) {
    const cur = order.pop();
    pick.push(cur);
    order = order.filter((j) => overlap(boxes[cur], boxes[j]) <= threshold);
  }
  return pick;
}

// src/face/detect/landmark68.ts
var LANDMARK_INPUT = 112;
var LANDMARK_MEAN_RGB = [122.782, 117.001, 104.298];
var FaceLandmark68Net = class _FaceLandmark68Net {
  constructor(weights) {
    this.weights = weights;
    this.blocks = [0, 1, 2, 3].map((b) => ({
      conv0: b === 0 ? weights.convLayer("dense0/conv0") : weights.separable(`dense${b}/conv0`),
      rest: [1, 2, 3].map((c) => weights.separable(`dense${b}/conv${c}`))
    }));
    this.fc = { weight: weights.dense("fc/weights"), bias: weights.vector("fc/bias") };
  }
  weights;
  blocks;
  fc;
  /** From the installed package (node) or a reader of its model folder. */
  static async load(reader) {
    return new _FaceLandmark68Net(await loadFaceModel("face_landmark_68", reader));
  }
  /** x [N, 3, 112, 112]: (RGB − LANDMARK_MEAN_RGB) / 255 → [N, 136], (x, y) pairs in [0, 1] of the input square. */
  forward(x) {
    const s = LANDMARK_INPUT;
    if (x.shape.length !== 4 || x.shape[1] !== 3 || x.shape[2] !== s || x.shape[3] !== s) {
      throw new Error(`FaceLandmark68Net: expects [N, 3, ${s}, ${s}], got [${x.shape}]`);
    }
    return scope(() => {
      let h = x;
      for (const block of this.blocks) h = denseBlock4(h, block);
      const pooled = globalAvgPool(h);
      return linear(reshape(pooled, [pooled.shape[0], pooled.shape[1]]), this.fc.weight, this.fc.bias);
    });
  }
  dispose() {
    this.weights.dispose();
  }
};
function denseBlock4(x, { conv0, rest: [c1, c2, c3] }) {
  const pad = samePadding(x.shape[2], x.shape[3], 3, 2);
  const out1 = relu("filters" in conv0 ? conv2d(x, conv0.filters, conv0.bias, { stride: 2, padding: pad }) : separableConv(x, conv0, 2, pad));
  const same = samePadding(out1.shape[2], out1.shape[3], 3, 1);
  const out2 = separableConv(out1, c1, 1, same);
  const out3 = separableConv(relu(add(out1, out2)), c2, 1, same);
  const out4 = separableConv(relu(add(out1, add(out2, out3))), c3, 1, same);
  return relu(add(out1, add(out2, add(out3, out4))));
}

// src/face/detect/index.ts
var FIND_FACES = { inputSizes: [320, 160], scoreThreshold: 0.3 };
var SAME_FACE = 0.5;
function squareInput(img, rect, side, centred, mean2) {
  const { x: rx, y: ry, width: w, height: h } = rect;
  const size = Math.max(w, h);
  const diff = size - Math.min(w, h);
  const before = centred ? diff - Math.round(diff * 0.5) : 0;
  const taps = (n, off, len2, base) => {
    const lo = new Int32Array(side);
    const hi = new Int32Array(side);
    const frac = new Float64Array(side);
    const at = (p) => p - off >= 0 && p - off < len2 ? base(p - off) : -1;
    const ratio = n / side;
    for (let d = 0; d < side; d++) {
      const f = ratio * d;
      const p0 = Math.max(0, Math.floor(f));
      lo[d] = at(p0);
      hi[d] = at(Math.min(n - 1, Math.ceil(f)));
      frac[d] = f - p0;
    }
    return [lo, hi, frac];
  };
  const [r0, r1, fr] = taps(size, h < w ? before : 0, h, (y) => (ry + y) * img.width * 3);
  const [c0, c1, fc] = taps(size, w < h ? before : 0, w, (x) => (rx + x) * 3);
  const px = (row, col, ch) => row < 0 || col < 0 ? 0 : img.data[row + col + ch];
  const out = new Float32Array(3 * side * side);
  const m = mean2.map(Math.fround);
  const plane = side * side;
  for (let r = 0; r < side; r++)
    for (let q = 0; q < side; q++)
      for (let c = 0; c < 3; c++) {
        const ch = 2 - c;
        const tl = px(r0[r], c0[q], ch);
        const bl = px(r1[r], c0[q], ch);
        const top = tl + (px(r0[r], c1[q], ch) - tl) * fc[q];
        const bottom = bl + (px(r1[r], c1[q], ch) - bl) * fc[q];
        const v = Math.fround(top + (bottom - top) * fr[r]);
        out[c * plane + r * side + q] = Math.fround(Math.fround(v - m[c]) / 255);
      }
  return out;
}
function cropRect(box, width, height) {
  const x = Math.max(box.x, 0);
  const y = Math.max(box.y, 0);
  const w = Math.min(box.x + box.width - x, width - x);
  const h = Math.min(box.y + box.height - y, height - y);
  return { x: Math.floor(x), y: Math.floor(y), width: Math.floor(w), height: Math.floor(h) };
}
function landmarksToImage(out, crop) {
  const s = LANDMARK_INPUT / Math.max(crop.width, crop.height);
  const [w, h] = [crop.width * s, crop.height * s];
  const padX = w < h ? (h - w) / 2 : 0;
  const padY = h < w ? (w - h) / 2 : 0;
  const pts = new Float64Array(136);
  for (let i = 0; i < 68; i++) {
    pts[2 * i] = crop.x + (out[2 * i] * LANDMARK_INPUT - padX) / w * crop.width;
    pts[2 * i + 1] = crop.y + (out[2 * i + 1] * LANDMARK_INPUT - padY) / h * crop.height;
  }
  return pts;
}
async function run(net, input, shape) {
  const y = scope(() => net.forward(Tensor.from(input, shape)));
  try {
    return await y.readF32();
  } finally {
    y.dispose();
  }
}
var FaceLandmarker = class _FaceLandmarker {
  constructor(detector, landmarkNet) {
    this.detector = detector;
    this.landmarkNet = landmarkNet;
  }
  detector;
  landmarkNet;
  /** Both models, from the installed @vladmandic/face-api (node) or a reader of its model folder. */
  static async load(reader) {
    const [d, l] = await Promise.all([TinyFaceDetector.load(reader), FaceLandmark68Net.load(reader)]);
    return new _FaceLandmarker(d, l);
  }
  /** Face boxes, best first. */
  async detectFaces(img, opts = {}) {
    const side = opts.inputSize ?? 416;
    if (!(Number.isInteger(side) && side > 0 && side % 32 === 0)) throw new Error(`detectFaces: inputSize ${side} is not a positive multiple of 32`);
    const input = squareInput(img, { x: 0, y: 0, width: img.width, height: img.height }, side, false, DETECTOR_MEAN_RGB);
    const head = await run(this.detector, input, [1, 3, side, side]);
    return decodeDetections(head, img.width, img.height, side, opts.scoreThreshold ?? 0.5);
  }
  /** 68 landmarks for each box, all faces in one batch; boxes whose crop is empty are dropped. */
  async landmarks(img, boxes) {
    const faces = boxes.map((box) => ({ box, crop: cropRect(box, img.width, img.height) })).filter((f) => f.crop.width > 0 && f.crop.height > 0);
    if (faces.length === 0) return [];
    const side = LANDMARK_INPUT;
    const plane = 3 * side * side;
    const batch = new Float32Array(faces.length * plane);
    faces.forEach((f, i) => batch.set(squareInput(img, f.crop, side, true, LANDMARK_MEAN_RGB), i * plane));
    const out = await run(this.landmarkNet, batch, [faces.length, 3, side, side]);
    return faces.map((f, i) => ({ ...f, landmarks: landmarksToImage(out.subarray(i * 136, (i + 1) * 136), f.crop) }));
  }
  /**
   * Every face of a photo, best score first: the boxes of each input size pooled, a box more than half
   * inside a better one dropped, then 68 landmarks for each.
   */
  async findFaces(img, s = FIND_FACES) {
    const boxes = [];
    for (const inputSize of s.inputSizes) boxes.push(...await this.detectFaces(img, { inputSize, scoreThreshold: s.scoreThreshold }));
    const keep = nonMaxSuppression(boxes.map((b) => [b.x, b.y, b.width, b.height]), boxes.map((b) => b.score), SAME_FACE, overlapOfSmaller);
    return this.landmarks(img, keep.map((i) => boxes[i]));
  }
  /** Detection at one input size, then landmarks for every face found. */
  async detect(img, opts = {}) {
    return this.landmarks(img, await this.detectFaces(img, opts));
  }
  dispose() {
    this.detector.dispose();
    this.landmarkNet.dispose();
  }
};

// ../main/node_modules/gl-matrix/esm/common.js
var EPSILON = 1e-6;
var ARRAY_TYPE = typeof Float32Array !== "undefined" ? Float32Array : Array;
var RANDOM = Math.random;
function round(a) {
  if (a >= 0) return Math.round(a);
  return a % 0.5 === 0 ? Math.floor(a) : Math.round(a);
}
var degree = Math.PI / 180;
var radian = 180 / Math.PI;

// ../main/node_modules/gl-matrix/esm/mat2d.js
var mat2d_exports = {};
__export(mat2d_exports, {
  add: () => add2,
  clone: () => clone,
  copy: () => copy2,
  create: () => create,
  determinant: () => determinant,
  equals: () => equals,
  exactEquals: () => exactEquals,
  frob: () => frob,
  fromRotation: () => fromRotation,
  fromScaling: () => fromScaling,
  fromTranslation: () => fromTranslation,
  fromValues: () => fromValues,
  identity: () => identity,
  invert: () => invert,
  mul: () => mul2,
  multiply: () => multiply,
  multiplyScalar: () => multiplyScalar,
  multiplyScalarAndAdd: () => multiplyScalarAndAdd,
  rotate: () => rotate,
  scale: () => scale2,
  set: () => set,
  str: () => str,
  sub: () => sub2,
  subtract: () => subtract,
  translate: () => translate
});
function create() {
  var out = new ARRAY_TYPE(6);
  if (ARRAY_TYPE != Float32Array) {
    out[1] = 0;
    out[2] = 0;
    out[4] = 0;
    out[5] = 0;
  }
  out[0] = 1;
  out[3] = 1;
  return out;
}
function clone(a) {
  var out = new ARRAY_TYPE(6);
  out[0] = a[0];
  out[1] = a[1];
  out[2] = a[2];
  out[3] = a[3];
  out[4] = a[4];
  out[5] = a[5];
  return out;
}
function copy2(out, a) {
  out[0] = a[0];
  out[1] = a[1];
  out[2] = a[2];
  out[3] = a[3];
  out[4] = a[4];
  out[5] = a[5];
  return out;
}
function identity(out) {
  out[0] = 1;
  out[1] = 0;
  out[2] = 0;
  out[3] = 1;
  out[4] = 0;
  out[5] = 0;
  return out;
}
function fromValues(a, b, c, d, tx, ty) {
  var out = new ARRAY_TYPE(6);
  out[0] = a;
  out[1] = b;
  out[2] = c;
  out[3] = d;
  out[4] = tx;
  out[5] = ty;
  return out;
}
function set(out, a, b, c, d, tx, ty) {
  out[0] = a;
  out[1] = b;
  out[2] = c;
  out[3] = d;
  out[4] = tx;
  out[5] = ty;
  return out;
}
function invert(out, a) {
  var aa = a[0], ab = a[1], ac = a[2], ad = a[3];
  var atx = a[4], aty = a[5];
  var det = aa * ad - ab * ac;
  if (!det) {
    return null;
  }
  det = 1 / det;
  out[0] = ad * det;
  out[1] = -ab * det;
  out[2] = -ac * det;
  out[3] = aa * det;
  out[4] = (ac * aty - ad * atx) * det;
  out[5] = (ab * atx - aa * aty) * det;
  return out;
}
function determinant(a) {
  return a[0] * a[3] - a[1] * a[2];
}
function multiply(out, a, b) {
  var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
  var b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5];
  out[0] = a0 * b0 + a2 * b1;
  out[1] = a1 * b0 + a3 * b1;
  out[2] = a0 * b2 + a2 * b3;
  out[3] = a1 * b2 + a3 * b3;
  out[4] = a0 * b4 + a2 * b5 + a4;
  out[5] = a1 * b4 + a3 * b5 + a5;
  return out;
}
function rotate(out, a, rad) {
  var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
  var s = Math.sin(rad);
  var c = Math.cos(rad);
  out[0] = a0 * c + a2 * s;
  out[1] = a1 * c + a3 * s;
  out[2] = a0 * -s + a2 * c;
  out[3] = a1 * -s + a3 * c;
  out[4] = a4;
  out[5] = a5;
  return out;
}
function scale2(out, a, v) {
  var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
  var v0 = v[0], v1 = v[1];
  out[0] = a0 * v0;
  out[1] = a1 * v0;
  out[2] = a2 * v1;
  out[3] = a3 * v1;
  out[4] = a4;
  out[5] = a5;
  return out;
}
function translate(out, a, v) {
  var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
  var v0 = v[0], v1 = v[1];
  out[0] = a0;
  out[1] = a1;
  out[2] = a2;
  out[3] = a3;
  out[4] = a0 * v0 + a2 * v1 + a4;
  out[5] = a1 * v0 + a3 * v1 + a5;
  return out;
}
function fromRotation(out, rad) {
  var s = Math.sin(rad), c = Math.cos(rad);
  out[0] = c;
  out[1] = s;
  out[2] = -s;
  out[3] = c;
  out[4] = 0;
  out[5] = 0;
  return out;
}
function fromScaling(out, v) {
  out[0] = v[0];
  out[1] = 0;
  out[2] = 0;
  out[3] = v[1];
  out[4] = 0;
  out[5] = 0;
  return out;
}
function fromTranslation(out, v) {
  out[0] = 1;
  out[1] = 0;
  out[2] = 0;
  out[3] = 1;
  out[4] = v[0];
  out[5] = v[1];
  return out;
}
function str(a) {
  return "mat2d(" + a[0] + ", " + a[1] + ", " + a[2] + ", " + a[3] + ", " + a[4] + ", " + a[5] + ")";
}
function frob(a) {
  return Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2] + a[3] * a[3] + a[4] * a[4] + a[5] * a[5] + 1);
}
function add2(out, a, b) {
  out[0] = a[0] + b[0];
  out[1] = a[1] + b[1];
  out[2] = a[2] + b[2];
  out[3] = a[3] + b[3];
  out[4] = a[4] + b[4];
  out[5] = a[5] + b[5];
  return out;
}
function subtract(out, a, b) {
  out[0] = a[0] - b[0];
  out[1] = a[1] - b[1];
  out[2] = a[2] - b[2];
  out[3] = a[3] - b[3];
  out[4] = a[4] - b[4];
  out[5] = a[5] - b[5];
  return out;
}
function multiplyScalar(out, a, b) {
  out[0] = a[0] * b;
  out[1] = a[1] * b;
  out[2] = a[2] * b;
  out[3] = a[3] * b;
  out[4] = a[4] * b;
  out[5] = a[5] * b;
  return out;
}
function multiplyScalarAndAdd(out, a, b, scale4) {
  out[0] = a[0] + b[0] * scale4;
  out[1] = a[1] + b[1] * scale4;
  out[2] = a[2] + b[2] * scale4;
  out[3] = a[3] + b[3] * scale4;
  out[4] = a[4] + b[4] * scale4;
  out[5] = a[5] + b[5] * scale4;
  return out;
}
function exactEquals(a, b) {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3] && a[4] === b[4] && a[5] === b[5];
}
function equals(a, b) {
  var a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5];
  var b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4], b5 = b[5];
  return Math.abs(a0 - b0) <= EPSILON * Math.max(1, Math.abs(a0), Math.abs(b0)) && Math.abs(a1 - b1) <= EPSILON * Math.max(1, Math.abs(a1), Math.abs(b1)) && Math.abs(a2 - b2) <= EPSILON * Math.max(1, Math.abs(a2), Math.abs(b2)) && Math.abs(a3 - b3) <= EPSILON * Math.max(1, Math.abs(a3), Math.abs(b3)) && Math.abs(a4 - b4) <= EPSILON * Math.max(1, Math.abs(a4), Math.abs(b4)) && Math.abs(a5 - b5) <= EPSILON * Math.max(1, Math.abs(a5), Math.abs(b5));
}
var mul2 = multiply;
var sub2 = subtract;

// ../main/node_modules/gl-matrix/esm/vec2.js
var vec2_exports = {};
__export(vec2_exports, {
  add: () => add3,
  angle: () => angle,
  ceil: () => ceil,
  clone: () => clone2,
  copy: () => copy3,
  create: () => create2,
  cross: () => cross,
  dist: () => dist,
  distance: () => distance,
  div: () => div,
  divide: () => divide,
  dot: () => dot,
  equals: () => equals2,
  exactEquals: () => exactEquals2,
  floor: () => floor,
  forEach: () => forEach,
  fromValues: () => fromValues2,
  inverse: () => inverse,
  len: () => len,
  length: () => length,
  lerp: () => lerp,
  max: () => max,
  min: () => min,
  mul: () => mul3,
  multiply: () => multiply2,
  negate: () => negate,
  normalize: () => normalize,
  random: () => random,
  rotate: () => rotate2,
  round: () => round2,
  scale: () => scale3,
  scaleAndAdd: () => scaleAndAdd,
  set: () => set2,
  signedAngle: () => signedAngle,
  sqrDist: () => sqrDist,
  sqrLen: () => sqrLen,
  squaredDistance: () => squaredDistance,
  squaredLength: () => squaredLength,
  str: () => str2,
  sub: () => sub3,
  subtract: () => subtract2,
  transformMat2: () => transformMat2,
  transformMat2d: () => transformMat2d,
  transformMat3: () => transformMat3,
  transformMat4: () => transformMat4,
  zero: () => zero
});
function create2() {
  var out = new ARRAY_TYPE(2);
  if (ARRAY_TYPE != Float32Array) {
    out[0] = 0;
    out[1] = 0;
  }
  return out;
}
function clone2(a) {
  var out = new ARRAY_TYPE(2);
  out[0] = a[0];
  out[1] = a[1];
  return out;
}
function fromValues2(x, y) {
  var out = new ARRAY_TYPE(2);
  out[0] = x;
  out[1] = y;
  return out;
}
function copy3(out, a) {
  out[0] = a[0];
  out[1] = a[1];
  return out;
}
function set2(out, x, y) {
  out[0] = x;
  out[1] = y;
  return out;
}
function add3(out, a, b) {
  out[0] = a[0] + b[0];
  out[1] = a[1] + b[1];
  return out;
}
function subtract2(out, a, b) {
  out[0] = a[0] - b[0];
  out[1] = a[1] - b[1];
  return out;
}
function multiply2(out, a, b) {
  out[0] = a[0] * b[0];
  out[1] = a[1] * b[1];
  return out;
}
function divide(out, a, b) {
  out[0] = a[0] / b[0];
  out[1] = a[1] / b[1];
  return out;
}
function ceil(out, a) {
  out[0] = Math.ceil(a[0]);
  out[1] = Math.ceil(a[1]);
  return out;
}
function floor(out, a) {
  out[0] = Math.floor(a[0]);
  out[1] = Math.floor(a[1]);
  return out;
}
function min(out, a, b) {
  out[0] = Math.min(a[0], b[0]);
  out[1] = Math.min(a[1], b[1]);
  return out;
}
function max(out, a, b) {
  out[0] = Math.max(a[0], b[0]);
  out[1] = Math.max(a[1], b[1]);
  return out;
}
function round2(out, a) {
  out[0] = round(a[0]);
  out[1] = round(a[1]);
  return out;
}
function scale3(out, a, b) {
  out[0] = a[0] * b;
  out[1] = a[1] * b;
  return out;
}
function scaleAndAdd(out, a, b, scale4) {
  out[0] = a[0] + b[0] * scale4;
  out[1] = a[1] + b[1] * scale4;
  return out;
}
function distance(a, b) {
  var x = b[0] - a[0], y = b[1] - a[1];
  return Math.sqrt(x * x + y * y);
}
function squaredDistance(a, b) {
  var x = b[0] - a[0], y = b[1] - a[1];
  return x * x + y * y;
}
function length(a) {
  var x = a[0], y = a[1];
  return Math.sqrt(x * x + y * y);
}
function squaredLength(a) {
  var x = a[0], y = a[1];
  return x * x + y * y;
}
function negate(out, a) {
  out[0] = -a[0];
  out[1] = -a[1];
  return out;
}
function inverse(out, a) {
  out[0] = 1 / a[0];
  out[1] = 1 / a[1];
  return out;
}
function normalize(out, a) {
  var x = a[0], y = a[1];
  var len2 = x * x + y * y;
  if (len2 > 0) {
    len2 = 1 / Math.sqrt(len2);
  }
  out[0] = a[0] * len2;
  out[1] = a[1] * len2;
  return out;
}
function dot(a, b) {
  return a[0] * b[0] + a[1] * b[1];
}
function cross(out, a, b) {
  var z = a[0] * b[1] - a[1] * b[0];
  out[0] = out[1] = 0;
  out[2] = z;
  return out;
}
function lerp(out, a, b, t) {
  var ax = a[0], ay = a[1];
  out[0] = ax + t * (b[0] - ax);
  out[1] = ay + t * (b[1] - ay);
  return out;
}
function random(out, scale4) {
  scale4 = scale4 === void 0 ? 1 : scale4;
  var r = RANDOM() * 2 * Math.PI;
  out[0] = Math.cos(r) * scale4;
  out[1] = Math.sin(r) * scale4;
  return out;
}
function transformMat2(out, a, m) {
  var x = a[0], y = a[1];
  out[0] = m[0] * x + m[2] * y;
  out[1] = m[1] * x + m[3] * y;
  return out;
}
function transformMat2d(out, a, m) {
  var x = a[0], y = a[1];
  out[0] = m[0] * x + m[2] * y + m[4];
  out[1] = m[1] * x + m[3] * y + m[5];
  return out;
}
function transformMat3(out, a, m) {
  var x = a[0], y = a[1];
  out[0] = m[0] * x + m[3] * y + m[6];
  out[1] = m[1] * x + m[4] * y + m[7];
  return out;
}
function transformMat4(out, a, m) {
  var x = a[0];
  var y = a[1];
  out[0] = m[0] * x + m[4] * y + m[12];
  out[1] = m[1] * x + m[5] * y + m[13];
  return out;
}
function rotate2(out, a, b, rad) {
  var p0 = a[0] - b[0], p1 = a[1] - b[1], sinC = Math.sin(rad), cosC = Math.cos(rad);
  out[0] = p0 * cosC - p1 * sinC + b[0];
  out[1] = p0 * sinC + p1 * cosC + b[1];
  return out;
}
function angle(a, b) {
  var ax = a[0], ay = a[1], bx = b[0], by = b[1];
  return Math.abs(Math.atan2(ay * bx - ax * by, ax * bx + ay * by));
}
function signedAngle(a, b) {
  var ax = a[0], ay = a[1], bx = b[0], by = b[1];
  return Math.atan2(ax * by - ay * bx, ax * bx + ay * by);
}
function zero(out) {
  out[0] = 0;
  out[1] = 0;
  return out;
}
function str2(a) {
  return "vec2(" + a[0] + ", " + a[1] + ")";
}
function exactEquals2(a, b) {
  return a[0] === b[0] && a[1] === b[1];
}
function equals2(a, b) {
  var a0 = a[0], a1 = a[1];
  var b0 = b[0], b1 = b[1];
  return Math.abs(a0 - b0) <= EPSILON * Math.max(1, Math.abs(a0), Math.abs(b0)) && Math.abs(a1 - b1) <= EPSILON * Math.max(1, Math.abs(a1), Math.abs(b1));
}
var len = length;
var sub3 = subtract2;
var mul3 = multiply2;
var div = divide;
var dist = distance;
var sqrDist = squaredDistance;
var sqrLen = squaredLength;
var forEach = (function() {
  var vec = create2();
  return function(a, stride, offset, count, fn, arg) {
    var i, l;
    if (!stride) {
      stride = 2;
    }
    if (!offset) {
      offset = 0;
    }
    if (count) {
      l = Math.min(count * stride + offset, a.length);
    } else {
      l = a.length;
    }
    for (i = offset; i < l; i += stride) {
      vec[0] = a[i];
      vec[1] = a[i + 1];
      fn(vec, vec, arg);
      a[i] = vec[0];
      a[i + 1] = vec[1];
    }
    return a;
  };
})();

// src/face/align.ts
function roundHalfEven(x) {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
function meanPoint(lm, from, to) {
  let x = 0, y = 0;
  for (let i = from; i < to; i++) {
    x += lm[2 * i];
    y += lm[2 * i + 1];
  }
  return [x / (to - from), y / (to - from)];
}
function alignment(lm) {
  const [lx, ly] = meanPoint(lm, 36, 42);
  const [rx, ry] = meanPoint(lm, 42, 48);
  const angleDeg = Math.atan2(ry - ly, rx - lx) * 180 / Math.PI;
  const center = [roundHalfEven((lx + rx) / 2), roundHalfEven((ly + ry) / 2)];
  const rad = angleDeg * (Math.PI / 180);
  const a = Math.cos(rad), b = Math.sin(rad);
  const [cx, cy] = center;
  const matrix = mat2d_exports.set(new Float64Array(6), a, -b, b, a, (1 - a) * cx - b * cy, b * cx + (1 - a) * cy);
  return { angleDeg, center, matrix };
}
function matrixRows(m) {
  return Float64Array.of(m[0], m[2], m[4], m[1], m[3], m[5]);
}
function transformPoints(pts, m) {
  const out = new Float64Array(pts.length);
  const p = new Float64Array(2);
  for (let i = 0; i < pts.length; i += 2) {
    vec2_exports.transformMat2d(p, [pts[i], pts[i + 1]], m);
    out[i] = p[0];
    out[i + 1] = p[1];
  }
  return out;
}
function invertAffine(m) {
  const [m0, m1, m2, m3, m4, m5] = matrixRows(m);
  let d = m0 * m4 - m1 * m3;
  d = d !== 0 ? 1 / d : 0;
  const a11 = m4 * d, a22 = m0 * d, a12 = -m1 * d, a21 = -m3 * d;
  return Float64Array.of(a11, a12, -a11 * m2 - a12 * m5, a21, a22, -a21 * m2 - a22 * m5);
}
var f322 = Math.fround;
function warpAffine(img, m, box = [0, 0, img.width, img.height]) {
  const { height: h, width: w, data: src } = img;
  const [l, t, r, b] = box;
  if (b <= t || r <= l) throw new Error(`empty box [${box}]`);
  const ow = r - l;
  const [i00, i01, i02, i10, i11, i12] = invertAffine(m);
  const out = new Uint8Array((b - t) * ow * 3);
  const a00 = f322(i00), a10 = f322(i10);
  const tap = (y, x, c) => y >= 0 && y < h && x >= 0 && x < w ? src[(y * w + x) * 3 + c] : 0;
  for (let y = Math.max(0, t); y < Math.min(h, b); y++) {
    const bx = f322(y * i01 + i02), by = f322(y * i11 + i12);
    for (let x = Math.max(0, l); x < Math.min(w, r); x++) {
      const sx = f322(a00 * x + bx), sy = f322(a10 * x + by);
      const ix = Math.floor(sx), iy = Math.floor(sy);
      if (ix < -1 || iy < -1 || ix >= w || iy >= h) continue;
      const al = sx - ix, be = sy - iy;
      const o = ((y - t) * ow + (x - l)) * 3;
      for (let c = 0; c < 3; c++) {
        const p00 = tap(iy, ix, c), p01 = tap(iy, ix + 1, c), p10 = tap(iy + 1, ix, c), p11 = tap(iy + 1, ix + 1, c);
        const t0 = f322(p00 + f322(al * (p01 - p00)));
        const t1 = f322(p10 + f322(al * (p11 - p10)));
        const v = f322(t0 + f322(be * f322(t1 - t0)));
        out[o + c] = Math.min(255, Math.max(0, roundHalfEven(v)));
      }
    }
  }
  return { data: out, height: b - t, width: ow };
}
function cropBox(lm) {
  const e = meanPoint(lm, 36, 48).map(Math.trunc);
  const l = meanPoint(lm, 48, 68).map(Math.trunc);
  const d = l[1] - e[1];
  const top = e[1] - d * 30 / 35;
  const bottom = l[1] + d;
  const w = bottom - top;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < LANDMARKS; i++) {
    lo = Math.min(lo, lm[2 * i]);
    hi = Math.max(hi, lm[2 * i]);
  }
  const xc = (lo + hi) / 2;
  return [Math.trunc(xc - w / 2), Math.trunc(top), Math.trunc(xc + w / 2), Math.trunc(bottom)];
}
function resizeTaps(n, out) {
  const t = { s: new Int32Array(out), c0: new Int32Array(out), c1: new Int32Array(out) };
  const scale4 = n / out;
  for (let d = 0; d < out; d++) {
    let f = f322((d + 0.5) * scale4 - 0.5);
    let s = Math.floor(f);
    f -= s;
    if (s < 0) s = 0, f = 0;
    if (s >= n - 1) s = n - 1, f = 0;
    t.s[d] = s;
    t.c0[d] = roundHalfEven(f322(1 - f) * 2048);
    t.c1[d] = roundHalfEven(f * 2048);
  }
  return t;
}
function resizeLinear(img, outH = FACE_SIZE, outW = FACE_SIZE) {
  const { height: h, width: w, data: src } = img;
  const tx = resizeTaps(w, outW), ty = resizeTaps(h, outH);
  const rows = /* @__PURE__ */ new Map();
  const row = (y) => {
    let r = rows.get(y);
    if (!r) {
      r = new Int32Array(outW * 3);
      for (let d = 0; d < outW; d++) {
        const s0 = tx.s[d], s1 = Math.min(s0 + 1, w - 1);
        for (let c = 0; c < 3; c++) r[d * 3 + c] = src[(y * w + s0) * 3 + c] * tx.c0[d] + src[(y * w + s1) * 3 + c] * tx.c1[d];
      }
      rows.set(y, r);
    }
    return r;
  };
  const out = new Uint8Array(outH * outW * 3);
  for (let d = 0; d < outH; d++) {
    const s0 = ty.s[d];
    const r0 = row(s0), r1 = row(Math.min(s0 + 1, h - 1));
    const b0 = ty.c0[d], b1 = ty.c1[d];
    for (let i = 0; i < outW * 3; i++) {
      const v = ((r0[i] >> 4) * b0 >> 16) + ((r1[i] >> 4) * b1 >> 16);
      out[d * outW * 3 + i] = Math.min(255, Math.max(0, v + 2 >> 2));
    }
  }
  return { data: out, height: outH, width: outW };
}
function alignFace(img, lm, size = FACE_SIZE) {
  if (lm.length !== LANDMARKS * 2) throw new Error(`alignFace: ${lm.length / 2} landmarks, expected ${LANDMARKS}`);
  const al = alignment(lm);
  const alignedLandmarks = transformPoints(lm, al.matrix);
  const box = cropBox(alignedLandmarks);
  const cropped = warpAffine(img, al.matrix, box);
  const landmarks = new Float64Array(alignedLandmarks.length);
  for (let i = 0; i < landmarks.length; i += 2) {
    landmarks[i] = (alignedLandmarks[i] - box[0]) * size / cropped.width;
    landmarks[i + 1] = (alignedLandmarks[i + 1] - box[1]) * size / cropped.height;
  }
  return { ...al, alignedLandmarks, box, crop: cropped, face: resizeLinear(cropped, size, size), landmarks };
}

// src/face/landmarks.ts
function parseLandmarks(text, file = "landmarks") {
  const out = new Float64Array(LANDMARKS * 2);
  let n = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === "") return;
    const parts = t.split(/[\s,]+/);
    const where = `${file}:${i + 1}`;
    if (parts.length !== 2) throw new Error(`${where}: expected "x y", got ${JSON.stringify(t.slice(0, 60))}`);
    if (n === LANDMARKS) throw new Error(`${where}: more than ${LANDMARKS} landmarks`);
    for (const [k, s] of parts.entries()) {
      const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(v)) throw new Error(`${where}: ${JSON.stringify(s)} is not a finite number`);
      out[2 * n + k] = v;
    }
    n++;
  });
  if (n !== LANDMARKS) throw new Error(`${file}: ${n} landmarks, expected ${LANDMARKS}`);
  return out;
}

// src/safetensors/tensors.ts
var tensorsOf = (named) => named instanceof Map ? [...named] : Object.entries(named);
var tensors = (n) => n === 1 ? "tensor" : "tensors";
var listKeys = (keys) => keys.slice(0, 5).map(quote).join(", ") + (keys.length > 5 ? ` and ${keys.length - 5} more` : "");
function loadNamedTensors(entries, targets, opts = {}) {
  const source = opts.source ?? "safetensors input";
  const list = tensorsOf(targets);
  const missing = list.filter(([k]) => !entries.has(k)).map(([k]) => k);
  if (missing.length && !opts.allowMissing) fail(source, `${missing.length} ${tensors(missing.length)} ${missing.length === 1 ? "is" : "are"} missing: ${listKeys(missing)}`, "it holds another model's weights: load a file saved from this model");
  const wanted = new Set(list.map(([k]) => k));
  const unexpected = [...entries.keys()].filter((k) => !wanted.has(k));
  if (unexpected.length && !opts.allowUnexpected) fail(source, `${unexpected.length} unexpected ${tensors(unexpected.length)}: ${listKeys(unexpected)}`, "it holds another model's weights: load a file saved from this model");
  const work = [];
  for (const [k, t] of list) {
    const e = entries.get(k);
    if (!e) continue;
    if (e.shape.length !== t.shape.length || e.shape.some((d, i) => d !== t.shape[i])) {
      fail(source, `tensor ${quote(k)} has shape ${showShape(e.shape)} but the target has ${showShape(t.shape)}`, "load a file saved from the same architecture");
    }
    if (t.dtype === "i32" && FLOAT_DTYPES.has(e.dtype)) fail(source, `tensor ${quote(k)} is ${e.dtype} but the target is an i32 tensor`, "store integer data with an integer dtype");
    work.push([k, t, e]);
  }
  const data = work.map(([k, t, e]) => t.dtype === "f32" ? toFloat32(e) : toInt32(e, `${source}: tensor ${quote(k)}`));
  work.forEach(([, t], i) => t.write(data[i]));
}

// src/nn/init.ts
function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = a + 1831565813 >>> 0;
    let t = a;
    t = Math.imul(t ^ t >>> 15, t | 1);
    t ^= t + Math.imul(t ^ t >>> 7, t | 61);
    return ((t ^ t >>> 14) >>> 0) / 4294967296;
  };
}
function uniform(rand, n, bound) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rand() - 1) * bound;
  return out;
}
function normal(rand, n, std) {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const th = 2 * Math.PI * rand();
    out[i] = r * Math.cos(th) * std;
    if (i + 1 < n) out[i + 1] = r * Math.sin(th) * std;
  }
  return out;
}

// src/nn/module.ts
var Module = class {
  training = true;
  params = /* @__PURE__ */ new Map();
  buffers = /* @__PURE__ */ new Map();
  children = /* @__PURE__ */ new Map();
  /** Registers a trainable tensor (kept across scopes, requires grad). */
  param(name, t) {
    t.keep().requiresGrad = true;
    t.name = name;
    this.params.set(name, t);
    return t;
  }
  /** Registers persistent non-trainable state (e.g. BatchNorm running statistics). */
  buffer(name, t) {
    t.keep().name = name;
    this.buffers.set(name, t);
    return t;
  }
  child(name, m) {
    this.children.set(name, m);
    return m;
  }
  /** Direct children in registration order (for containers and visitors). */
  namedChildren() {
    return new Map(this.children);
  }
  namedParameters(prefix = "") {
    const out = /* @__PURE__ */ new Map();
    this.visit(prefix, (p, m) => m.params.forEach((t, k) => out.set(p + k, t)));
    return out;
  }
  /** Parameters and buffers by full name, in PyTorch state_dict order. */
  stateTensors(prefix = "") {
    const out = /* @__PURE__ */ new Map();
    this.visit(prefix, (p, m) => {
      m.params.forEach((t, k) => out.set(p + k, t));
      m.buffers.forEach((t, k) => out.set(p + k, t));
    });
    return out;
  }
  parameters() {
    return [...this.namedParameters().values()];
  }
  train(mode = true) {
    this.visit("", (_, m) => m.training = mode);
    return this.stateChanged();
  }
  /**
   * Drops what modules derive from their parameters (inference caches such as folded weights). Mode
   * changes and checkpoint loads call it; call it after writing parameters in place in eval mode.
   */
  stateChanged() {
    this.visit("", (_, m) => m.dropDerived());
    return this;
  }
  /** Overridden by modules that cache tensors derived from parameters. */
  dropDerived() {
  }
  eval() {
    return this.train(false);
  }
  /** Releases every parameter, gradient and buffer. */
  dispose() {
    this.stateChanged();
    this.visit("", (_, m) => {
      for (const t of [...m.params.values(), ...m.buffers.values()]) {
        t.grad?.dispose();
        t.dispose();
      }
    });
  }
  visit(prefix, fn) {
    fn(prefix, this);
    this.children.forEach((c, k) => c.visit(`${prefix}${k}.`, fn));
  }
};

// src/nn/layers.ts
var Conv2d = class extends Module {
  constructor(inC, outC, k, opts) {
    super();
    this.inC = inC;
    this.outC = outC;
    this.k = k;
    this.opts = opts;
    const groups = opts.groups ?? 1;
    const fanIn = inC / groups * k * k;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.param("weight", Tensor.from(uniform(opts.rand, outC * fanIn, bound), [outC, inC / groups, k, k]));
    this.bias = opts.bias ? this.param("bias", Tensor.from(uniform(opts.rand, outC, bound), [outC])) : null;
  }
  inC;
  outC;
  k;
  opts;
  weight;
  bias;
  forward(x) {
    return conv2d(x, this.weight, this.bias, this.opts);
  }
};
var ConvTranspose2d = class extends Module {
  constructor(inC, outC, k, opts) {
    super();
    this.opts = opts;
    const bound = 1 / Math.sqrt(outC * k * k);
    this.weight = this.param("weight", Tensor.from(uniform(opts.rand, inC * outC * k * k, bound), [inC, outC, k, k]));
    this.bias = opts.bias ? this.param("bias", Tensor.from(uniform(opts.rand, outC, bound), [outC])) : null;
  }
  opts;
  weight;
  bias;
  forward(x) {
    return convTranspose2d(x, this.weight, this.bias, { stride: this.opts.stride, padding: this.opts.padding });
  }
};
var BatchNorm2d = class extends Module {
  constructor(channels, eps = 1e-5, momentum = 0.1) {
    super();
    this.channels = channels;
    this.eps = eps;
    this.momentum = momentum;
    this.weight = this.param("weight", fill([channels], 1));
    this.bias = this.param("bias", fill([channels], 0));
    this.runningMean = this.buffer("running_mean", fill([channels], 0));
    this.runningVar = this.buffer("running_var", fill([channels], 1));
  }
  channels;
  eps;
  momentum;
  weight;
  bias;
  runningMean;
  runningVar;
  /** PyTorch's num_batches_tracked (kept on the host; it only counts train-mode forwards). */
  numBatchesTracked = 0;
  forward(x) {
    if (this.training) this.numBatchesTracked++;
    return batchNorm2d(x, this.weight, this.bias, this.runningMean, this.runningVar, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps
    });
  }
};
var Linear = class extends Module {
  weight;
  bias;
  constructor(inF, outF, rand, bias = true) {
    super();
    const bound = 1 / Math.sqrt(inF);
    this.weight = this.param("weight", Tensor.from(uniform(rand, outF * inF, bound), [outF, inF]));
    this.bias = bias ? this.param("bias", Tensor.from(uniform(rand, outF, bound), [outF])) : null;
  }
  forward(x) {
    return linear(x, this.weight, this.bias);
  }
};

// src/model/blocks.ts
var inferenceFusion = { enabled: true };
var fusing = (m) => inferenceFusion.enabled && !m.training && !isGradEnabled();
var FoldedWeights = class {
  cache = /* @__PURE__ */ new Map();
  get(c, bn) {
    if (!bn) return [c.weight, c.bias];
    let f = this.cache.get(c);
    if (!f) {
      f = foldBatchNorm(c.weight, c.bias, bn.weight, bn.bias, bn.runningMean, bn.runningVar, bn.eps);
      for (const t of f) t.keep();
      this.cache.set(c, f);
    }
    return f;
  }
  clear() {
    for (const f of this.cache.values()) for (const t of f) t.dispose();
    this.cache.clear();
  }
};
function fusedConv(x, folded, c, bn, act) {
  const [w, b] = folded.get(c, bn);
  return conv2d(x, w, b, { ...c.opts, ...act ? { activation: act } : {} });
}
var Sequential = class extends Module {
  constructor(layers) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.child(String(i), l));
  }
  layers;
  folded = new FoldedWeights();
  forward(x) {
    return scope(() => fusing(this) ? this.fusedForward(x) : this.layers.reduce((h, l) => l.forward(h), x));
  }
  /** Each Conv2d with the BatchNorm2d and Activation right after it, if any, as one kernel. */
  fusedForward(x) {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      const c = this.layers[i];
      if (!(c instanceof Conv2d)) {
        h = c.forward(h);
        continue;
      }
      const bn = this.layers[i + 1] instanceof BatchNorm2d ? this.layers[++i] : null;
      const act = this.layers[i + 1] instanceof Activation ? this.layers[++i].kind : void 0;
      h = fusedConv(h, this.folded, c, bn, act);
    }
    return h;
  }
  dropDerived() {
    this.folded.clear();
  }
};
var Activation = class extends Module {
  constructor(kind) {
    super();
    this.kind = kind;
  }
  kind;
  forward(x) {
    return this.kind === "relu6" ? relu6(x) : relu(x);
  }
};
var Upsample2x = class extends Module {
  forward(x) {
    return upsampleBilinear2x(x);
  }
};
var TrackedBatchNorm2d = class extends BatchNorm2d {
  batchesTracked;
  constructor(channels) {
    super(channels);
    this.batchesTracked = this.buffer("num_batches_tracked", Tensor.from([0], [], "i32"));
  }
};
function conv(inC, outC, k, init, opts = {}) {
  const c = new Conv2d(inC, outC, k, { ...opts, rand: init.rand });
  if (init.kaiming) c.weight.write(normal(init.rand, c.weight.size, Math.sqrt(2 / (outC * k * k))));
  return c;
}
var ConvBNAct = class extends Sequential {
  constructor(inC, outC, k, opts) {
    const c = conv(inC, outC, k, opts, { stride: opts.stride ?? 1, padding: k - 1 >> 1, groups: opts.groups ?? 1 });
    super([c, new TrackedBatchNorm2d(outC), new Activation(opts.act)]);
  }
};
var InvertedResidual = class extends Module {
  residual;
  conv;
  constructor(inC, outC, stride, expand, init) {
    super();
    const hidden = inC * expand;
    const layers = expand === 1 ? [] : [new ConvBNAct(inC, hidden, 1, { ...init, act: "relu6" })];
    layers.push(
      new ConvBNAct(hidden, hidden, 3, { ...init, act: "relu6", stride, groups: hidden }),
      conv(hidden, outC, 1, init),
      new TrackedBatchNorm2d(outC)
    );
    this.conv = this.child("conv", new Sequential(layers));
    this.residual = stride === 1 && inC === outC;
  }
  forward(x) {
    return this.residual ? scope(() => add(x, this.conv.forward(x))) : this.conv.forward(x);
  }
};
var BasicBlock = class extends Module {
  constructor(channels, stride, rand) {
    super();
    this.stride = stride;
    this.conv1 = this.child("conv1", new Conv2d(channels, channels, 3, { stride, padding: 1, rand }));
    this.bn1 = this.child("bn1", new TrackedBatchNorm2d(channels));
    this.conv2 = this.child("conv2", new Conv2d(channels, channels, 3, { padding: 1, rand }));
    this.bn2 = this.child("bn2", new TrackedBatchNorm2d(channels));
  }
  stride;
  folded = new FoldedWeights();
  conv1;
  bn1;
  conv2;
  bn2;
  forward(x) {
    return scope(() => {
      const fuse = fusing(this);
      const h = fuse ? fusedConv(x, this.folded, this.conv1, this.bn1, "relu") : relu(this.bn1.forward(this.conv1.forward(x)));
      const y = fuse ? fusedConv(h, this.folded, this.conv2, this.bn2, void 0) : this.bn2.forward(this.conv2.forward(h));
      return relu(add(y, this.stride === 2 ? maxPool2d(x, { kernel: 2, stride: 2 }) : x));
    });
  }
  dropDerived() {
    this.folded.clear();
  }
};
var Decoder = class extends Module {
  up;
  convRelu;
  constructor(inC, midC, outC, rand) {
    super();
    this.up = this.child("up", new ConvTranspose2d(inC, outC, 4, { stride: 2, padding: 1, bias: true, rand }));
    this.convRelu = this.child("conv_relu", new Sequential([new Conv2d(midC, outC, 3, { padding: 1, bias: true, rand }), new Activation("relu")]));
  }
  forward(x, skip) {
    return scope(() => this.convRelu.forward(concat([this.up.forward(x), skip])));
  }
};

// src/model/checkpoint.ts
var IGNORED_PREFIX = "attention_branch.base_model.";
var OPTIM_PREFIX = "optim.";
var MIN_IMAGE_SIZE = 32;
var MAX_IMAGE_SIZE = 224;
var IMAGE_SIZES = `a multiple of 16 from ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE}`;
var isImageSize = (size) => typeof size === "number" && Number.isInteger(size) && size % 16 === 0 && size >= MIN_IMAGE_SIZE && size <= MAX_IMAGE_SIZE;
function checkpointImageSize(metadata) {
  let size;
  if (metadata.image_size !== void 0) size = /^\s*\d+\s*$/.test(metadata.image_size) ? Number(metadata.image_size) : metadata.image_size;
  else {
    try {
      size = JSON.parse(metadata.state ?? "").config?.imageSize;
    } catch {
      return void 0;
    }
  }
  if (size === void 0 || isImageSize(size)) return size;
  throw new Error(`its metadata records image_size ${JSON.stringify(size)}, which is not ${IMAGE_SIZES}`);
}
function namedModules(root, prefix = "") {
  const out = /* @__PURE__ */ new Map([[prefix, root]]);
  for (const [name, m] of root.namedChildren()) namedModules(m, `${prefix}${name}.`).forEach((v, k) => out.set(k, v));
  return out;
}
function trackedBatchNorms(model) {
  return [...namedModules(model)].filter((e) => e[1] instanceof TrackedBatchNorm2d);
}
function checkFloatEntries(model, entries, source) {
  for (const [k, t] of model.stateTensors()) {
    const e = entries.get(k);
    if (!e || t.dtype !== "f32") continue;
    if (!FLOAT_DTYPES.has(e.dtype)) fail(source, `tensor ${quote(k)} is ${e.dtype}, but it holds floating-point weights`, "the file is damaged or holds another model: load a checkpoint saved by train.js");
    const v = toFloat32(e);
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(source, `tensor ${quote(k)} holds ${v[bad]} at index ${bad}`, "the training run that wrote it diverged: load an earlier checkpoint, or train again with a lower --lr");
  }
}
function loadStateEntries(model, entries, opts = {}) {
  const used = new Map([...entries].filter(([k]) => !k.startsWith(IGNORED_PREFIX) && !k.startsWith(OPTIM_PREFIX)));
  checkFloatEntries(model, used, opts.source ?? "checkpoint");
  loadNamedTensors(used, model.stateTensors(), opts);
  for (const [prefix, bn] of trackedBatchNorms(model)) {
    const e = used.get(`${prefix}num_batches_tracked`);
    if (e) bn.numBatchesTracked = toFloat64(e)[0];
  }
  model.stateChanged();
}

// src/model/oaenet.ts
var STACK = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1]
];
var MobileNetFeatures = class extends Module {
  features;
  constructor(layers) {
    super();
    this.features = this.child("features", new Sequential(layers));
  }
  forward(x) {
    return this.features.forward(x);
  }
};
function maintenanceBranch(init) {
  return new MobileNetFeatures([
    new ConvBNAct(3, 32, 3, { ...init, act: "relu6", stride: 2 }),
    new InvertedResidual(32, 16, 1, 1, init),
    new InvertedResidual(16, 24, 2, 6, init),
    new InvertedResidual(24, 24, 1, 6, init),
    new ConvBNAct(24, 32, 1, { ...init, act: "relu6" })
  ]);
}
function stackBlock(init) {
  const layers = [];
  let inC = 32;
  for (const [t, c, n, s] of STACK) {
    for (let i = 0; i < n; i++) {
      layers.push(new InvertedResidual(inC, c, i === 0 ? s : 1, t, init));
      inC = c;
    }
  }
  layers.push(new ConvBNAct(inC, 1280, 1, { ...init, act: "relu6" }));
  return new MobileNetFeatures(layers);
}
var AttentionBranch = class extends Module {
  layer1;
  layer2;
  layer3;
  resblock;
  layer4;
  layer5;
  layer6;
  decode1;
  decode0;
  convLast;
  constructor(rand) {
    super();
    const init = { rand, act: "relu" };
    this.layer1 = this.child("layer1", new ConvBNAct(3, 64, 7, { ...init, stride: 2 }));
    this.layer2 = this.child("layer2", new ConvBNAct(64, 128, 4, { ...init, stride: 2 }));
    this.layer3 = this.child("layer3", new ConvBNAct(128, 256, 4, { ...init, stride: 2 }));
    this.resblock = this.child("resblock", new Sequential(Array.from({ length: 6 }, (_, i) => new BasicBlock(256, i === 0 ? 2 : 1, rand))));
    this.layer4 = this.child("layer4", new Decoder(256, 384, 128, rand));
    this.layer5 = this.child("layer5", new Decoder(128, 192, 64, rand));
    this.layer6 = this.child("layer6", new ConvBNAct(64, 32, 1, init));
    this.decode1 = this.child("decode1", new Decoder(32, 96, 32, rand));
    this.decode0 = this.child("decode0", new Sequential([
      new Upsample2x(),
      new Conv2d(32, 32, 3, { padding: 1, rand }),
      new Conv2d(32, 32, 3, { padding: 1, rand })
    ]));
    this.convLast = this.child("conv_last", new Conv2d(32, 2, 1, { bias: true, rand }));
  }
  /** x_a [N, 32, S/4, S/4]; seg_out [N, 2, S, S] in train mode only. */
  forward(x) {
    return scope(() => {
      const e1 = this.layer1.forward(x);
      const e2 = this.layer2.forward(e1);
      const e3 = this.layer3.forward(e2);
      const d4 = this.layer4.forward(this.resblock.forward(e3), e3);
      const out = this.layer6.forward(this.layer5.forward(d4, e2));
      const segOut = this.training ? this.convLast.forward(this.decode0.forward(this.decode1.forward(out, e1))) : null;
      return { out, segOut };
    });
  }
};
var OAENet = class extends Module {
  numClasses;
  inputSize;
  maintenance;
  attention;
  backbone;
  classifier;
  constructor(opts = {}) {
    super();
    this.numClasses = opts.numClasses ?? 7;
    this.inputSize = opts.inputSize ?? 224;
    if (!Number.isInteger(this.numClasses) || this.numClasses < 1) throw new Error(`OAENet: numClasses must be a positive integer, got ${this.numClasses}`);
    if (!Number.isInteger(this.inputSize) || this.inputSize < 16 || this.inputSize % 16) {
      throw new Error(`OAENet: inputSize must be a positive multiple of 16 (the decoders' skip connections must align), got ${this.inputSize}`);
    }
    const rand = seededRandom(opts.seed ?? 0);
    const mobilenet = { rand, kaiming: true };
    this.maintenance = this.child("maintenance_branch", maintenanceBranch(mobilenet));
    this.attention = this.child("attention_branch", new AttentionBranch(rand));
    this.backbone = this.child("backbone", stackBlock(mobilenet));
    this.classifier = this.child("classifier", new Linear(1280, this.numClasses, rand));
  }
  /**
   * image, attnInput: [N, 3, S, S] with S = inputSize (the normalised face and masked face). Use noGrad()
   * for inference. `taps`, when given, receives the branch outputs, the stack block's output and the pooled
   * feature; those tensors then belong to the caller, like the outputs.
   */
  forward(image, attnInput, taps) {
    this.checkInput(image, "image");
    this.checkInput(attnInput, "attnInput");
    if (attnInput.shape[0] !== image.shape[0]) throw new Error(`OAENet: image ${image} and attnInput ${attnInput} differ in batch size`);
    const { out, tapped } = scope(() => {
      const xm = this.maintenance.forward(image);
      const { out: xa, segOut } = this.attention.forward(attnInput);
      const features = this.backbone.forward(fusion(xm, xa));
      const pooled = reshape(globalAvgPool(features), features.shape.slice(0, 2));
      const logits = this.classifier.forward(pooled);
      const out2 = this.training ? { logits, pooled, segOut } : { logits };
      return { out: out2, tapped: taps ? { maintenanceOut: xm, attentionOut: xa, backboneOut: features, pooled } : null };
    });
    if (taps) Object.assign(taps, tapped);
    return out;
  }
  checkInput(x, what) {
    const s = this.inputSize;
    const [n, c, h, w] = x.shape;
    if (x.shape.length !== 4 || !(n >= 1) || c !== 3 || h !== s || w !== s || x.dtype !== "f32") {
      throw new Error(`OAENet: ${what} must be an f32 [N, 3, ${s}, ${s}] tensor (inputSize ${s}), got ${x}`);
    }
  }
};

// src/kernels/launchers/resize.ts
var kernels13 = {
  bilinear: kernel({
    shader: "resize",
    params: { planes: "u32", h: "u32", w: "u32", ho: "u32", wo: "u32", sy: "f32", sx: "f32" },
    reads: ["x"],
    writes: ["y"],
    overrides: ["WG"]
  })
};
function resizeBilinear(x, ho, wo) {
  const [h, w] = x.shape.slice(-2);
  const planes = x.size / (h * w);
  const y = Tensor.empty([...x.shape.slice(0, -2), ho, wo]);
  launch1d(kernels13.bilinear, planes * ho * wo, { x }, { y }, { planes, h, w, ho, wo, sy: h / ho, sx: w / wo });
  return y;
}

// src/face/mask/float64.ts
function f64Words(x) {
  const w = new Uint32Array(Float64Array.of(x).buffer);
  return [w[0], w[1]];
}
function float64Words(words2) {
  return new Float64Array(words2.buffer, words2.byteOffset, words2.length / 2);
}

// src/face/image.ts
var NET_MEAN = 0.456;
var NET_STD = 0.225;
function normalizeScaled(t) {
  return Math.fround(Math.fround(t - NET_MEAN) / NET_STD);
}
function netInput(c, m = 1) {
  return normalizeScaled(Math.fround(Math.fround(c * m) / 255));
}
function netImageTable() {
  return Float32Array.from({ length: 256 }, (_, c) => netInput(c));
}

// src/kernels/launchers/mask_correlate.ts
var params7 = { n: "u32", eps: "vec2u", inv7: "vec2u", mean: "vec2u", sd: "vec2u" };
var kernels14 = {
  correlate: kernel({ shader: "mask_correlate", entry: "correlate", params: params7, reads: ["totals"], writes: ["rho", "hog"], overrides: ["WG"] }),
  bands: kernel({ shader: "mask_correlate", entry: "bands", params: params7, reads: ["rho_in"], writes: ["table"], overrides: ["WG"] })
};
var constants = { eps: f64Words(1e-5), inv7: f64Words(1 / 7), mean: f64Words(NET_MEAN), sd: f64Words(NET_STD) };
function correlate(totals) {
  const n = totals.shape[0];
  const rho = Tensor.empty([n, 4, 2], "i32");
  const hog = Tensor.empty([n, CELLS, BINS]);
  launch1d(kernels14.correlate, n * 4, { totals }, { rho, hog }, { n, ...constants });
  return { rho, hog };
}
function bandTables(rho) {
  const n = rho.shape[0];
  const table = Tensor.empty([n, 4, 257]);
  launch1d(kernels14.bands, n * 4 * 257, { rho_in: rho }, { table }, { n, ...constants });
  return table;
}

// src/kernels/launchers/mask_histograms.ts
var kernels15 = {
  histograms: kernel({ shader: "mask_histograms", params: { n: "u32" }, reads: ["codes"], writes: ["totals"], overrides: ["WG"] })
};
var WG = 32;
function hogTotals(codes) {
  const n = codes.shape[0];
  const totals = Tensor.empty([n, CELLS, BINS]);
  launch1d(kernels15.histograms, n * CELLS * BINS, { codes }, { totals }, { n }, { WG });
  return totals;
}

// src/kernels/launchers/mask_paint.ts
var kernels16 = {
  paint: kernel({ shader: "mask_paint", params: { n: "u32" }, reads: ["faces", "marks", "bands", "fixed"], writes: ["mask", "image", "attn"], overrides: ["WG", "COLUMNS"] })
};
function paintMask(faces, marks, bands, fixed, columns) {
  const n = bands.shape[0];
  const mask = Tensor.empty([n, FACE_SIZE, FACE_SIZE]);
  const image = Tensor.empty([n, 3, FACE_SIZE, FACE_SIZE]);
  const attn = Tensor.empty([n, 3, FACE_SIZE, FACE_SIZE]);
  launch1d(kernels16.paint, n * FACE_SIZE * (FACE_SIZE / 4), { faces, marks, bands, fixed }, { mask, image, attn }, { n }, { COLUMNS: columns ? 1 : 0 });
  return { mask, image, attn };
}

// src/kernels/launchers/mask_gradients.ts
var kernels17 = {
  gradients: kernel({ shader: "mask_gradients", params: { n: "u32" }, reads: ["faces", "roots"], writes: ["codes"], overrides: ["WG", "SOBEL"] })
};
function gradientCodes(faces, roots2, sobel) {
  const n = faces.shape[0];
  if (faces.size * 4 !== n * FACE_SIZE * FACE_SIZE * 3) throw new Error(`hogGradients: [${faces.shape}] is not ${n} packed faces of ${FACE_SIZE}\xD7${FACE_SIZE}\xD73 bytes (see packFaces)`);
  const codes = Tensor.empty([n, FACE_SIZE, FACE_SIZE, 2], "i32");
  launch1d(kernels17.gradients, n * FACE_SIZE * (FACE_SIZE / 4), { faces, roots: roots2 }, { codes }, { n }, { SOBEL: sobel ? 1 : 0 });
  return codes;
}

// src/face/mask/gradients.ts
var MAX_SQUARE = { centred: 2 * 255 ** 2, sobel: 2 * 1020 ** 2 };
function magnitudeTable(kind) {
  const max2 = MAX_SQUARE[kind];
  const out = new Uint32Array(2 * (max2 + 1));
  const scale4 = kind === "sobel" ? 2 ** 18 : 2 ** 20;
  for (let s = 1; s <= max2; s++) {
    const v = Math.sqrt(s) * scale4;
    const hi = Math.floor(v);
    out[2 * s] = (v - hi) * 2 ** 32;
    out[2 * s + 1] = hi;
  }
  return out;
}
var tables = /* @__PURE__ */ new WeakMap();
function roots(kind) {
  let byKind = tables.get(gpu());
  if (!byKind) tables.set(gpu(), byKind = {});
  let t = byKind[kind];
  if (!t) {
    const data = magnitudeTable(kind);
    t = Tensor.empty([data.length / 2, 2], "i32").keep();
    gpu().write(t.buf, data);
    byKind[kind] = t;
  }
  return t;
}
function hogGradients(faces, kind = "centred") {
  return gradientCodes(faces, roots(kind), kind === "sobel");
}

// src/face/mask/mask.ts
function packFaces(faces) {
  const bytes = FACE_SIZE * FACE_SIZE * 3;
  const all = new Uint8Array(faces.length * bytes);
  faces.forEach((f, i) => {
    if (f.length !== bytes) throw new Error(`packFaces: face ${i} has ${f.length} bytes, expected ${bytes} (224\xD7224\xD73)`);
    all.set(f, i * bytes);
  });
  const t = Tensor.empty([faces.length, FACE_SIZE, FACE_SIZE * 3 / 4], "i32");
  gpu().write(t.buf, all);
  return t;
}
function truncateLandmarks(landmarks) {
  return Int32Array.from(landmarks, (v) => Math.trunc(v));
}
var fixedTables = /* @__PURE__ */ new WeakMap();
function fixedTable() {
  let t = fixedTables.get(gpu());
  if (!t) {
    const data = new Float32Array(256 + 64 + 64 * 256);
    data.set(netImageTable());
    for (let d = 0; d < 64; d++) {
      const w = diamondWeight(d >> 3, d & 7);
      data[256 + d] = w;
      for (let c = 0; c < 256; c++) data[320 + d * 256 + c] = netInput(c, w);
    }
    t = Tensor.from(data, [data.length]).keep();
    fixedTables.set(gpu(), t);
  }
  return t;
}
function paint(faces, marks, bands, layout2 = "rows") {
  return paintMask(faces, marks, bands, fixedTable(), layout2 === "columns");
}
function weightedMask(faces, landmarks, opts = {}) {
  const n = faces.shape[0];
  if (landmarks.length !== n * LANDMARKS * 2) throw new Error(`weightedMask: ${landmarks.length} landmark coordinates for ${n} faces, expected ${n * LANDMARKS * 2}`);
  return scope(() => {
    const { rho, hog } = correlate(hogTotals(hogGradients(faces, opts.gradient)));
    const marks = Tensor.from(truncateLandmarks(landmarks), [n, LANDMARKS, 2], "i32");
    return { ...paint(faces, marks, bandTables(rho), opts.bands), rho, hog };
  });
}

// src/model/predict.ts
async function predictFace(model, img, landmarks) {
  const aligned = alignFace(img, landmarks);
  const size = model.inputSize;
  const [probs, mask, attn, rho] = noGrad(
    () => scope(() => {
      const { image, attn: attn2, mask: mask2, rho: rho2 } = weightedMask(packFaces([aligned.face.data]), aligned.landmarks);
      const [x, a] = size === FACE_SIZE ? [image, attn2] : [resizeBilinear(image, size, size), resizeBilinear(attn2, size, size)];
      return [softmax(model.forward(x, a).logits), mask2, attn2, rho2];
    })
  );
  try {
    const [p, m, a, r] = await Tensor.readAll([probs, mask, attn, rho]);
    return { probabilities: p, face: aligned.face, landmarks: aligned.landmarks, mask: m, attn: a, rho: float64Words(r) };
  } finally {
    for (const t of [probs, mask, attn, rho]) t.dispose();
  }
}

// src/data/landmark_source.ts
var DEFAULT_DETECT = { inputSizes: [320, 160], scoreThreshold: 0.3, wholeImageMaxSide: 128 };
async function detectLandmarks(finder2, img, s = DEFAULT_DETECT) {
  if (Math.max(img.width, img.height) <= s.wholeImageMaxSide) {
    const [face] = await finder2.landmarks(img, [{ x: 0, y: 0, width: img.width, height: img.height, score: 1 }]);
    return face?.landmarks ?? null;
  }
  for (const inputSize of s.inputSizes) {
    const [best] = await finder2.detectFaces(img, { inputSize, scoreThreshold: s.scoreThreshold });
    if (best) return (await finder2.landmarks(img, [best]))[0]?.landmarks ?? null;
  }
  return null;
}

// src/data/labels.ts
var CLASS_NAMES = ["neutral", "happy", "sad", "surprise", "fear", "disgust", "anger"];
var NUM_CLASSES = CLASS_NAMES.length;
function labelMap(codes) {
  const classOf = (name) => CLASS_NAMES.includes(name) ? CLASS_NAMES.indexOf(name) : null;
  return new Map(Object.entries(codes).map(([code, name]) => [code, { class: classOf(name), name }]));
}
var LABEL_MAPS = {
  /** CK+ official `Emotion/…_emotion.txt`. */
  ckplus: labelMap({ 0: "neutral", 1: "anger", 2: "contempt", 3: "disgust", 4: "fear", 5: "happy", 6: "sad", 7: "surprise" }),
  /** CK+ class folders and CK+48. */
  ckFolders: labelMap({ anger: "anger", contempt: "contempt", disgust: "disgust", fear: "fear", happy: "happy", neutral: "neutral", sadness: "sad", surprise: "surprise" }),
  /** RAF-DB basic `EmoLabel/list_patition_label.txt`, and the class folders 1–7 of its `DATASET/` form. */
  rafdb: labelMap({ 1: "surprise", 2: "fear", 3: "disgust", 4: "happy", 5: "sad", 6: "anger", 7: "neutral" }),
  /** AffectNet `expression` column and `_exp.npy` files. */
  affectnet: labelMap({ 0: "neutral", 1: "happy", 2: "sad", 3: "surprise", 4: "fear", 5: "disgust", 6: "anger", 7: "contempt", 8: "none", 9: "uncertain", 10: "not a face" }),
  /** FER2013 `emotion` column. */
  fer2013: labelMap({ 0: "anger", 1: "disgust", 2: "fear", 3: "happy", 4: "sad", 5: "surprise", 6: "neutral" }),
  /** FER2013's class folders (`train/angry/…`), the form Kaggle shares. */
  ferFolders: labelMap({ angry: "anger", disgust: "disgust", fear: "fear", happy: "happy", neutral: "neutral", sad: "sad", surprise: "surprise" }),
  /** Our list files: the class order itself. */
  list: labelMap(Object.fromEntries(CLASS_NAMES.map((n, i) => [i, n]))),
  /** List files in the original project's order (its README's `xxx.jpg<TAB>label`). */
  listOriginal: labelMap({ 0: "surprise", 1: "fear", 2: "disgust", 3: "happy", 4: "sad", 5: "anger", 6: "neutral" })
};
var LABEL_ORDERS = { ours: LABEL_MAPS.list, original: LABEL_MAPS.listOriginal };
var DEFAULT_LABEL_ORDER = "ours";
var orderCodes = (order) => [...LABEL_ORDERS[order]].map(([code, c]) => `${code} ${c.name}`).join(", ");
var LABEL_ORDER_HELP = `list files: how labels are numbered, ours (${orderCodes("ours")}) or original (the original project's: ${orderCodes("original")}); default ${DEFAULT_LABEL_ORDER}`;

// src/web/predict.ts
setShaderSources(oaenet_shaders_default);
var $ = (id) => document.getElementById(id);
var fileOf = (id) => $(id).files?.[0];
function status(text, error = false) {
  const el = $("status");
  el.textContent = text;
  el.className = error ? "error" : "";
}
var loaded = null;
var finder = null;
async function modelFrom(file) {
  const key = `${file.name}:${file.size}:${file.lastModified}`;
  if (loaded?.key === key) return loaded.model;
  loaded?.model.dispose();
  loaded = null;
  const st = parseWeights(new Uint8Array(await file.arrayBuffer()), file.name);
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: checkpointImageSize(st.metadata) ?? FACE_SIZE });
  try {
    loadStateEntries(model, st.entries, { source: file.name });
  } catch (e) {
    model.dispose();
    throw e;
  }
  model.eval();
  loaded = { key, model };
  return model;
}
async function decodePhoto(file) {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", premultiplyAlpha: "none" }).catch(() => {
    throw new Error(`${file.name}: cannot decode the image; pass a PNG or JPEG photo`);
  });
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext("2d");
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[3 * i] = rgba[4 * i + 2];
    data[3 * i + 1] = rgba[4 * i + 1];
    data[3 * i + 2] = rgba[4 * i];
  }
  return { data, width, height };
}
async function readModelFile(file) {
  const res = await fetch(new URL(`models/${file}`, location.href));
  if (!res.ok) throw new Error(`models/${file}: HTTP ${res.status}; run npm run build:web, which copies the face-api weights to web/models/`);
  return new Uint8Array(await res.arrayBuffer());
}
async function landmarksFor(img, photo) {
  const file = fileOf("landmarks");
  if (file) return { points: parseLandmarks(await file.text(), file.name), source: file.name };
  status("finding the face and its 68 landmarks\u2026");
  finder ??= FaceLandmarker.load(readModelFile).catch((e) => {
    finder = null;
    throw e;
  });
  const points = await detectLandmarks(await finder, img);
  if (!points) throw new Error(`${photo.name}: no face found; pass a photo with a frontal face, or its landmark file`);
  return { points, source: "detected" };
}
function drawFace(p) {
  const face = $("face").getContext("2d");
  const mask = $("mask").getContext("2d");
  const [f, m] = [face.createImageData(FACE_SIZE, FACE_SIZE), mask.createImageData(FACE_SIZE, FACE_SIZE)];
  for (let i = 0; i < FACE_SIZE * FACE_SIZE; i++) {
    f.data.set([p.face.data[3 * i + 2], p.face.data[3 * i + 1], p.face.data[3 * i], 255], 4 * i);
    m.data.set([...heat(p.mask[i]), 255], 4 * i);
  }
  face.putImageData(f, 0, 0);
  mask.putImageData(m, 0, 0);
  face.fillStyle = "#00e060";
  for (let k = 0; k < p.landmarks.length; k += 2) {
    face.beginPath();
    face.arc(p.landmarks[k] + 0.5, p.landmarks[k + 1] + 0.5, 1.8, 0, 2 * Math.PI);
    face.fill();
  }
}
function showProbabilities(probs) {
  const best = probs.indexOf(Math.max(...probs));
  $("probabilities").replaceChildren(
    ...CLASS_NAMES.map((name, k) => {
      const row = document.createElement("tr");
      if (k === best) row.className = "best";
      const pct = (100 * probs[k]).toFixed(1);
      row.innerHTML = `<td>${name}</td><td><div class="bar" style="width:${pct}%"></div></td><td>${pct}%</td>`;
      return row;
    })
  );
}
async function predict() {
  delete document.body.dataset.result;
  delete document.body.dataset.error;
  try {
    const [modelFile, photo] = [fileOf("model"), fileOf("photo")];
    if (!modelFile || !photo) throw new Error("choose a model (.safetensors) and a photo first");
    status("loading the model\u2026");
    const model = await modelFrom(modelFile);
    const img = await decodePhoto(photo);
    const { points, source } = await landmarksFor(img, photo);
    status("computing the mask and running OAENet\u2026");
    const p = await predictFace(model, img, points);
    drawFace(p);
    showProbabilities(p.probabilities);
    const predicted = CLASS_NAMES[p.probabilities.indexOf(Math.max(...p.probabilities))];
    status(`${predicted} \xB7 landmarks ${source === "detected" ? "detected" : `from ${source}`} \xB7 \u03C1 = ${Array.from(p.rho, (v) => v.toFixed(3)).join(", ")} \xB7 input ${model.inputSize} px`);
    document.body.dataset.result = JSON.stringify({ predicted, landmarks: source, probabilities: Array.from(p.probabilities) });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    status(message, true);
    document.body.dataset.error = message;
  }
}
async function main() {
  try {
    const gpu2 = await initGpu();
    $("adapter").textContent = `${gpu2.info.adapterName} (${gpu2.info.software ? "software" : "hardware"})`;
    $("run").disabled = false;
    $("run").addEventListener("click", () => void predict());
    document.body.dataset.ready = "true";
  } catch (e) {
    status(`WebGPU is not available here (${e instanceof Error ? e.message : String(e)}); use a browser with WebGPU enabled`, true);
    document.body.dataset.error = String(e);
  }
}
void main();
//# sourceMappingURL=predict.js.map
