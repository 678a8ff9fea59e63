// Module: a tree of named parameters, buffers (running statistics) and children, with train/eval
// mode. Names follow PyTorch's state_dict: `child.sub.weight`, in registration order (own
// parameters, own buffers, then children), so checkpoints use the official parameter names.

import type { Tensor } from '../graph/tensor.js';

export abstract class Module {
  training = true;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  /** Registers a trainable tensor (kept across scopes, requires grad). */
  protected param(name: string, t: Tensor): Tensor {
    t.keep().requiresGrad = true;
    t.name = name;
    this.params.set(name, t);
    return t;
  }

  /** Registers persistent non-trainable state (e.g. BatchNorm running statistics). */
  protected buffer(name: string, t: Tensor): Tensor {
    t.keep().name = name;
    this.buffers.set(name, t);
    return t;
  }

  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Direct children in registration order (for containers and visitors). */
  namedChildren(): Map<string, Module> {
    return new Map(this.children);
  }

  namedParameters(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.visit(prefix, (p, m) => m.params.forEach((t, k) => out.set(p + k, t)));
    return out;
  }

  /** Parameters and buffers by full name, in PyTorch state_dict order. */
  stateTensors(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    this.visit(prefix, (p, m) => {
      m.params.forEach((t, k) => out.set(p + k, t));
      m.buffers.forEach((t, k) => out.set(p + k, t));
    });
    return out;
  }

  parameters(): Tensor[] {
    return [...this.namedParameters().values()];
  }

  train(mode = true): this {
    this.visit('', (_, m) => (m.training = mode));
    return this.stateChanged();
  }

  /**
   * Drops what modules derive from their parameters (inference caches such as folded weights). Mode
   * changes and checkpoint loads call it; call it after writing parameters in place in eval mode.
   */
  stateChanged(): this {
    this.visit('', (_, m) => m.dropDerived());
    return this;
  }

  /** Overridden by modules that cache tensors derived from parameters. */
  protected dropDerived(): void {}

  eval(): this {
    return this.train(false);
  }

  /** Releases every parameter, gradient and buffer. */
  dispose(): void {
    this.stateChanged();
    this.visit('', (_, m) => {
      for (const t of [...m.params.values(), ...m.buffers.values()]) {
        t.grad?.dispose();
        t.dispose();
      }
    });
  }

  private visit(prefix: string, fn: (prefix: string, m: Module) => void): void {
    fn(prefix, this);
    this.children.forEach((c, k) => c.visit(`${prefix}${k}.`, fn));
  }
}
