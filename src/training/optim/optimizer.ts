// What SGD and Adam share: the parameters, a settable learning rate, stepping those that have a gradient,
// dropping gradients, and per-parameter state tensors the optimizer owns (kept out of scopes, allocated on a
// parameter's first step, so later steps allocate nothing). Updates run in place (src/kernels/launchers/optim.ts)
// and are not recorded on the tape.

import { copy } from '../../graph/ops/elementwise.js';
import { sameShape } from '../../graph/ops/shapes.js';
import type { Tensor } from '../../graph/tensor.js';

export abstract class Optimizer<S> {
  /** Read at every step, so a schedule may change it between steps. */
  lr: number;
  protected readonly slots = new Map<Tensor, S>();

  constructor(readonly params: readonly Tensor[], lr: number) {
    if (!(lr >= 0)) throw new Error(`Invalid learning rate: ${lr}`);
    for (const p of params) if (p.dtype !== 'f32') throw new Error(`optimizer: parameter ${p} is not f32`);
    this.lr = lr;
  }

  /** One update of every parameter that has a gradient (others are skipped, as in PyTorch). */
  step(): void {
    for (const p of this.params) {
      const g = p.grad;
      if (!g) continue;
      sameShape('optimizer step', g, p);
      this.update(p, g);
    }
  }

  /** Disposes the gradients (param.grad = null); their buffers go back to the pool for the next backward. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Releases the state tensors. */
  dispose(): void {
    for (const s of this.slots.values()) this.release(s);
    this.slots.clear();
  }

  protected abstract update(param: Tensor, grad: Tensor): void;
  protected abstract release(state: S): void;

  /** A kept copy of a state tensor being restored for `param` (the caller keeps its own tensor). */
  protected restored(param: Tensor, t: Tensor): Tensor {
    if (!this.params.includes(param)) throw new Error(`loadState: ${param} is not a parameter of this optimizer`);
    sameShape('loadState', t, param);
    return copy(t).keep();
  }
}
