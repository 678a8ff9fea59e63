// BatchNorm2d over NCHW (src/kernels/launchers/batch_norm2d.ts).
//
// Per-channel reductions over the N·H·W values of a channel run in two stages: `*_partial` gives
// workgroup (chunk s, channel c) WG·per_thread of those values, each thread walking them with
// stride WG (coalesced), then merges its threads in a tree in workgroup memory; `*_final` merges
// a channel's chunks the same way. Statistics are Welford per thread and Chan's merge above that,
// so there is no E[x²] − E[x]² cancellation. WG must be a power of two.
//
// Per-channel vec4s passed between the kernels:
//   chan = (mean, invstd, a, b): normalisation statistics and the affine y = x·a + b
//          (train: batch mean and biased variance; eval: running statistics);
//   coef = (mean, Σg/n, k, γ·invstd): the input gradient dx = (g − Σg/n − (x − mean)·k)·γ·invstd,
//          k = invstd²·Σg(x − mean)/n in train mode, Σg/n = k = 0 in eval mode.
// The elementwise kernels (affine, input_grad) take one vec4 of consecutive elements per invocation.

override WG: u32 = 64;
override TRAIN: bool = true;

struct Params {
  c: u32,          // channels
  hw: u32,         // H·W
  chw: u32,        // C·H·W
  m: u32,          // N·H·W: values per channel
  chunks: u32,     // partial results per channel
  per_thread: u32, // values per thread in one chunk
  total: u32,      // N·C·H·W
  eps: f32,
  momentum: f32,
}
@group(0) @binding(0) var<uniform> p: Params;

// ---- reductions ------------------------------------------------------------------------------

var<workgroup> tree: array<vec4f, WG>;

// Welford states (count, mean, M2, 0) merge by Chan's rule; gradient sums (Σg, Σg(x − mean), 0, 0) add.
fn merge(a: vec4f, b: vec4f, welford: bool) -> vec4f {
  if (!welford) { return a + b; }
  let n = a.x + b.x;
  if (n == 0.0) { return a; }
  let d = b.y - a.y;
  let f = b.x / n;
  return vec4f(n, a.y + d * f, a.z + b.z + d * d * a.x * f, 0.0);
}

/** Merges every thread's v; the result is valid in all threads. */
fn reduce_wg(lid: u32, v: vec4f, welford: bool) -> vec4f {
  tree[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { tree[lid] = merge(tree[lid], tree[lid + s], welford); }
    workgroupBarrier();
  }
  return tree[0];
}

// A thread's values of one channel in chunk s: flat j = s·WG·per_thread + lid + k·WG < m, at
// plane n = j / HW, offset i = j % HW, which advance by (dn, di) without a division per step.
struct Walk { j: u32, end: u32, n: u32, i: u32, dn: u32, di: u32 }

fn walk_start(s: u32, lid: u32) -> Walk {
  let first = s * WG * p.per_thread;
  let j = first + lid;
  return Walk(j, min(first + WG * p.per_thread, p.m), j / p.hw, j % p.hw, WG / p.hw, WG % p.hw);
}

fn walk_next(w: Walk) -> Walk {
  var n = w.n + w.dn;
  var i = w.i + w.di;
  if (i >= p.hw) {
    i -= p.hw;
    n += 1u;
  }
  return Walk(w.j + WG, w.end, n, i, w.dn, w.di);
}

fn walk_addr(w: Walk, c: u32) -> u32 { return w.n * p.chw + c * p.hw + w.i; }

// ---- elementwise helpers -----------------------------------------------------------------------

// (channel, offset in the plane) of flat element i; next_pos steps to i + 1.
fn pos_of(i: u32) -> vec2u {
  let q = i / p.hw;
  return vec2u(q % p.c, i - q * p.hw);
}

fn next_pos(pos: vec2u) -> vec2u {
  if (pos.y + 1u < p.hw) { return vec2u(pos.x, pos.y + 1u); }
  return vec2u(select(pos.x + 1u, 0u, pos.x + 1u == p.c), 0u);
}

// ---- bindings shared by several entry points ---------------------------------------------------

// The elementwise kernels read and write whole vec4s: a tensor's pooled buffer is a multiple of
// 256 bytes, so the last vec4 stays inside it even when the size is not a multiple of 4.
@group(0) @binding(1) var<storage, read> x: array<f32>;      // stats_partial, grad_partial
@group(0) @binding(1) var<storage, read> x4: array<vec4f>;   // affine, input_grad
@group(0) @binding(1) var<storage, read> part: array<vec4f>; // stats_final, grad_final
@group(0) @binding(2) var<storage, read> chan: array<vec4f>; // affine, grad_partial, grad_final; coef in input_grad
@group(0) @binding(3) var<storage, read> g: array<f32>;      // grad_partial
@group(0) @binding(3) var<storage, read> g4: array<vec4f>;   // input_grad

// ---- forward -------------------------------------------------------------------------------------

@group(0) @binding(2) var<storage, read_write> stats_part: array<vec4f>;

// Grid (chunks, C): Welford state of one chunk of one channel.
@compute @workgroup_size(WG)
fn stats_partial(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let c = wid.y;
  var acc = vec4f(0.0);
  for (var w = walk_start(wid.x, lid.x); w.j < w.end; w = walk_next(w)) {
    let v = x[walk_addr(w, c)];
    acc.x += 1.0;
    let d = v - acc.y;
    acc.y += d / acc.x;
    acc.z += d * (v - acc.y);
  }
  let r = reduce_wg(lid.x, acc, true);
  if (lid.x == 0u) { stats_part[c * p.chunks + wid.x] = r; }
}

@group(0) @binding(2) var<storage, read> sf_gamma: array<f32>;
@group(0) @binding(3) var<storage, read> sf_beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> sf_chan: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> running_mean: array<f32>;
@group(0) @binding(6) var<storage, read_write> running_var: array<f32>;

// Grid (C): batch statistics, the affine, and the in-place running-statistics update (PyTorch:
// the running variance takes the unbiased batch variance).
@compute @workgroup_size(WG)
fn stats_final(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let c = wid.x;
  var acc = vec4f(0.0);
  for (var s = lid.x; s < p.chunks; s += WG) { acc = merge(acc, part[c * p.chunks + s], true); }
  let r = reduce_wg(lid.x, acc, true);
  if (lid.x == 0u) {
    let mean = r.y;
    let invstd = inverseSqrt(r.z / r.x + p.eps);
    let a = sf_gamma[c] * invstd;
    sf_chan[c] = vec4f(mean, invstd, a, sf_beta[c] - mean * a);
    running_mean[c] = (1.0 - p.momentum) * running_mean[c] + p.momentum * mean;
    running_var[c] = (1.0 - p.momentum) * running_var[c] + p.momentum * (r.z / (r.x - 1.0));
  }
}

@group(0) @binding(1) var<storage, read> ep_mean: array<f32>;
@group(0) @binding(2) var<storage, read> ep_var: array<f32>;
@group(0) @binding(3) var<storage, read> ep_gamma: array<f32>;
@group(0) @binding(4) var<storage, read> ep_beta: array<f32>;
@group(0) @binding(5) var<storage, read_write> ep_chan: array<vec4f>;

// One invocation per channel: `chan` from the running statistics (eval mode).
@compute @workgroup_size(WG)
fn eval_params(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = flat_id(gid, nwg, WG);
  if (c >= p.c) { return; }
  let invstd = inverseSqrt(ep_var[c] + p.eps);
  let a = ep_gamma[c] * invstd;
  ep_chan[c] = vec4f(ep_mean[c], invstd, a, ep_beta[c] - ep_mean[c] * a);
}

override HAS_BIAS: bool = false;
@group(0) @binding(1) var<storage, read> fd_w: array<f32>;
@group(0) @binding(2) var<storage, read> fd_b: array<f32>;   // bound to fd_w and unused without HAS_BIAS
@group(0) @binding(3) var<storage, read> fd_chan: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> fd_wout: array<f32>;
@group(0) @binding(5) var<storage, read_write> fd_bout: array<f32>;

// Eval-mode BN folded into the conv before it, one invocation per weight (p.hw weights per output
// channel, p.total in all; the first of each channel also writes its bias):
// w'[o, …] = w[o, …]·a[o], b'[o] = b[o]·a[o] + (β[o] − mean[o]·a[o]).
@compute @workgroup_size(WG)
fn fold(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_id(gid, nwg, WG);
  if (i >= p.total) { return; }
  let o = i / p.hw;
  let q = fd_chan[o];
  fd_wout[i] = fd_w[i] * q.z;
  if (i % p.hw == 0u) { fd_bout[o] = select(0.0, fd_b[o], HAS_BIAS) * q.z + q.w; }
}

@group(0) @binding(3) var<storage, read_write> y4: array<vec4f>;

// y = x·a + b per channel (PyTorch's CPU formulation).
@compute @workgroup_size(WG)
fn affine(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let v = flat_id(gid, nwg, WG);
  if (v * 4u >= p.total) { return; }
  let xv = x4[v];
  var out: vec4f;
  var pos = pos_of(v * 4u);
  for (var k = 0u; k < 4u; k++) {
    let q = chan[pos.x];
    out[k] = xv[k] * q.z + q.w;
    pos = next_pos(pos);
  }
  y4[v] = out;
}

// ---- backward ------------------------------------------------------------------------------------

@group(0) @binding(4) var<storage, read_write> grad_part: array<vec4f>;

// Grid (chunks, C): Σg and Σg·(x − mean) of one chunk of one channel.
@compute @workgroup_size(WG)
fn grad_partial(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let c = wid.y;
  let mean = chan[c].x;
  var acc = vec4f(0.0);
  for (var w = walk_start(wid.x, lid.x); w.j < w.end; w = walk_next(w)) {
    let a = walk_addr(w, c);
    let gv = g[a];
    acc.x += gv;
    acc.y += gv * (x[a] - mean);
  }
  let r = reduce_wg(lid.x, acc, false);
  if (lid.x == 0u) { grad_part[c * p.chunks + wid.x] = r; }
}

@group(0) @binding(3) var<storage, read> gf_gamma: array<f32>;
@group(0) @binding(4) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(5) var<storage, read_write> dbeta: array<f32>;
@group(0) @binding(6) var<storage, read_write> coef: array<vec4f>;

// Grid (C): dγ = Σg·x̂, dβ = Σg, and the input-gradient coefficients.
@compute @workgroup_size(WG)
fn grad_final(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let c = wid.x;
  var acc = vec4f(0.0);
  for (var s = lid.x; s < p.chunks; s += WG) { acc += part[c * p.chunks + s]; }
  let r = reduce_wg(lid.x, acc, false);
  if (lid.x == 0u) {
    let q = chan[c];
    let n = f32(p.m);
    dgamma[c] = r.y * q.y;
    dbeta[c] = r.x;
    let s = gf_gamma[c] * q.y;
    if (TRAIN) {
      coef[c] = vec4f(q.x, r.x / n, r.y * q.y * q.y / n, s);
    } else {
      coef[c] = vec4f(q.x, 0.0, 0.0, s);
    }
  }
}

@group(0) @binding(4) var<storage, read_write> dx4: array<vec4f>;

// dx = (g − Σg/n − (x − mean)·k)·γ·invstd, coefficients from `chan` (= coef here).
@compute @workgroup_size(WG)
fn input_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let v = flat_id(gid, nwg, WG);
  if (v * 4u >= p.total) { return; }
  let xv = x4[v];
  let gv = g4[v];
  var out: vec4f;
  var pos = pos_of(v * 4u);
  for (var k = 0u; k < 4u; k++) {
    let q = chan[pos.x];
    out[k] = (gv[k] - q.y - (xv[k] - q.x) * q.z) * q.w;
    pos = next_pos(pos);
  }
  dx4[v] = out;
}
