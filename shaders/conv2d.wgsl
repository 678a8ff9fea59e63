// conv2d forward, two entry points:
//   main:      direct convolution, any kernel / stride / padding / groups. Each invocation computes a
//              register tile of TC output channels (of one group) × TW consecutive output columns of one
//              output row, looping over Cin/groups × kh × kw; the row padding check is hoisted out of the
//              kw loop. No workgroup memory: neighbouring invocations share inputs through the cache.
//   pointwise: 1×1 / stride 1 / no padding / one group as a GEMM per image, Y[n] = A · X[n] with
//              A[m, k] = w[m·sam + k·sak] (the strides let conv2d's dX use it with A = Wᵀ), over
//              vec4 columns of HW (HW % 4 == 0). Tile: TM rows × TV vec4 columns.
// Also conv_transpose2d's dX (a conv2d forward of dY with the same weight tensor).

#include conv_common

override WG: u32 = 64;
override TM: u32 = 4;   // ≤ MAX_T
override TV: u32 = 2;   // ≤ MAX_V

const MAX_V: u32 = 4u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let id = flat_id(gid, nwg, WG);
  let wb = id % p.wblocks;
  let row = out_row(id / p.wblocks);
  if (row.n >= p.n) { return; }

  let cin_g = p.cin / p.groups;
  let cout_g = p.cout / p.groups;
  let ksize = p.kh * p.kw;
  let ox0 = wb * TW;
  let co0 = row.g * cout_g + row.cb * TC;
  // Channels past the group's end compute on a clamped weight row and are not stored.
  var wrow: array<u32, MAX_T>;
  for (var c = 0u; c < TC; c++) {
    wrow[c] = (row.g * cout_g + min(row.cb * TC + c, cout_g - 1u)) * cin_g * ksize;
  }
  var acc: array<array<f32, MAX_T>, MAX_T>;
  if (p.has_bias != 0u) {
    for (var c = 0u; c < TC; c++) {
      let b = bias[row.g * cout_g + min(row.cb * TC + c, cout_g - 1u)];
      for (var j = 0u; j < TW; j++) { acc[c][j] = b; }
    }
  }

  let iy0 = i32(row.oy * p.sh) - p.pt;
  let ix0 = i32(ox0 * p.sw) - p.pl;
  let iw = i32(p.w);
  for (var ci = 0u; ci < cin_g; ci++) {
    let xc = (row.n * p.cin + row.g * cin_g + ci) * p.h * p.w;
    let wc = ci * ksize;
    for (var ky = 0u; ky < p.kh; ky++) {
      let iy = iy0 + i32(ky);
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      let xr = xc + u32(iy) * p.w;
      for (var kx = 0u; kx < p.kw; kx++) {
        var xv: array<f32, MAX_T>;
        for (var j = 0u; j < TW; j++) {
          let ix = ix0 + i32(j * p.sw + kx);
          xv[j] = select(0.0, x[xr + u32(clamp(ix, 0, iw - 1))], ix >= 0 && ix < iw);
        }
        let wk = wc + ky * p.kw + kx;
        for (var c = 0u; c < TC; c++) {
          let wv = wt[wrow[c] + wk];
          for (var j = 0u; j < TW; j++) { acc[c][j] = fma(wv, xv[j], acc[c][j]); }
        }
      }
    }
  }

  for (var c = 0u; c < TC; c++) {
    if (row.cb * TC + c >= cout_g) { break; }
    let yr = ((row.n * p.cout + co0 + c) * p.ho + row.oy) * p.wo;
    for (var j = 0u; j < TW; j++) {
      if (ox0 + j < p.wo) { y[yr + ox0 + j] = act(acc[c][j]); }
    }
  }
}

struct GemmParams { n: u32, m: u32, k: u32, hw4: u32, sam: u32, sak: u32, mblocks: u32, vblocks: u32, has_bias: u32 }
@group(0) @binding(0) var<uniform> q: GemmParams;
@group(0) @binding(1) var<storage, read> x4: array<vec4f>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> abias: array<f32>;
@group(0) @binding(4) var<storage, read_write> y4: array<vec4f>;

@compute @workgroup_size(WG)
fn pointwise(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var id = flat_id(gid, nwg, WG);
  let vb = id % q.vblocks; id /= q.vblocks;
  let mb = id % q.mblocks;
  let n = id / q.mblocks;
  if (n >= q.n) { return; }

  let m0 = mb * TM;
  let v0 = vb * TV;
  var arow: array<u32, MAX_T>;
  var acc: array<array<vec4f, MAX_V>, MAX_T>;
  for (var r = 0u; r < TM; r++) {
    let m = min(m0 + r, q.m - 1u);
    arow[r] = m * q.sam;
    if (q.has_bias != 0u) {
      for (var v = 0u; v < TV; v++) { acc[r][v] = vec4f(abias[m]); }
    }
  }
  let xn = n * q.k * q.hw4;
  for (var kk = 0u; kk < q.k; kk++) {
    var xv: array<vec4f, MAX_V>;
    let xr = xn + kk * q.hw4;
    for (var v = 0u; v < TV; v++) { xv[v] = x4[xr + min(v0 + v, q.hw4 - 1u)]; }
    let ak = kk * q.sak;
    for (var r = 0u; r < TM; r++) {
      let av = a[arow[r] + ak];
      for (var v = 0u; v < TV; v++) { acc[r][v] = fma(vec4f(av), xv[v], acc[r][v]); }
    }
  }
  for (var r = 0u; r < TM; r++) {
    if (m0 + r >= q.m) { break; }
    let yr = (n * q.m + m0 + r) * q.hw4;
    for (var v = 0u; v < TV; v++) {
      if (v0 + v < q.hw4) { y4[yr + v0 + v] = act4(acc[r][v]); }
    }
  }
}
