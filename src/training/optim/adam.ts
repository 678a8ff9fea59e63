// torch.optim.Adam (L2 weight decay added to the gradient, not AdamW), in PyTorch's form
// p ← p − (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps) with per-parameter step counts.
// Kernel in shaders/optim.wgsl (`adam`); float64 CPU reference below.

import { zeros } from '../../graph/ops/elementwise.js';
import { f32bits } from '../../graph/ops/launch.js';
import type { Tensor } from '../../graph/tensor.js';
import { Optimizer } from './optimizer.js';

export interface AdamOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/** PyTorch's per-parameter Adam state: exp_avg, exp_avg_sq, step. */
export interface AdamState {
  expAvg: Tensor;
  expAvgSq: Tensor;
  step: number;
}

export class Adam extends Optimizer<AdamState> {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;

  constructor(params: Tensor[], opts: AdamOptions) {
    super(params, opts.lr);
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0;
    if (!(this.eps >= 0)) throw new Error(`Invalid epsilon value: ${this.eps}`);
    this.betas.forEach((b, i) => {
      if (!(b >= 0 && b < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${b}`);
    });
    if (!(this.weightDecay >= 0)) throw new Error(`Invalid weight_decay value: ${this.weightDecay}`);
  }

  protected update(p: Tensor, g: Tensor): void {
    let s = this.slots.get(p);
    if (!s) this.slots.set(p, (s = { expAvg: zeros(p.shape).keep(), expAvgSq: zeros(p.shape).keep(), step: 0 }));
    const t = ++s.step;
    const [b1, b2] = this.betas;
    this.launch('adam', {}, g, [p, s.expAvg, s.expAvgSq], [
      p.size,
      f32bits(this.weightDecay),
      f32bits(1 - b1),
      f32bits(b2),
      f32bits(1 - b2),
      f32bits(this.lr / (1 - b1 ** t)),
      f32bits(Math.sqrt(1 - b2 ** t)),
      f32bits(this.eps),
    ]);
  }

  protected release(s: AdamState): void {
    s.expAvg.dispose();
    s.expAvgSq.dispose();
  }

  /** Each stepped parameter's state (tensors owned by the optimizer: read, don't dispose). */
  state(): Map<Tensor, AdamState> {
    return new Map([...this.slots].map(([p, s]) => [p, { ...s }]));
  }

  /** Restores state (e.g. from a checkpoint) by copying the tensors; the caller keeps the given ones. */
  loadState(state: Map<Tensor, AdamState>): void {
    for (const [p, s] of state) {
      const next = { expAvg: this.restored(p, s.expAvg), expAvgSq: this.restored(p, s.expAvgSq), step: s.step };
      const old = this.slots.get(p);
      if (old) this.release(old);
      this.slots.set(p, next);
    }
  }
}

export interface AdamRefState {
  expAvg: number[];
  expAvgSq: number[];
  step: number;
}

export const reference = {
  /** One Adam step of one parameter in float64; `state` is undefined before the first step. */
  adamStep(param: ArrayLike<number>, grad: ArrayLike<number>, state: AdamRefState | undefined, o: AdamOptions): { param: number[]; state: AdamRefState } {
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
  },
};
