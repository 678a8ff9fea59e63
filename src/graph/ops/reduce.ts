// Reductions (shaders/reduce.wgsl): per-channel sums of NCHW tensors (bias and BatchNorm
// gradients), and sum/mean to a 0-d tensor with autograd; float64 CPU references.

import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { broadcastScalar } from './elementwise.js';
import { f32bits, launch, tuning } from './launch.js';

function reduceRows(x: Tensor, rows: number, cols: number, hw: number, chw: number, alpha: number, outShape: number[]): Tensor {
  const out = Tensor.empty(outShape);
  const wg = tuning().wgReduce;
  launch({ shader: 'reduce', reads: 1, writes: 1, constants: { WG: wg } }, [x], [out], [cols, hw, chw, f32bits(alpha)], [rows]);
  return out;
}

/** Σ over N, H, W of an NCHW (or [N, C]) tensor → [C]. No autograd (a backward helper). */
export function channelSum(x: Tensor): Tensor {
  const [n, c] = x.shape as [number, number];
  const hw = x.size / (n * c);
  return reduceRows(x, c, n * hw, hw, c * hw, 1, [c]);
}

function total(x: Tensor, alpha: number): Tensor {
  return reduceRows(x, 1, x.size, x.size, 0, alpha, []);
}

/** Σ x → 0-d. */
export function sum(x: Tensor): Tensor {
  return record('sum', [x], total(x, 1), (g) => [broadcastScalar(g, x.shape)]);
}

/** mean(x) → 0-d. */
export function mean(x: Tensor): Tensor {
  return record('mean', [x], total(x, 1 / x.size), (g) => [broadcastScalar(g, x.shape, 1 / x.size)]);
}

export const reference = {
  channelSum(x: ArrayLike<number>, shape: readonly number[]): number[] {
    const [n, c] = shape as [number, number];
    const hw = x.length / (n * c);
    const out = new Array<number>(c).fill(0);
    for (let i = 0; i < x.length; i++) out[Math.floor(i / hw) % c]! += x[i]!;
    return out;
  },
  sum(x: ArrayLike<number>): number {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]!;
    return s;
  },
};
