// Row means for global average pooling (shaders/global_avg_pool.wgsl): a deterministic sum per row,
// split into chunks plus a second pass when rows are long (56×56), and the backward broadcast.
// Raw launches, no autograd.

import { Tensor, type Shape } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

const params = { n: 'u32', len: 'u32', chunk: 'u32', parts: 'u32', alpha: 'f32' } as const;
export const kernels = {
  forward: kernel({ shader: 'global_avg_pool', entry: 'forward', params, reads: ['x'], writes: ['out'], overrides: ['WG'] }),
  backward: kernel({ shader: 'global_avg_pool', entry: 'backward', params, reads: ['g'], writes: ['dx'], overrides: ['WG'] }),
};

/** Most values one invocation sums: longer rows are split into chunks summed in parallel, then combined. */
const CHUNK = 256;

/** out[r] = alpha · Σ of row r of a [rows, len] view, as `shape`. */
export function rowSums(x: Tensor, rows: number, len: number, alpha: number, shape: Shape): Tensor {
  const out = Tensor.empty(shape);
  const parts = Math.ceil(len / CHUNK);
  if (parts <= 1) {
    launch1d(kernels.forward, rows, { x }, { out }, { n: rows, len, chunk: len, parts: 1, alpha });
    return out;
  }
  // Balanced chunks, a multiple of 4 long so that chunks of aligned rows start on a vec4.
  const chunk = Math.ceil(len / parts / 4) * 4;
  const per = Math.ceil(len / chunk);
  const partial = Tensor.empty([rows, per]);
  launch1d(kernels.forward, rows * per, { x }, { out: partial }, { n: rows * per, len, chunk, parts: per, alpha });
  launch1d(kernels.forward, rows, { x: partial }, { out }, { n: rows, len: per, chunk: per, parts: 1, alpha: 1 });
  partial.dispose();
  return out;
}

/** dx of `shape` with dx[i] = g[i / len] / len: the gradient of the row means. */
export function broadcastRows(g: Tensor, shape: Shape, len: number): Tensor {
  const dx = Tensor.empty(shape);
  launch1d(kernels.backward, Math.ceil(dx.size / 4), { g }, { dx }, { n: dx.size, len, chunk: 0, parts: 0, alpha: 1 / len });
  return dx;
}
