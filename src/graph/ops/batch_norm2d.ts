// BatchNorm2d over NCHW (shaders/batch_norm2d.wgsl): train mode normalises with the batch statistics
// and updates the running statistics in place on the GPU; eval mode uses the running statistics.
// Gradients for x, γ and β in both modes; float64 CPU references.

import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';
import { f32bits, launch, launch1d, tuning } from './launch.js';

export interface BatchNormOptions {
  training: boolean;
  /** Weight of the new batch statistics in the running ones (PyTorch's momentum), default 0.1. */
  momentum?: number;
  eps?: number;
}

const SHADER = 'batch_norm2d';

interface Dims {
  c: number;
  /** Values per channel, N·H·W. */
  m: number;
  chunks: number;
  /** Workgroup sizes of the partial and final reduction stages. */
  wgPartial: number;
  wgFinal: number;
  params: number[];
}

const pow2AtLeast = (v: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, v)));

function dims(x: Tensor, eps: number, momentum: number): Dims {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const hw = h * w;
  const m = n * hw;
  const { wgReduce, reducePerThread } = tuning();
  // Short channels (late 4×4 layers) get smaller workgroups rather than idle threads and barriers.
  const wgPartial = Math.min(wgReduce, pow2AtLeast(Math.ceil(m / reducePerThread)));
  const chunks = Math.max(1, Math.ceil(m / (wgPartial * reducePerThread)));
  return {
    c, m, chunks, wgPartial,
    wgFinal: Math.min(wgReduce, pow2AtLeast(chunks)),
    params: [c, hw, c * hw, m, chunks, reducePerThread, x.size, f32bits(eps), f32bits(momentum)],
  };
}

/** Two-stage per-channel reduction: `<kind>_partial` over (chunk, channel), then `<kind>_final` per channel. */
function channelReduce(kind: 'stats' | 'grad', d: Dims, partialReads: Tensor[], finalReads: Tensor[], finalWrites: Tensor[], finalConstants: Record<string, number> = {}): void {
  const part = Tensor.empty([d.c, d.chunks, 4]);
  const partial = { shader: SHADER, entry: `${kind}_partial`, reads: partialReads.length, writes: 1, constants: { WG: d.wgPartial } };
  launch(partial, partialReads, [part], d.params, [d.chunks, d.c]);
  const final = { shader: SHADER, entry: `${kind}_final`, reads: finalReads.length + 1, writes: finalWrites.length, constants: { WG: d.wgFinal, ...finalConstants } };
  launch(final, [part, ...finalReads], finalWrites, d.params, [d.c]);
  part.dispose();
}

function checkShapes(x: Tensor, ...perChannel: Tensor[]): void {
  if (x.shape.length !== 4 || x.dtype !== 'f32') throw new Error(`batchNorm2d: expects an f32 [N, C, H, W] tensor, got ${x}`);
  for (const t of perChannel) {
    if (t.size !== x.shape[1] || t.dtype !== 'f32') throw new Error(`batchNorm2d: ${t} does not hold one f32 per channel of ${x}`);
  }
}

function wantedOrDispose(t: Tensor, wanted: boolean): Tensor | null {
  if (wanted) return t;
  t.dispose();
  return null;
}

/**
 * Eval-mode batch norm folded into the conv before it (w [Cout, …], optional bias): returns (w', b') with
 * conv(x, w', b') = batchNorm2d(conv(x, w, b)) in eval mode, up to rounding. Inference only: no autograd.
 */
export function foldBatchNorm(w: Tensor, b: Tensor | null, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, eps = 1e-5): [Tensor, Tensor] {
  const c = w.shape[0]!;
  for (const t of [b, gamma, beta, runningMean, runningVar]) {
    if (t && (t.size !== c || t.dtype !== 'f32')) throw new Error(`foldBatchNorm: ${t} does not hold one f32 per output channel of ${w}`);
  }
  const perChannel = w.size / c;
  const params = [c, perChannel, w.size, 0, 0, 0, w.size, f32bits(eps), 0];
  const chan = Tensor.empty([c, 4]);
  launch1d(SHADER, 'eval_params', {}, [runningMean, runningVar, gamma, beta], [chan], c, params);
  const wf = Tensor.empty(w.shape);
  const bf = Tensor.empty([c]);
  launch1d(SHADER, 'fold', { HAS_BIAS: b ? 1 : 0 }, [w, b ?? w, chan], [wf, bf], w.size, params);
  chan.dispose();
  return [wf, bf];
}

export function batchNorm2d(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, opts: BatchNormOptions): Tensor {
  checkShapes(x, gamma, beta, runningMean, runningVar);
  const { training } = opts;
  const d = dims(x, opts.eps ?? 1e-5, opts.momentum ?? 0.1);
  if (training && d.m < 2) throw new Error(`batchNorm2d: training needs more than one value per channel, got ${x}`);
  const chan = Tensor.empty([d.c, 4]);
  if (training) channelReduce('stats', d, [x], [gamma, beta], [chan, runningMean, runningVar]);
  else launch1d(SHADER, 'eval_params', {}, [runningMean, runningVar, gamma, beta], [chan], d.c, d.params);
  const y = Tensor.empty(x.shape);
  launch1d(SHADER, 'affine', {}, [x, chan], [y], Math.ceil(x.size / 4), d.params);
  const out = record('batchNorm2d', [x, gamma, beta], y, (g, [xs, gs, cs]) => {
    // The reductions give dγ and dβ; in train mode dx needs them too.
    const dgamma = Tensor.empty(gamma.shape);
    const dbeta = Tensor.empty(beta.shape);
    const coef = Tensor.empty([d.c, 4]);
    channelReduce('grad', d, [xs!, cs!, g], [cs!, gs!], [dgamma, dbeta, coef], { TRAIN: Number(training) });
    let dx: Tensor | null = null;
    if (x.requiresGrad) {
      dx = Tensor.empty(x.shape);
      launch1d(SHADER, 'input_grad', {}, [xs!, coef, g], [dx], Math.ceil(x.size / 4), d.params);
    }
    coef.dispose();
    return [dx, wantedOrDispose(dgamma, gamma.requiresGrad), wantedOrDispose(dbeta, beta.requiresGrad)];
  }, [x, gamma, chan]);
  chan.dispose();
  return out;
}

/** Per channel: the batch mean and biased variance, and the statistics the mode normalises with. */
function refStats(x: ArrayLike<number>, shape: Shape, opts: BatchNormOptions, runningMean: ArrayLike<number>, runningVar: ArrayLike<number>) {
  const [n, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  const m = n * hw;
  const batchMean: number[] = [], batchVar: number[] = [];
  for (let ch = 0; ch < c; ch++) {
    let s = 0, v = 0;
    for (let b = 0; b < n; b++) for (let i = 0; i < hw; i++) s += x[(b * c + ch) * hw + i]!;
    for (let b = 0; b < n; b++) for (let i = 0; i < hw; i++) v += (x[(b * c + ch) * hw + i]! - s / m) ** 2;
    batchMean.push(s / m);
    batchVar.push(v / m);
  }
  const mean = opts.training ? batchMean : Array.from(runningMean);
  const variance = opts.training ? batchVar : Array.from(runningVar);
  const invstd = variance.map((v) => 1 / Math.sqrt(v + (opts.eps ?? 1e-5)));
  return { m, hw, c, batchMean, batchVar, mean, invstd };
}

/** float64 CPU references; `runningMean`/`runningVar` are the values before the forward. */
export const reference = {
  batchNorm2d(x: ArrayLike<number>, shape: Shape, gamma: ArrayLike<number>, beta: ArrayLike<number>, runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, opts: BatchNormOptions): { y: number[]; runningMean: number[]; runningVar: number[] } {
    const mom = opts.momentum ?? 0.1;
    const st = refStats(x, shape, opts, runningMean, runningVar);
    const y = Array.from(x, (v, i) => {
      const ch = Math.floor(i / st.hw) % st.c;
      return (v - st.mean[ch]!) * st.invstd[ch]! * gamma[ch]! + beta[ch]!;
    });
    if (!opts.training) return { y, runningMean: Array.from(runningMean), runningVar: Array.from(runningVar) };
    return {
      y,
      runningMean: Array.from(runningMean, (r, ch) => (1 - mom) * r + mom * st.batchMean[ch]!),
      runningVar: Array.from(runningVar, (r, ch) => (1 - mom) * r + (mom * st.batchVar[ch]! * st.m) / (st.m - 1)),
    };
  },

  batchNorm2dGrad(g: ArrayLike<number>, x: ArrayLike<number>, shape: Shape, gamma: ArrayLike<number>, runningMean: ArrayLike<number>, runningVar: ArrayLike<number>, opts: BatchNormOptions): { dx: number[]; dgamma: number[]; dbeta: number[] } {
    const st = refStats(x, shape, opts, runningMean, runningVar);
    const c = st.c;
    const ch = (i: number): number => Math.floor(i / st.hw) % c;
    const xhat = Array.from(x, (v, i) => (v - st.mean[ch(i)]!) * st.invstd[ch(i)]!);
    const dgamma = new Array<number>(c).fill(0), dbeta = new Array<number>(c).fill(0);
    for (let i = 0; i < x.length; i++) {
      dgamma[ch(i)]! += g[i]! * xhat[i]!;
      dbeta[ch(i)]! += g[i]!;
    }
    const dx = Array.from(x, (_, i) => {
      const k = ch(i);
      const centred = opts.training ? g[i]! - dbeta[k]! / st.m - (xhat[i]! * dgamma[k]!) / st.m : g[i]!;
      return gamma[k]! * st.invstd[k]! * centred;
    });
    return { dx, dgamma, dbeta };
  },
};
