// float64 reference of torch.optim.SGD's step.

import type { SgdOptions } from '../training/optim/sgd.js';

/** One SGD step of one parameter; `buf` is undefined before the first step (and without momentum). */
export function sgdStep(param: ArrayLike<number>, grad: ArrayLike<number>, buf: number[] | undefined, o: SgdOptions): { param: number[]; buf: number[] | undefined } {
  const momentum = o.momentum ?? 0, dampening = o.dampening ?? 0, wd = o.weightDecay ?? 0;
  const g = Array.from(grad, (v, i) => v + wd * param[i]!);
  let d = g;
  let b = buf;
  if (momentum !== 0) {
    const nb = buf ? buf.map((v, i) => momentum * v + (1 - dampening) * g[i]!) : g.slice();
    d = o.nesterov ? g.map((v, i) => v + momentum * nb[i]!) : nb;
    b = nb;
  }
  return { param: Array.from(param, (v, i) => v - o.lr * d[i]!), buf: b };
}
