// Basic layers over the ops: Conv2d, ConvTranspose2d, BatchNorm2d, Linear (PyTorch names and layouts).

import { Tensor } from '../graph/tensor.js';
import { batchNorm2d, conv2d, convTranspose2d, linear, type Conv2dOptions } from '../graph/ops/index.js';
import { fill } from '../graph/ops/elementwise.js';
import { uniform } from './init.js';
import { Module } from './module.js';

export interface ConvSpec extends Conv2dOptions {
  bias?: boolean;
  /** Host RNG for the default initialisation. */
  rand: () => number;
}

export class Conv2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(readonly inC: number, readonly outC: number, readonly k: number, readonly opts: ConvSpec) {
    super();
    const groups = opts.groups ?? 1;
    const fanIn = (inC / groups) * k * k;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.param('weight', Tensor.from(uniform(opts.rand, outC * fanIn, bound), [outC, inC / groups, k, k]));
    this.bias = opts.bias ? this.param('bias', Tensor.from(uniform(opts.rand, outC, bound), [outC])) : null;
  }
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, this.opts);
  }
}

export class ConvTranspose2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(inC: number, outC: number, k: number, readonly opts: { stride: number; padding: number; bias?: boolean; rand: () => number }) {
    super();
    // PyTorch computes fan_in from weight dim 1 (out channels) for transposed convs.
    const bound = 1 / Math.sqrt(outC * k * k);
    this.weight = this.param('weight', Tensor.from(uniform(opts.rand, inC * outC * k * k, bound), [inC, outC, k, k]));
    this.bias = opts.bias ? this.param('bias', Tensor.from(uniform(opts.rand, outC, bound), [outC])) : null;
  }
  forward(x: Tensor): Tensor {
    return convTranspose2d(x, this.weight, this.bias, { stride: this.opts.stride, padding: this.opts.padding });
  }
}

export class BatchNorm2d extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  /** PyTorch's num_batches_tracked (kept on the host; it only counts train-mode forwards). */
  numBatchesTracked = 0;
  constructor(readonly channels: number, readonly eps = 1e-5, readonly momentum = 0.1) {
    super();
    this.weight = this.param('weight', fill([channels], 1));
    this.bias = this.param('bias', fill([channels], 0));
    this.runningMean = this.buffer('running_mean', fill([channels], 0));
    this.runningVar = this.buffer('running_var', fill([channels], 1));
  }
  forward(x: Tensor): Tensor {
    if (this.training) this.numBatchesTracked++;
    return batchNorm2d(x, this.weight, this.bias, this.runningMean, this.runningVar, {
      training: this.training,
      momentum: this.momentum,
      eps: this.eps,
    });
  }
}

export class Linear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  constructor(inF: number, outF: number, rand: () => number, bias = true) {
    super();
    const bound = 1 / Math.sqrt(inF);
    this.weight = this.param('weight', Tensor.from(uniform(rand, outF * inF, bound), [outF, inF]));
    this.bias = bias ? this.param('bias', Tensor.from(uniform(rand, outF, bound), [outF])) : null;
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }
}
