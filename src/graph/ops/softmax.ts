// Softmax over dim 1 of [B, K] (shaders/softmax.wgsl, one invocation per row, max-subtracted), its backward
// from the saved output, and float64 CPU references.

import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { launch1d } from './launch.js';

/** [B, K] of an f32 [B, K] tensor, or an error naming the op. */
export function rowsOf(op: string, x: Tensor): [number, number] {
  if (x.shape.length !== 2 || x.dtype !== 'f32') throw new Error(`${op}: expects an f32 [B, K] tensor, got ${x}`);
  return x.shape as [number, number];
}

export function softmax(x: Tensor): Tensor {
  const [b, k] = rowsOf('softmax', x);
  const y = Tensor.empty(x.shape);
  launch1d('softmax', 'forward', {}, [x], [y], b, [b, k, 0, 0]);
  return record('softmax', [x], y, (g, [ys]) => {
    const dx = Tensor.empty(x.shape);
    launch1d('softmax', 'backward', {}, [g, ys!], [dx], b, [b, k, 0, 0]);
    return [dx];
  }, [y]);
}

function softmaxRows(x: ArrayLike<number>, k: number): number[] {
  const y: number[] = [];
  for (let base = 0; base < x.length; base += k) {
    const row = Array.from({ length: k }, (_, j) => x[base + j]!);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    y.push(...e.map((v) => v / s));
  }
  return y;
}

export const reference = {
  softmax: softmaxRows,
  /** dx = y · (g − Σ_k g·y) per row. */
  softmaxGrad(g: ArrayLike<number>, x: ArrayLike<number>, k: number): number[] {
    const y = softmaxRows(x, k);
    const dx: number[] = [];
    for (let base = 0; base < y.length; base += k) {
      let dot = 0;
      for (let j = 0; j < k; j++) dot += g[base + j]! * y[base + j]!;
      for (let j = 0; j < k; j++) dx.push(y[base + j]! * (g[base + j]! - dot));
    }
    return dx;
  },
};
