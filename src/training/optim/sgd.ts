// torch.optim.SGD: weight decay, momentum with dampening (the first step sets buf = grad), Nesterov.
// float64 reference: src/reference/sgd.ts.

import { Tensor } from '../../graph/tensor.js';
import { sgdMomentumUpdate, sgdUpdate } from '../../kernels/launchers/optim.js';
import { Optimizer } from './optimizer.js';

export interface SgdOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weightDecay?: number;
  nesterov?: boolean;
}

export class SGD extends Optimizer<Tensor> {
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;

  constructor(params: Tensor[], opts: SgdOptions) {
    super(params, opts.lr);
    this.momentum = opts.momentum ?? 0;
    this.dampening = opts.dampening ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    this.nesterov = opts.nesterov ?? false;
    if (!(this.momentum >= 0)) throw new Error(`Invalid momentum value: ${this.momentum}`);
    if (!(this.weightDecay >= 0)) throw new Error(`Invalid weight_decay value: ${this.weightDecay}`);
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('Nesterov momentum requires a momentum and zero dampening');
    }
  }

  protected update(p: Tensor, g: Tensor): void {
    if (this.momentum === 0) {
      sgdUpdate(p, g, this.lr, this.weightDecay);
      return;
    }
    let buf = this.slots.get(p);
    const first = !buf;
    if (!buf) this.slots.set(p, (buf = Tensor.empty(p.shape).keep()));
    sgdMomentumUpdate(p, g, buf, { lr: this.lr, weightDecay: this.weightDecay, momentum: this.momentum, dampening: this.dampening, first, nesterov: this.nesterov });
  }

  protected release(buf: Tensor): void {
    buf.dispose();
  }

  /** The momentum buffer of each parameter that has one (owned by the optimizer: read, don't dispose). */
  state(): Map<Tensor, Tensor> {
    return new Map(this.slots);
  }

  /** Restores momentum buffers (e.g. from a checkpoint) by copying them; the caller keeps the given tensors. */
  loadState(state: Map<Tensor, Tensor>): void {
    for (const [p, buf] of state) {
      const copyOf = this.restored(p, buf);
      this.slots.get(p)?.dispose();
      this.slots.set(p, copyOf);
    }
  }
}
