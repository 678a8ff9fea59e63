// In-place optimizer updates with PyTorch's formulas and operation order (torch.optim.SGD and Adam, the
// single-tensor path). Each invocation updates 4 consecutive elements as vec4: pooled buffers hold whole
// 256-byte classes, so the last vec4 is in bounds, and lanes past n are padding of these very tensors.
// Every buffer is bound once: the gradient read-only, the parameter and its state read_write.

override WG: u32 = 64;
override NESTEROV: bool = false;

// SGD. one_minus_dampening is computed on the host in float64, as PyTorch's scalar is.
struct SgdParams { n: u32, lr: f32, weight_decay: f32, momentum: f32, one_minus_dampening: f32, first: u32 }
// Adam. step_size = lr / (1 − β1^t) and bc2_sqrt = sqrt(1 − β2^t) are computed on the host per step.
struct AdamParams { n: u32, weight_decay: f32, one_minus_beta1: f32, beta2: f32, one_minus_beta2: f32, step_size: f32, bc2_sqrt: f32, eps: f32 }
@group(0) @binding(0) var<uniform> sp: SgdParams;
@group(0) @binding(0) var<uniform> ap: AdamParams;

@group(0) @binding(1) var<storage, read> grad: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> param: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> buf: array<vec4f>;   // SGD momentum buffer / Adam exp_avg
@group(0) @binding(4) var<storage, read_write> sq: array<vec4f>;    // Adam exp_avg_sq

@compute @workgroup_size(WG)
fn sgd(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_id(gid, nwg, WG);
  if (i * 4u >= sp.n) { return; }
  let w = param[i];
  param[i] = w - sp.lr * (grad[i] + sp.weight_decay * w);
}

// The first step copies the gradient into the buffer (no dampening), as PyTorch does.
@compute @workgroup_size(WG)
fn sgd_momentum(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_id(gid, nwg, WG);
  if (i * 4u >= sp.n) { return; }
  let w = param[i];
  let g = grad[i] + sp.weight_decay * w;
  var b = g;
  if (sp.first == 0u) { b = buf[i] * sp.momentum + sp.one_minus_dampening * g; }
  buf[i] = b;
  var d = b;
  if (NESTEROV) { d = g + sp.momentum * b; }
  param[i] = w - sp.lr * d;
}

// exp_avg.lerp_(g, 1 − β1); exp_avg_sq · β2 + (1 − β2)·g²; p − step_size · m / (sqrt(v)/bc2_sqrt + eps).
@compute @workgroup_size(WG)
fn adam(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_id(gid, nwg, WG);
  if (i * 4u >= ap.n) { return; }
  let w = param[i];
  let g = grad[i] + ap.weight_decay * w;
  let m = buf[i] + ap.one_minus_beta1 * (g - buf[i]);
  let v = sq[i] * ap.beta2 + ap.one_minus_beta2 * g * g;
  buf[i] = m;
  sq[i] = v;
  param[i] = w - ap.step_size * (m / (sqrt(v) / ap.bc2_sqrt + ap.eps));
}
