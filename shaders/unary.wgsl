// Elementwise y = f(x) and its backward dx = g · f'(x), one op code per pipeline (override OP).
// Each invocation handles 4 consecutive elements.

override OP: u32;
override WG: u32 = 64;

const COPY: u32 = 0u;
const RELU: u32 = 1u;
const RELU6: u32 = 2u;
const LEAKY: u32 = 3u;
const SCALE: u32 = 4u;

struct Params { n: u32, alpha: f32 }
@group(0) @binding(0) var<uniform> p: Params;

fn f(x: f32) -> f32 {
  switch OP {
    case RELU: { return max(x, 0.0); }
    case RELU6: { return clamp(x, 0.0, 6.0); }
    case LEAKY: { return select(p.alpha * x, x, x > 0.0); }
    case SCALE: { return p.alpha * x; }
    default: { return x; }
  }
}

// PyTorch's choice at the kinks: derivative 0 at x = 0 (and at x = 6 for ReLU6).
fn df(x: f32) -> f32 {
  switch OP {
    case RELU: { return select(0.0, 1.0, x > 0.0); }
    case RELU6: { return select(0.0, 1.0, x > 0.0 && x < 6.0); }
    case LEAKY: { return select(p.alpha, 1.0, x > 0.0); }
    case SCALE: { return p.alpha; }
    default: { return 1.0; }
  }
}

@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i < p.n) { y[i] = f(x[i]); }
  }
}

@group(0) @binding(1) var<storage, read> bg: array<f32>;
@group(0) @binding(2) var<storage, read> bx: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i < p.n) { dx[i] = bg[i] * df(bx[i]); }
  }
}

@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn fill(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i < p.n) { out[i] = p.alpha; }
  }
}

// out[i] = alpha · x[0]: broadcasts a 0-d gradient (backward of sum/mean/losses).
@compute @workgroup_size(WG)
fn broadcast(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  let v = p.alpha * x[0];
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i < p.n) { y[i] = v; }
  }
}
