// float64 reference of torch.optim.Adam's step.

import type { AdamOptions } from '../training/optim/adam.js';

export interface AdamRefState {
  expAvg: number[];
  expAvgSq: number[];
  step: number;
}

/** One Adam step of one parameter; `state` is undefined before the first step. */
export function adamStep(param: ArrayLike<number>, grad: ArrayLike<number>, state: AdamRefState | undefined, o: AdamOptions): { param: number[]; state: AdamRefState } {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8, wd = o.weightDecay ?? 0;
  const n = param.length;
  const g = Array.from(grad, (v, i) => v + wd * param[i]!);
  const m0 = state?.expAvg ?? new Array<number>(n).fill(0);
  const v0 = state?.expAvgSq ?? new Array<number>(n).fill(0);
  const step = (state?.step ?? 0) + 1;
  const expAvg = m0.map((m, i) => b1 * m + (1 - b1) * g[i]!);
  const expAvgSq = v0.map((v, i) => b2 * v + (1 - b2) * g[i]! * g[i]!);
  const bc1 = 1 - b1 ** step, bc2 = 1 - b2 ** step;
  const out = Array.from(param, (p, i) => p - (o.lr * (expAvg[i]! / bc1)) / (Math.sqrt(expAvgSq[i]! / bc2) + eps));
  return { param: out, state: { expAvg, expAvgSq, step } };
}
