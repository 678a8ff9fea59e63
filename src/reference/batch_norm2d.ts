// float64 references of BatchNorm2d over NCHW; `runningMean`/`runningVar` are the values before the forward.

import type { BatchNormOptions } from '../graph/ops/batch_norm2d.js';
import type { Shape } from '../graph/tensor.js';

/** Per channel: the batch mean and biased variance, and the statistics the mode normalises with. */
function stats(x: ArrayLike<number>, shape: Shape, opts: BatchNormOptions, runningMean: ArrayLike<number>, runningVar: ArrayLike<number>) {
  const [n, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  const m = n * hw;
  const batchMean: number[] = [], batchVar: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let s = 0, v = 0;
    for (let b = 0; b < n; b++) for (let i = 0; i < hw; i++) s += x[(b * c + ch) * hw + i]!;
    for (let b = 0; b < n; b++) for (let i = 0; i < hw; i++) v += (x[(b * c + ch) * hw + i]! - s / m) ** 2;
    batchMean.push(s / m);
    batchVar.push(v / m);
  }
  const mean = opts.training ? batchMean : Array.from(runningMean);
  const variance = opts.training ? batchVar : Array.from(runningVar);
  const invstd = variance.map((v) => 1 / Math.sqrt(v + (opts.eps ?? 1e-5)));
  return { m, hw, c, batchMean, batchVar, mean, invstd };
}

export function batchNorm2d(x: ArrayLike<number>, shape: Shape, gamma: ArrayLike<number>, beta: ArrayLike<number>, runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, opts: BatchNormOptions): { y: number[]; runningMean: number[]; runningVar: number[] } {
  const mom = opts.momentum ?? 0.1;
  const st = stats(x, shape, opts, runningMean, runningVar);
  const y = Array.from(x, (v, i) => {
    const ch = Math.floor(i / st.hw) % st.c;
    return (v - st.mean[ch]!) * st.invstd[ch]! * gamma[ch]! + beta[ch]!;
  });
  if (!opts.training) return { y, runningMean: Array.from(runningMean), runningVar: Array.from(runningVar) };
  return {
    y,
    runningMean: Array.from(runningMean, (r, ch) => (1 - mom) * r + mom * st.batchMean[ch]!),
    runningVar: Array.from(runningVar, (r, ch) => (1 - mom) * r + (mom * st.batchVar[ch]! * st.m) / (st.m - 1)),
  };
}

export function batchNorm2dGrad(g: ArrayLike<number>, x: ArrayLike<number>, shape: Shape, gamma: ArrayLike<number>, runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, opts: BatchNormOptions): { dx: number[]; dgamma: number[]; dbeta: number[] } {
  const st = stats(x, shape, opts, runningMean, runningVar);
  const c = st.c;
  const ch = (i: number): number => Math.floor(i / st.hw) % c;
  const xhat = Array.from(x, (v, i) => (v - st.mean[ch(i)]!) * st.invstd[ch(i)]!);
  const dgamma = new Array<number>(c).fill(0), dbeta = new Array<number>(c).fill(0);
  for (let i = 0; i < x.length; i++) {
    dgamma[ch(i)]! += g[i]! * xhat[i]!;
    dbeta[ch(i)]! += g[i]!;
  }
  const dx = Array.from(x, (_, i) => {
    const k = ch(i);
    const centred = opts.training ? g[i]! - dbeta[k]! / st.m - (xhat[i]! * dgamma[k]!) / st.m : g[i]!;
    return gamma[k]! * st.invstd[k]! * centred;
  });
  return { dx, dgamma, dbeta };
}
