// BatchNorm2d over NCHW (shaders/batch_norm2d.wgsl): per-channel two-stage reductions (statistics in
// the forward, Σg and Σg·x̂ in the backward), the elementwise affine and input gradient, and the
// eval-mode fold into a conv's weights. Raw launches, no autograd.

import { Tensor, type Shape } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch, launch1d, tuning, type Params } from '../launch.js';

const params = {
  c: 'u32', hw: 'u32', chw: 'u32', m: 'u32', chunks: 'u32', per_thread: 'u32', total: 'u32', eps: 'f32', momentum: 'f32',
} as const;
const shader = 'batch_norm2d';
export const kernels = {
  statsPartial: kernel({ shader, entry: 'stats_partial', params, reads: ['x'], writes: ['stats_part'], overrides: ['WG'] }),
  statsFinal: kernel({
    shader, entry: 'stats_final', params, reads: ['part', 'sf_gamma', 'sf_beta'], writes: ['sf_chan', 'running_mean', 'running_var'], overrides: ['WG'],
  }),
  evalParams: kernel({ shader, entry: 'eval_params', params, reads: ['ep_mean', 'ep_var', 'ep_gamma', 'ep_beta'], writes: ['ep_chan'], overrides: ['WG'] }),
  fold: kernel({ shader, entry: 'fold', params, reads: ['fd_w', 'fd_b', 'fd_chan'], writes: ['fd_wout', 'fd_bout'], overrides: ['WG', 'HAS_BIAS'] }),
  affine: kernel({ shader, entry: 'affine', params, reads: ['x4', 'chan'], writes: ['y4'], overrides: ['WG'] }),
  gradPartial: kernel({ shader, entry: 'grad_partial', params, reads: ['x', 'chan', 'g'], writes: ['grad_part'], overrides: ['WG'] }),
  gradFinal: kernel({ shader, entry: 'grad_final', params, reads: ['part', 'chan', 'gf_gamma'], writes: ['dgamma', 'dbeta', 'coef'], overrides: ['WG', 'TRAIN'] }),
  inputGrad: kernel({ shader, entry: 'input_grad', params, reads: ['x4', 'chan', 'g4'], writes: ['dx4'], overrides: ['WG'] }),
};

/** The launch geometry of one batch norm over an input, shared by its forward and backward. */
export interface BatchNormDims {
  c: number;
  /** Partial results per channel in the reductions. */
  chunks: number;
  /** Workgroup sizes of the partial and final reduction stages. */
  wgPartial: number;
  wgFinal: number;
  params: Params<typeof params>;
}

const pow2AtLeast = (v: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

export function batchNormDims(x: Tensor, eps: number, momentum: number): BatchNormDims {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const hw = h * w;
  const m = n * hw;
  const { wgReduce, reducePerThread } = tuning();
  // Short channels (late 4×4 layers) get smaller workgroups rather than idle threads and barriers.
  const wgPartial = Math.min(wgReduce, pow2AtLeast(Math.ceil(m / reducePerThread)));
  const chunks = Math.max(1, Math.ceil(m / (wgPartial * reducePerThread)));
  return {
    c, chunks, wgPartial,
    wgFinal: Math.min(wgReduce, pow2AtLeast(chunks)),
    params: { c, hw, chw: c * hw, m, chunks, per_thread: reducePerThread, total: x.size, eps, momentum },
  };
}

/** Runs `partial` into [C, chunks] vec4 partials, then `final`, which merges each channel's. */
function channelReduce(d: BatchNormDims, partial: (part: Tensor) => void, final: (part: Tensor) => void): void {
  const part = Tensor.empty([d.c, d.chunks, 4]);
  partial(part);
  final(part);
  part.dispose();
}

/** Per channel (mean, invstd, a, b) from the running statistics, y = x·a + b. */
function evalChannels(p: Params<typeof params>, runningMean: Tensor, runningVar: Tensor, gamma: Tensor, beta: Tensor): Tensor {
  const chan = Tensor.empty([p.c, 4]);
  launch1d(kernels.evalParams, p.c, { ep_mean: runningMean, ep_var: runningVar, ep_gamma: gamma, ep_beta: beta }, { ep_chan: chan }, p);
  return chan;
}

/**
 * y, and the per-channel (mean, invstd, a, b) it was normalised with: the batch statistics in training,
 * which also updates the running statistics in place, else the running statistics.
 */
export function batchNormForward(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, d: BatchNormDims, training: boolean): { y: Tensor; chan: Tensor } {
  let chan: Tensor;
  if (training) {
    chan = Tensor.empty([d.c, 4]);
    channelReduce(d,
      (part) => launch(kernels.statsPartial, { x }, { stats_part: part }, d.params, [d.chunks, d.c], { WG: d.wgPartial }),
      (part) => launch(kernels.statsFinal, { part, sf_gamma: gamma, sf_beta: beta }, { sf_chan: chan, running_mean: runningMean, running_var: runningVar }, d.params, [d.c], { WG: d.wgFinal }));
  } else {
    chan = evalChannels(d.params, runningMean, runningVar, gamma, beta);
  }
  const y = Tensor.empty(x.shape);
  launch1d(kernels.affine, Math.ceil(x.size / 4), { x4: x, chan }, { y4: y }, d.params);
  return { y, chan };
}

/** dγ, dβ (of β's shape), and dx when `wantDx` (in training it goes through the batch statistics too). */
export function batchNormBackward(g: Tensor, x: Tensor, chan: Tensor, gamma: Tensor, betaShape: Shape, d: BatchNormDims, training: boolean, wantDx: boolean): { dx: Tensor | null; dgamma: Tensor; dbeta: Tensor } {
  const dgamma = Tensor.empty(gamma.shape);
  const dbeta = Tensor.empty(betaShape);
  const coef = Tensor.empty([d.c, 4]);
  channelReduce(d,
    (part) => launch(kernels.gradPartial, { x, chan, g }, { grad_part: part }, d.params, [d.chunks, d.c], { WG: d.wgPartial }),
    (part) => launch(kernels.gradFinal, { part, chan, gf_gamma: gamma }, { dgamma, dbeta, coef }, d.params, [d.c], { WG: d.wgFinal, TRAIN: Number(training) }));
  let dx: Tensor | null = null;
  if (wantDx) {
    dx = Tensor.empty(x.shape);
    launch1d(kernels.inputGrad, Math.ceil(x.size / 4), { x4: x, chan: coef, g4: g }, { dx4: dx }, d.params);
  }
  coef.dispose();
  return { dx, dgamma, dbeta };
}

/** (w', b') with conv(x, w', b') = eval-mode batch norm of conv(x, w, b), for w [Cout, …]. */
export function foldIntoConv(w: Tensor, b: Tensor | null, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, eps: number): [Tensor, Tensor] {
  const c = w.shape[0]!;
  const p = { c, hw: w.size / c, chw: w.size, m: 0, chunks: 0, per_thread: 0, total: w.size, eps, momentum: 0 };
  const chan = evalChannels(p, runningMean, runningVar, gamma, beta);
  const wf = Tensor.empty(w.shape);
  const bf = Tensor.empty([c]);
  launch1d(kernels.fold, w.size, { fd_w: w, fd_b: b ?? w, fd_chan: chan }, { fd_wout: wf, fd_bout: bf }, p, { HAS_BIAS: b ? 1 : 0 });
  chan.dispose();
  return [wf, bf];
}
