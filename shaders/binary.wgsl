// Elementwise y = op(a, b) on equal shapes, one op code per pipeline (override OP), plus the
// in-place accumulation a += b used for gradients. Each invocation handles 4 elements.

override OP: u32;
override WG: u32 = 64;

const ADD: u32 = 0u;
const MUL: u32 = 1u;
const MUL_1P: u32 = 2u;      // a · (1 + b): the OAENet fusion x_m · (1 + x_a)
const SUB: u32 = 3u;

struct Params { n: u32, alpha: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;

fn op(u: f32, i: u32) -> f32 {
  switch OP {
    case ADD: { return u + b[i]; }
    case MUL: { return u * b[i]; }
    case MUL_1P: { return u * (1.0 + b[i]); }
    case SUB: { return u - b[i]; }
    default: { return u; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i < p.n) { y[i] = op(a[i], i); }
  }
}

@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> acc: array<f32>;

@compute @workgroup_size(WG)
fn accumulate(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i < p.n) { acc[i] += src[i]; }
  }
}
