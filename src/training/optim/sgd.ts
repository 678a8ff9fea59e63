// torch.optim.SGD: weight decay, momentum with dampening (the first step sets buf = grad), Nesterov.
// Kernels in shaders/optim.wgsl (`sgd`, `sgd_momentum`); float64 CPU reference below.

import { f32bits } from '../../graph/ops/launch.js';
import { Tensor } from '../../graph/tensor.js';
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
    const params = [p.size, f32bits(this.lr), f32bits(this.weightDecay)];
    if (this.momentum === 0) {
      this.launch('sgd', {}, g, [p], params);
      return;
    }
    let buf = this.slots.get(p);
    const first = !buf;
    if (!buf) this.slots.set(p, (buf = Tensor.empty(p.shape).keep()));
    params.push(f32bits(this.momentum), f32bits(1 - this.dampening), first ? 1 : 0);
    this.launch('sgd_momentum', { NESTEROV: Number(this.nesterov) }, g, [p, buf], params);
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

export const reference = {
  /** One SGD step of one parameter in float64; `buf` is undefined before the first step (and without momentum). */
  sgdStep(param: ArrayLike<number>, grad: ArrayLike<number>, buf: number[] | undefined, o: SgdOptions): { param: number[]; buf: number[] | undefined } {
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
  },
};
