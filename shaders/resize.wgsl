// Bilinear resize of [planes, H, W] to [planes, Ho, Wo] with half-pixel centres and no antialiasing
// (src = (dst + 0.5)·in/out − 0.5, clamped at the borders) — how training shrinks the 224-pixel
// network inputs and mask to a smaller model input size.

override WG: u32 = 64;

struct Params { planes: u32, h: u32, w: u32, ho: u32, wo: u32, sy: f32, sx: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

fn taps(d: u32, scale: f32, n: u32) -> vec3f {
  let s = clamp((f32(d) + 0.5) * scale - 0.5, 0.0, f32(n - 1u));
  let i0 = floor(s);
  return vec3f(i0, min(i0 + 1.0, f32(n - 1u)), s - i0);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat_id(gid, nwg, WG);
  if (i >= p.planes * p.ho * p.wo) { return; }
  let ox = i % p.wo;
  let oy = (i / p.wo) % p.ho;
  let plane = i / (p.wo * p.ho);
  let ty = taps(oy, p.sy, p.h);
  let tx = taps(ox, p.sx, p.w);
  let base = plane * p.h * p.w;
  let r0 = base + u32(ty.x) * p.w;
  let r1 = base + u32(ty.y) * p.w;
  let top = mix(x[r0 + u32(tx.x)], x[r0 + u32(tx.y)], tx.z);
  let bottom = mix(x[r1 + u32(tx.x)], x[r1 + u32(tx.y)], tx.z);
  y[i] = mix(top, bottom, ty.z);
}
