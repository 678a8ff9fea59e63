// In-place optimizer updates (shaders/optim.wgsl), 4 elements per invocation over the parameter: the
// gradient read-only, the parameter and its state tensors read-write. Raw launches, not recorded.

import type { Tensor } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

const sgdParams = { n: 'u32', lr: 'f32', weight_decay: 'f32', momentum: 'f32', one_minus_dampening: 'f32', first: 'u32' } as const;
export const kernels = {
  sgd: kernel({ shader: 'optim', entry: 'sgd', uniform: 'SgdParams', params: sgdParams, reads: ['grad'], writes: ['param'], overrides: ['WG'] }),
  sgdMomentum: kernel({ shader: 'optim', entry: 'sgd_momentum', uniform: 'SgdParams', params: sgdParams, reads: ['grad'], writes: ['param', 'buf'], overrides: ['WG', 'NESTEROV'] }),
  adam: kernel({
    shader: 'optim', entry: 'adam', uniform: 'AdamParams', reads: ['grad'], writes: ['param', 'buf', 'sq'], overrides: ['WG'],
    params: { n: 'u32', weight_decay: 'f32', one_minus_beta1: 'f32', beta2: 'f32', one_minus_beta2: 'f32', step_size: 'f32', bc2_sqrt: 'f32', eps: 'f32' },
  }),
};

const quads = (p: Tensor): number => Math.ceil(p.size / 4);

/** param −= lr · (grad + weightDecay · param). */
export function sgdUpdate(param: Tensor, grad: Tensor, lr: number, weightDecay: number): void {
  launch1d(kernels.sgd, quads(param), { grad }, { param }, { n: param.size, lr, weight_decay: weightDecay, momentum: 0, one_minus_dampening: 0, first: 0 });
}

export interface MomentumStep {
  lr: number;
  weightDecay: number;
  momentum: number;
  dampening: number;
  /** The parameter's first step: the buffer takes the gradient as it is. */
  first: boolean;
  nesterov: boolean;
}

/**
 * SGD with momentum: buf ← momentum · buf + (1 − dampening) · g (1 − dampening in float64, as PyTorch's
 * scalar), param −= lr · (buf, or g + momentum · buf with Nesterov).
 */
export function sgdMomentumUpdate(param: Tensor, grad: Tensor, buf: Tensor, s: MomentumStep): void {
  launch1d(kernels.sgdMomentum, quads(param), { grad }, { param, buf }, {
    n: param.size, lr: s.lr, weight_decay: s.weightDecay, momentum: s.momentum, one_minus_dampening: 1 - s.dampening, first: s.first ? 1 : 0,
  }, { NESTEROV: Number(s.nesterov) });
}

export interface AdamStep {
  weightDecay: number;
  beta1: number;
  beta2: number;
  /** lr / (1 − β1^t), computed in float64 per step. */
  stepSize: number;
  /** sqrt(1 − β2^t), computed in float64 per step. */
  bc2Sqrt: number;
  eps: number;
}

/** One Adam update of param and its moments expAvg, expAvgSq (1 − β in float64). */
export function adamUpdate(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, s: AdamStep): void {
  launch1d(kernels.adam, quads(param), { grad }, { param, buf: expAvg, sq: expAvgSq }, {
    n: param.size, weight_decay: s.weightDecay, one_minus_beta1: 1 - s.beta1, beta2: s.beta2, one_minus_beta2: 1 - s.beta2,
    step_size: s.stepSize, bc2_sqrt: s.bc2Sqrt, eps: s.eps,
  });
}
