// BatchNorm2d over NCHW: train mode normalises with the batch statistics and updates the running
// statistics in place on the GPU; eval mode uses the running statistics. Gradients for x, γ and β in
// both modes. Kernels: src/kernels/launchers/batch_norm2d.ts; float64 references: src/reference/batch_norm2d.ts.

import { batchNormBackward, batchNormDims, batchNormForward, foldIntoConv } from '../../kernels/launchers/batch_norm2d.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';

export interface BatchNormOptions {
  training: boolean;
  /** Weight of the new batch statistics in the running ones (PyTorch's momentum), default 0.1. */
  momentum?: number;
  eps?: number;
}

function checkShapes(x: Tensor, ...perChannel: Tensor[]): void {
  if (x.shape.length !== 4 || x.dtype !== 'f32') throw new Error(`batchNorm2d: expects an f32 [N, C, H, W] tensor, got ${x}`);
  for (const t of perChannel) {
    if (t.size !== x.shape[1] || t.dtype !== 'f32') throw new Error(`batchNorm2d: ${t} does not hold one f32 per channel of ${x}`);
  }
}

function wantedOrDispose(t: Tensor, wanted: boolean): Tensor | null {
  if (wanted) return t;
  t.dispose();
  return null;
}

/**
 * Eval-mode batch norm folded into the conv before it (w [Cout, …], optional bias): returns (w', b') with
 * conv(x, w', b') = batchNorm2d(conv(x, w, b)) in eval mode, up to rounding. Inference only: no autograd.
 */
export function foldBatchNorm(w: Tensor, b: Tensor | null, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, eps = 1e-5): [Tensor, Tensor] {
  const c = w.shape[0]!;
  for (const t of [b, gamma, beta, runningMean, runningVar]) {
    if (t && (t.size !== c || t.dtype !== 'f32')) throw new Error(`foldBatchNorm: ${t} does not hold one f32 per output channel of ${w}`);
  }
  return foldIntoConv(w, b, gamma, beta, runningMean, runningVar, eps);
}

export function batchNorm2d(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, opts: BatchNormOptions): Tensor {
  checkShapes(x, gamma, beta, runningMean, runningVar);
  const { training } = opts;
  const [n, , h, w] = x.shape as [number, number, number, number];
  if (training && n * h * w < 2) throw new Error(`batchNorm2d: training needs more than one value per channel, got ${x}`);
  const d = batchNormDims(x, opts.eps ?? 1e-5, opts.momentum ?? 0.1);
  const { y, chan } = batchNormForward(x, gamma, beta, runningMean, runningVar, d, training);
  const out = record('batchNorm2d', [x, gamma, beta], y, (g, [xs, gs, cs]) => {
    const { dx, dgamma, dbeta } = batchNormBackward(g, xs!, cs!, gs!, beta.shape, d, training, x.requiresGrad);
    return [dx, wantedOrDispose(dgamma, gamma.requiresGrad), wantedOrDispose(dbeta, beta.requiresGrad)];
  }, [x, gamma, chan]);
  chan.dispose();
  return out;
}
