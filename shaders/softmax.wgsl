// Row-wise softmax over [rows, k] (dim 1) and cross-entropy, which is the negative log-softmax at the label:
// one invocation per row (rows = a batch, k = a handful of classes), max-subtracted for stability.
// Cross-entropy's kernels live here because they are the same row computation (row_stats).

override WG: u32 = 64;

// alpha: gradient scale (1/B for the mean loss); invalid: the loss of a row whose label is out of range (NaN).
struct Params { rows: u32, k: u32, alpha: f32, invalid: f32 }
@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> x: array<f32>;

// (max, Σ exp(x − max)) over the row starting at base.
fn row_stats(base: u32) -> vec2f {
  var m = x[base];
  for (var k = 1u; k < p.k; k++) { m = max(m, x[base + k]); }
  var s = 0.0;
  for (var k = 0u; k < p.k; k++) { s += exp(x[base + k] - m); }
  return vec2f(m, s);
}

@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = flat_id(gid, nwg, WG);
  if (r >= p.rows) { return; }
  let base = r * p.k;
  let st = row_stats(base);
  for (var k = 0u; k < p.k; k++) { y[base + k] = exp(x[base + k] - st.x) / st.y; }
}

// Softmax backward from the saved output: dx = y · (g − Σ g·y).
@group(0) @binding(1) var<storage, read> sg: array<f32>;
@group(0) @binding(2) var<storage, read> sy: array<f32>;
@group(0) @binding(3) var<storage, read_write> sdx: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = flat_id(gid, nwg, WG);
  if (r >= p.rows) { return; }
  let base = r * p.k;
  var dot = 0.0;
  for (var k = 0u; k < p.k; k++) { dot += sg[base + k] * sy[base + k]; }
  for (var k = 0u; k < p.k; k++) { sdx[base + k] = sy[base + k] * (sg[base + k] - dot); }
}

@group(0) @binding(2) var<storage, read> labels: array<i32>;

fn valid(label: i32) -> bool { return label >= 0 && u32(label) < p.k; }

// Per-row loss log Σ exp(x) − x[label]; the mean over rows is a separate reduction.
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(WG)
fn ce_forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = flat_id(gid, nwg, WG);
  if (r >= p.rows) { return; }
  let base = r * p.k;
  let label = labels[r];
  if (!valid(label)) {
    loss[r] = p.invalid;
    return;
  }
  let st = row_stats(base);
  loss[r] = log(st.y) - (x[base + u32(label)] - st.x);
}

// dlogits = (softmax − onehot(label)) · g[0] · alpha, with g the upstream 0-d gradient read on the GPU.
@group(0) @binding(3) var<storage, read> cg: array<f32>;
@group(0) @binding(4) var<storage, read_write> cdx: array<f32>;

@compute @workgroup_size(WG)
fn ce_backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let r = flat_id(gid, nwg, WG);
  if (r >= p.rows) { return; }
  let base = r * p.k;
  let st = row_stats(base);
  let scale = cg[0] * p.alpha;
  let label = u32(labels[r]);
  for (var k = 0u; k < p.k; k++) {
    let onehot = select(0.0, 1.0, k == label);
    cdx[base + k] = (exp(x[base + k] - st.x) / st.y - onehot) * scale;
  }
}
