// Softmax over dim 1 of [B, K] (max-subtracted) and its backward from the saved output. Kernels:
// src/kernels/launchers/softmax.ts; float64 references: src/reference/softmax.ts.

import { softmaxBackward, softmaxForward } from '../../kernels/launchers/softmax.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';

/** [B, K] of an f32 [B, K] tensor, or an error naming the op. */
export function rowsOf(op: string, x: Tensor): [number, number] {
  if (x.shape.length !== 2 || x.dtype !== 'f32') throw new Error(`${op}: expects an f32 [B, K] tensor, got ${x}`);
  return x.shape as [number, number];
}

export function softmax(x: Tensor): Tensor {
  rowsOf('softmax', x);
  const y = softmaxForward(x);
  return record('softmax', [x], y, (g, [ys]) => [softmaxBackward(g, ys!)], [y]);
}
