// Strided row copy (src/kernels/launchers/concat.ts): for every row r (the z workgroup index) and j < len,
//   dst[r·dst_stride + dst_off + j] = src[r·src_stride + src_off + j].
// Concat's forward copies each input into its channel slice of the output (a row = one sample); the
// backward uses the same kernel the other way round to cut g into the inputs' slices.
// A workgroup copies 4·WG consecutive elements of a row, thread t taking t, t + WG, t + 2·WG, t + 3·WG,
// so that every load and store instruction of a workgroup touches consecutive addresses.

override WG: u32 = 64;

struct Params { len: u32, src_stride: u32, src_off: u32, dst_stride: u32, dst_off: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = flat_id(gid, nwg, WG);
  let first = (t - lid.x) * 4u + lid.x;
  let s = wid.z * p.src_stride + p.src_off;
  let d = wid.z * p.dst_stride + p.dst_off;
  for (var k = 0u; k < 4u; k++) {
    let j = first + k * WG;
    if (j < p.len) { dst[d + j] = src[s + j]; }
  }
}
