// Transposed convolution as a gather (no atomics): y[n, co, oy, ox] = Σ x[n, ci, iy, ix] · w[ci, co_g, ky, kx]
// over the taps where oy = iy·sh − pt + ky and ox = ix·sw − pl + kx, with w laid out [Cin, Cout/groups, kh, kw].
// Serves convTranspose2d's forward and conv2d's dX (dY gathered with conv2d's weight read as [in = Cout,
// out = Cin/groups, kh, kw], the output forced to the input's size).
//
// Output columns are split into sw phases r = ox mod sw. Columns of one phase share their taps
// (kx ≡ r + pl mod sw) and read consecutive input columns, so each invocation computes a register tile of
// TC output channels × TW columns of one phase (ox = r + (q0 + j)·sw) of one output row.

#include conv_common

override WG: u32 = 64;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  var id = flat_id(gid, nwg, WG);
  let qb = id % p.wblocks; id /= p.wblocks;
  let r = id % p.sw;
  let row = out_row(id / p.sw);
  if (row.n >= p.n) { return; }

  let cin_g = p.cin / p.groups;
  let cout_g = p.cout / p.groups;
  let ksize = p.kh * p.kw;
  let q0 = qb * TW;
  // Channels past the group's end compute on a clamped weight column and are not stored.
  var wcol: array<u32, MAX_T>;
  var acc: array<array<f32, MAX_T>, MAX_T>;
  for (var c = 0u; c < TC; c++) {
    let co = min(row.cb * TC + c, cout_g - 1u);
    wcol[c] = co * ksize;
    if (p.has_bias != 0u) {
      let b = bias[row.g * cout_g + co];
      for (var j = 0u; j < TW; j++) { acc[c][j] = b; }
    }
  }

  // First taps of this row and phase: ky ≡ oy + pt (mod sh), kx ≡ r + pl (mod sw).
  let ky0 = u32(i32(row.oy) + p.pt) % p.sh;
  let kx0 = u32(i32(r) + p.pl) % p.sw;
  let iw = i32(p.w);
  for (var ci = 0u; ci < cin_g; ci++) {
    let xc = (row.n * p.cin + row.g * cin_g + ci) * p.h * p.w;
    let wc = (row.g * cin_g + ci) * cout_g * ksize;
    for (var ky = ky0; ky < p.kh; ky += p.sh) {
      let iy = (i32(row.oy) + p.pt - i32(ky)) / i32(p.sh);   // exact division
      if (iy < 0 || iy >= i32(p.h)) { continue; }
      let xr = xc + u32(iy) * p.w;
      for (var kx = kx0; kx < p.kw; kx += p.sw) {
        let ix0 = (i32(r) + p.pl - i32(kx)) / i32(p.sw) + i32(q0);
        var xv: array<f32, MAX_T>;
        for (var j = 0u; j < TW; j++) {
          let ix = ix0 + i32(j);
          xv[j] = select(0.0, x[xr + u32(clamp(ix, 0, iw - 1))], ix >= 0 && ix < iw);
        }
        let wk = wc + ky * p.kw + kx;
        for (var c = 0u; c < TC; c++) {
          let wv = wt[wk + wcol[c]];
          for (var j = 0u; j < TW; j++) { acc[c][j] = fma(wv, xv[j], acc[c][j]); }
        }
      }
    }
  }

  for (var c = 0u; c < TC; c++) {
    if (row.cb * TC + c >= cout_g) { break; }
    let yr = ((row.n * p.cout + row.g * cout_g + row.cb * TC + c) * p.ho + row.oy) * p.wo;
    for (var j = 0u; j < TW; j++) {
      let ox = r + (q0 + j) * p.sw;
      if (ox < p.wo) { y[yr + ox] = acc[c][j]; }
    }
  }
}
