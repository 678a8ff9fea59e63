// torch.optim.Adam (L2 weight decay added to the gradient, not AdamW), in PyTorch's form
// p ← p − (lr/bc1) · m / (sqrt(v)/sqrt(bc2) + eps) with per-parameter step counts.
// float64 reference: src/reference/adam.ts.

import { zeros } from '../../graph/ops/elementwise.js';
import type { Tensor } from '../../graph/tensor.js';
import { adamUpdate } from '../../kernels/launchers/optim.js';
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
    const [beta1, beta2] = this.betas;
    adamUpdate(p, g, s.expAvg, s.expAvgSq, {
      weightDecay: this.weightDecay, beta1, beta2, stepSize: this.lr / (1 - beta1 ** t), bc2Sqrt: Math.sqrt(1 - beta2 ** t), eps: this.eps,
    });
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
