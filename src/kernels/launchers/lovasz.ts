// Lovász-softmax kernels (shaders/lovasz.wgsl, sorting with shaders/sort.wgsl): errors → sort → count →
// scan → grad → finish for the loss, one pass for the backward. Raw launches.

import { Tensor } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch, launch1d, tuning } from '../launch.js';
import { sortPairs } from './sort.js';

const params = { n: 'u32', c: 'u32', hw: 'u32', npad: 'u32', q: 'u32', threshold: 'f32' } as const;
const chunked = ['WG', 'MASK', 'CHUNK'] as const;
export const kernels = {
  errors: kernel({ shader: 'lovasz', entry: 'errors', params, reads: ['labels', 'logits'], writes: ['pairs'], overrides: chunked }),
  count: kernel({ shader: 'lovasz', entry: 'count', params, reads: ['labels', 'sorted'], writes: ['counts'], overrides: chunked }),
  scan: kernel({ shader: 'lovasz', entry: 'scan', params, reads: ['scan_in'], writes: ['scan_out'], overrides: ['WG'] }),
  grad: kernel({ shader: 'lovasz', entry: 'grad', params, reads: ['labels', 'sorted', 'offsets'], writes: ['jgrad', 'partial'], overrides: chunked }),
  finish: kernel({ shader: 'lovasz', entry: 'finish', params, reads: ['totals', 'sums'], writes: ['loss', 'weights'], overrides: ['WG'] }),
  backward: kernel({ shader: 'lovasz', entry: 'backward', params, reads: ['labels', 'logits', 'bj', 'bw', 'bg'], writes: ['dx'], overrides: ['WG', 'MASK'] }),
};

/** Sorted positions one invocation walks in the count and gradient passes. */
const CHUNK = 256;

/** The uniform for logits [B, C, H, W] and one label per pixel; the sort's rows are padded to a power of two. */
function uniform(logits: Tensor, threshold: number) {
  const [b, c, h, w] = logits.shape as [number, number, number, number];
  const n = b * h * w;
  return { n, c, hw: h * w, npad: 2 ** Math.ceil(Math.log2(n)), q: Math.ceil(n / CHUNK), threshold };
}

const maskOf = (target: Tensor): number => (target.dtype === 'f32' ? 1 : 0);

/**
 * The 0-d loss of logits [B, C, H, W] against target (i32 labels, or an f32 mask whose label is mask >
 * threshold), with what the backward needs: jgrad [C·N], the Lovász gradient at each pixel's sorted
 * position per class, and weights [C], 1/#present for each present class, else 0.
 */
export function lovaszForward(logits: Tensor, target: Tensor, threshold: number): { loss: Tensor; jgrad: Tensor; weights: Tensor } {
  const p = uniform(logits, threshold);
  const consts = { MASK: maskOf(target), CHUNK };
  const wg = tuning().wgReduce;
  const pairs = Tensor.empty([p.c * p.npad * 2], 'i32');
  launch1d(kernels.errors, Math.ceil(p.npad / 4), { labels: target, logits }, { pairs }, p, consts);
  sortPairs(pairs, p.c, p.npad);
  const counts = Tensor.empty([p.c * p.q], 'i32');
  launch1d(kernels.count, p.c * p.q, { labels: target, sorted: pairs }, { counts }, p, consts);
  // Exclusive prefix counts per chunk, then the class totals.
  const offsets = Tensor.empty([p.c * p.q + p.c], 'i32');
  launch(kernels.scan, { scan_in: counts }, { scan_out: offsets }, p, [p.c], { WG: wg });
  const jgrad = Tensor.empty([p.c * p.n]);
  const partial = Tensor.empty([p.c * p.q]);
  launch1d(kernels.grad, p.c * p.q, { labels: target, sorted: pairs, offsets }, { jgrad, partial }, p, consts);
  const loss = Tensor.empty([]);
  const weights = Tensor.empty([p.c]);
  launch(kernels.finish, { totals: offsets, sums: partial }, { loss, weights }, p, [1], { WG: wg });
  for (const t of [pairs, counts, offsets, partial]) t.dispose();
  return { loss, jgrad, weights };
}

/** d loss / d logits for the upstream gradient g (0-d), from lovaszForward's jgrad and weights. */
export function lovaszBackward(logits: Tensor, target: Tensor, jgrad: Tensor, weights: Tensor, g: Tensor, threshold: number): Tensor {
  const p = uniform(logits, threshold);
  const dx = Tensor.empty(logits.shape);
  launch1d(kernels.backward, Math.ceil(p.n / 4), { labels: target, logits, bj: jgrad, bw: weights, bg: g }, { dx }, p, { MASK: maskOf(target) });
  return dx;
}
