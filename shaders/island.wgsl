// Island-loss kernels (island.ts): rows of a [B, D] matrix grouped by i32 labels into K classes, and the pairwise
// cosine term over the K×K Gram matrix of the class centres. segment and gather are each other's backward
// (with MEAN, divided by the class sizes); row kernels take four consecutive columns per invocation.

override WG: u32 = 64;
override MEAN: bool = false;

// fill: the centre of a class without rows (segment with MEAN).
struct Params { b: u32, d: u32, k: u32, fill: f32 }
@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> labels: array<i32>;
@group(0) @binding(2) var<storage, read> src: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

fn class_size(k: i32) -> u32 {
  var n = 0u;
  for (var r = 0u; r < p.b; r++) { n += select(0u, 1u, labels[r] == k); }
  return n;
}

// dst[k, :] = Σ_{r: label r = k} src[r, :] (÷ size with MEAN; an empty class gets fill, or 0 without MEAN).
@compute @workgroup_size(WG)
fn segment(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flat_id(gid, nwg, WG);
  let blocks = (p.d + 3u) / 4u;
  if (t >= p.k * blocks) { return; }
  let k = t / blocks;
  let col = (t % blocks) * 4u;
  let cols = min(4u, p.d - col);
  var acc = vec4f(0.0);
  var n = 0u;
  for (var r = 0u; r < p.b; r++) {
    if (labels[r] != i32(k)) { continue; }
    n++;
    for (var j = 0u; j < cols; j++) { acc[j] += src[r * p.d + col + j]; }
  }
  if (MEAN) { acc = select(vec4f(p.fill), acc / f32(n), n > 0u); }
  for (var j = 0u; j < cols; j++) { dst[k * p.d + col + j] = acc[j]; }
}

// dst[r, :] = src[label r, :] (÷ that class's size with MEAN); 0 for a label outside [0, K).
@compute @workgroup_size(WG)
fn gather(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flat_id(gid, nwg, WG);
  let blocks = (p.d + 3u) / 4u;
  if (t >= p.b * blocks) { return; }
  let r = t / blocks;
  let col = (t % blocks) * 4u;
  let cols = min(4u, p.d - col);
  let k = labels[r];
  let valid = k >= 0 && u32(k) < p.k;
  var scale = select(0.0, 1.0, valid);
  if (MEAN && valid) { scale = 1.0 / f32(class_size(k)); }
  for (var j = 0u; j < cols; j++) {
    var v = 0.0;
    if (valid) { v = src[u32(k) * p.d + col + j] * scale; }
    dst[r * p.d + col + j] = v;
  }
}

// Σ_{i≠j} (cos(μ_i, μ_j) + 1) from the Gram matrix G = μ·μᵀ (K×K, tiny): one invocation.
@group(0) @binding(1) var<storage, read> gram: array<f32>;
@group(0) @binding(2) var<storage, read_write> pair_out: array<f32>;

fn cosine(i: u32, j: u32) -> f32 {
  return gram[i * p.k + j] / sqrt(gram[i * p.k + i] * gram[j * p.k + j]);
}

@compute @workgroup_size(1)
fn pair_loss() {
  var s = 0.0;
  for (var i = 0u; i < p.k; i++) {
    for (var j = 0u; j < p.k; j++) {
      if (i != j) { s += cosine(i, j) + 1.0; }
    }
  }
  pair_out[0] = s;
}

// dG: off the diagonal g/√(G_ii G_jj); on it −g/(2 G_ii) Σ_{j≠i} (cos_ij + cos_ji). One invocation per entry.
@group(0) @binding(2) var<storage, read> pair_g: array<f32>;
@group(0) @binding(3) var<storage, read_write> dgram: array<f32>;

@compute @workgroup_size(WG)
fn pair_grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flat_id(gid, nwg, WG);
  if (t >= p.k * p.k) { return; }
  let i = t / p.k;
  let j = t % p.k;
  let g = pair_g[0];
  if (i != j) {
    dgram[t] = g / sqrt(gram[i * p.k + i] * gram[j * p.k + j]);
    return;
  }
  var s = 0.0;
  for (var m = 0u; m < p.k; m++) {
    if (m != i) { s += cosine(i, m) + cosine(m, i); }
  }
  dgram[t] = -g * s / (2.0 * gram[t]);
}
