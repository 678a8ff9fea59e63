// Bitonic sort of (key, index) pairs, in place, per row of n pairs (n a power of two): descending key, ties by
// ascending index. That is a total order on pairs with distinct indices, so the result is unique and deterministic.
// One dispatch runs log2(G) consecutive merge stages of a block size k, strides j, j/2, …, q = j/(G/2): the G pairs
// those stages compare with each other (positions i0 + s·q) are loaded once, sorted through every stage in
// registers and stored back — no workgroup memory and no barriers, and log2(G) times fewer passes over memory.

override WG: u32 = 64;
override G: u32 = 8;        // pairs per invocation: a power of two, at most GMAX
const GMAX: u32 = 16u;

// total: invocations (rows · n / G); k: bitonic block size; q: smallest stride of this dispatch.
struct Params { n: u32, total: u32, k: u32, q: u32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> pairs: array<vec2u>;

// Whether a precedes b: larger key, or equal key and smaller index.
fn before(a: vec2u, b: vec2u) -> bool {
  return a.x > b.x || (a.x == b.x && a.y < b.y);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let t = flat_id(gid, nwg, WG);
  if (t >= p.total) { return; }
  let per_row = p.n / G;
  let u = t % per_row;
  // Insert log2(G) zero bits above the low log2(q) bits of u: the first of the G positions.
  let pos0 = (u / p.q) * p.q * G + u % p.q;
  let base = (t / per_row) * p.n + pos0;
  // Blocks of size k alternate direction; k ≥ q·G, so all G positions share this bit.
  let forward = (pos0 & p.k) == 0u;
  var v: array<vec2u, GMAX>;
  for (var s = 0u; s < G; s++) { v[s] = pairs[base + s * p.q]; }
  for (var r = G / 2u; r > 0u; r >>= 1u) {
    for (var s = 0u; s < G; s++) {
      if ((s & r) == 0u) {
        let a = v[s];
        let b = v[s + r];
        // Indices are distinct, so exactly one of before(a, b), before(b, a) holds.
        if (before(b, a) == forward) {
          v[s] = b;
          v[s + r] = a;
        }
      }
    }
  }
  for (var s = 0u; s < G; s++) { pairs[base + s * p.q] = v[s]; }
}
