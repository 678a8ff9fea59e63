// Lovász-softmax (Berman et al. 2018; classes = 'present', per_image = false) of logits [B, C, H, W] against one
// label per pixel, pixel i = b·HW + hw. Labels are i32 class indices, or with MASK an f32 mask and
// label = mask > threshold. lovasz.ts runs: errors → sort (sort.wgsl) → count → scan → grad → finish, and for the
// gradient one backward pass. Everything is a fixed-order sum or an exact integer count: deterministic.

override WG: u32 = 64;
override MASK: bool = false;
override CHUNK: u32 = 256;   // sorted positions one count/grad invocation walks

// n pixels; c classes; hw = H·W; npad: row length of the sort (power of two ≥ n); q: chunks per class.
struct Params { n: u32, c: u32, hw: u32, npad: u32, q: u32, threshold: f32 }
@group(0) @binding(0) var<uniform> p: Params;

@group(0) @binding(1) var<storage, read> labels: array<u32>;

fn label(i: u32) -> u32 {
  if (MASK) { return select(0u, 1u, bitcast<f32>(labels[i]) > p.threshold); }
  return labels[i]; // a negative i32 becomes huge and matches no class
}

@group(0) @binding(2) var<storage, read> logits: array<f32>;

fn logit(i: u32, c: u32) -> f32 {
  return logits[((i / p.hw) * p.c + c) * p.hw + i % p.hw];
}

// (max, Σ exp(x − max)) over the classes of pixel i.
fn softmax_stats(i: u32) -> vec2f {
  var m = logit(i, 0u);
  for (var c = 1u; c < p.c; c++) { m = max(m, logit(i, c)); }
  var s = 0.0;
  for (var c = 0u; c < p.c; c++) { s += exp(logit(i, c) - m); }
  return vec2f(m, s);
}

fn prob(i: u32, c: u32, st: vec2f) -> f32 {
  return exp(logit(i, c) - st.x) / st.y;
}

// Sort keys: (bits(|fg − p|) + 1, i) per class row; padding (0, i) sorts after every error ≥ 0.
@group(0) @binding(3) var<storage, read_write> pairs: array<vec2u>;

@compute @workgroup_size(WG)
fn errors(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i >= p.npad) { return; }
    if (i >= p.n) {
      for (var c = 0u; c < p.c; c++) { pairs[c * p.npad + i] = vec2u(0u, i); }
      continue;
    }
    let st = softmax_stats(i);
    let y = label(i);
    for (var c = 0u; c < p.c; c++) {
      let e = abs(select(0.0, 1.0, y == c) - prob(i, c, st));
      pairs[c * p.npad + i] = vec2u(bitcast<u32>(e) + 1u, i);
    }
  }
}

// The pairs after the sort: row c (class c) of npad, errors descending.
@group(0) @binding(2) var<storage, read> sorted: array<vec2u>;

// The sorted positions [start, end) of chunk t = (class, chunk).
fn chunk_range(t: u32) -> vec2u {
  let start = (t % p.q) * CHUNK;
  return vec2u(start, min(start + CHUNK, p.n));
}

// counts[class, chunk]: foreground pixels in the chunk.
@group(0) @binding(3) var<storage, read_write> counts: array<u32>;

@compute @workgroup_size(WG)
fn count(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flat_id(gid, nwg, WG);
  if (t >= p.c * p.q) { return; }
  let c = t / p.q;
  let r = chunk_range(t);
  var n = 0u;
  for (var pos = r.x; pos < r.y; pos++) {
    n += select(0u, 1u, label(sorted[c * p.npad + pos].y) == c);
  }
  counts[t] = n;
}

// Exclusive prefix sums of the counts per class, one workgroup per class; the class totals follow at c·q + class.
@group(0) @binding(1) var<storage, read> scan_in: array<u32>;
@group(0) @binding(2) var<storage, read_write> scan_out: array<u32>;

var<workgroup> part: array<u32, WG>;

@compute @workgroup_size(WG)
fn scan(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let row = wid.x * p.q;
  let per = (p.q + WG - 1u) / WG;
  let start = min(lid.x * per, p.q);
  let end = min(start + per, p.q);
  var n = 0u;
  for (var j = start; j < end; j++) { n += scan_in[row + j]; }
  part[lid.x] = n;
  workgroupBarrier();
  // WG partial sums: one serial pass is cheaper than a tree of barriers on CPU adapters, and tiny on GPUs.
  if (lid.x == 0u) {
    var run = 0u;
    for (var j = 0u; j < WG; j++) {
      let v = part[j];
      part[j] = run;
      run += v;
    }
    scan_out[p.c * p.q + wid.x] = run;
  }
  workgroupBarrier();
  var run = part[lid.x];
  for (var j = start; j < end; j++) {
    scan_out[row + j] = run;
    run += scan_in[row + j];
  }
}

// Per sorted position the Lovász gradient ΔJ = J(k) − J(k − 1) of the Jaccard loss J = 1 − I/U, with
// I = gts − F(k), U = gts + k + 1 − F(k) and F(k) the foreground count up to and including k. In closed form
// (exact in the integer counts, unlike subtracting two nearly equal J): a foreground pixel adds 1/U, a background
// one I/(U·(U − 1)). Scattered to the pixel's own index for the backward, and Σ error·ΔJ per chunk.
@group(0) @binding(3) var<storage, read> offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> jgrad: array<f32>;
@group(0) @binding(5) var<storage, read_write> partial: array<f32>;

@compute @workgroup_size(WG)
fn grad(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flat_id(gid, nwg, WG);
  if (t >= p.c * p.q) { return; }
  let c = t / p.q;
  let r = chunk_range(t);
  let gts = f32(offsets[p.c * p.q + c]);
  var fgs = offsets[t];
  var acc = 0.0;
  for (var pos = r.x; pos < r.y; pos++) {
    let pair = sorted[c * p.npad + pos];
    let fg = label(pair.y) == c;
    fgs += select(0u, 1u, fg);
    let inter = gts - f32(fgs);
    let uni = gts + f32(pos + 1u - fgs);
    var d: f32;
    if (pos == 0u) {
      d = 1.0 - inter / uni;
    } else if (fg) {
      d = 1.0 / uni;
    } else {
      d = inter / (uni * (uni - 1.0));
    }
    jgrad[c * p.n + pair.y] = d;
    acc += bitcast<f32>(pair.x - 1u) * d;
  }
  partial[t] = acc;
}

// loss = mean over present classes (total > 0) of Σ_chunks partial; weights[c] = 1/#present or 0 for the backward.
@group(0) @binding(1) var<storage, read> totals: array<u32>;
@group(0) @binding(2) var<storage, read> sums: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;

var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn finish(@builtin(local_invocation_id) lid: vec3u) {
  var total = 0.0;
  var present = 0u;
  for (var c = 0u; c < p.c; c++) {
    var s = 0.0;
    for (var j = lid.x; j < p.q; j += WG) { s += sums[c * p.q + j]; }
    red[lid.x] = s;
    workgroupBarrier();
    for (var h = WG / 2u; h > 0u; h >>= 1u) {
      if (lid.x < h) { red[lid.x] += red[lid.x + h]; }
      workgroupBarrier();
    }
    if (totals[p.c * p.q + c] > 0u) {
      total += red[0];
      present++;
    }
    workgroupBarrier();
  }
  if (lid.x == 0u) {
    loss[0] = total / f32(present);
    for (var c = 0u; c < p.c; c++) {
      weights[c] = select(0.0, 1.0 / f32(present), totals[p.c * p.q + c] > 0u);
    }
  }
}

// dlogits: dloss/derror = g · weight[c] · ΔJ, derror/dp = sign(p − fg) (0 at a tie, as PyTorch's abs),
// then the softmax backward dx_c = p_c (dp_c − Σ dp·p). Four pixels per invocation.
@group(0) @binding(3) var<storage, read> bj: array<f32>;
@group(0) @binding(4) var<storage, read> bw: array<f32>;
@group(0) @binding(5) var<storage, read> bg: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;

fn dprob(i: u32, c: u32, y: u32, pc: f32, g: f32) -> f32 {
  return g * bw[c] * bj[c * p.n + i] * sign(pc - select(0.0, 1.0, y == c));
}

@compute @workgroup_size(WG)
fn backward(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let base = flat_id(gid, nwg, WG) * 4u;
  let g = bg[0];
  for (var k = 0u; k < 4u; k++) {
    let i = base + k;
    if (i >= p.n) { return; }
    let st = softmax_stats(i);
    let y = label(i);
    var dot = 0.0;
    for (var c = 0u; c < p.c; c++) {
      let pc = prob(i, c, st);
      dot += dprob(i, c, y, pc, g) * pc;
    }
    for (var c = 0u; c < p.c; c++) {
      let pc = prob(i, c, st);
      dx[((i / p.hw) * p.c + c) * p.hw + i % p.hw] = pc * (dprob(i, c, y, pc, g) - dot);
    }
  }
}
