// Sum and mean to a 0-d tensor with autograd; channelSum (per-channel sums of NCHW, no autograd) is a
// helper of other ops' backward rules. Kernels: src/kernels/launchers/reduce.ts; float64 references:
// src/reference/reduce.ts.

import { broadcastScalar } from '../../kernels/launchers/elementwise.js';
import { scaledTotal } from '../../kernels/launchers/reduce.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';

export { channelSum } from '../../kernels/launchers/reduce.js';

/** Σ x → 0-d. */
export function sum(x: Tensor): Tensor {
  return record('sum', [x], scaledTotal(x, 1), (g) => [broadcastScalar(g, x.shape)]);
}

/** mean(x) → 0-d. */
export function mean(x: Tensor): Tensor {
  return record('mean', [x], scaledTotal(x, 1 / x.size), (g) => [broadcastScalar(g, x.shape, 1 / x.size)]);
}
