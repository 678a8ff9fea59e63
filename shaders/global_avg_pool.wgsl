// Global average pooling: rows of `len` contiguous values (one row per (n, c) of NCHW) → one mean each.
// forward: invocation `id` sums chunk `id % parts` of row `id / parts` into out[id], times alpha. With one part
// per row that is the mean itself; long rows (56×56) are split into parts for parallelism and the same entry
// then sums each row's partials (a deterministic two-stage reduction without workgroup memory).
// Loads are vec4 with the lanes outside the chunk masked, so rows of any length (odd H·W) and any alignment share
// one path; pooled buffers hold whole 256-byte classes, so the last vec4 is in bounds.
// backward: dx[i] = alpha · g[i / len], written as vec4.

override WG: u32 = 64;

struct Params { n: u32, len: u32, chunk: u32, parts: u32, alpha: f32 }
@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> x: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn forward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = flat_id(gid, nwg, WG);
  if (id >= p.n) { return; }
  let row = id / p.parts;
  let start = row * p.len + (id % p.parts) * p.chunk;
  let end = min(start + p.chunk, (row + 1u) * p.len);
  let lane = vec4u(0u, 1u, 2u, 3u);
  var acc = vec4f(0.0);
  for (var j = start / 4u; j * 4u < end; j++) {
    let idx = j * 4u + lane;
    acc += select(vec4f(0.0), x[j], (idx >= vec4u(start)) & (idx < vec4u(end)));
  }
  out[id] = dot(acc, vec4f(1.0)) * p.alpha;
}

@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let j = flat_id(gid, nwg, WG);
  if (j * 4u >= p.n) { return; }
  // Lanes past n (padding of dx's buffer) repeat the last row instead of reading past g.
  let row = min(j * 4u + vec4u(0u, 1u, 2u, 3u), vec4u(p.n - 1u)) / vec4u(p.len);
  dx[j] = vec4f(g[row.x], g[row.y], g[row.z], g[row.w]) * p.alpha;
}
