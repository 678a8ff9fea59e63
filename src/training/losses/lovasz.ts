// Lovász-softmax loss (Berman, Rannen Triki, Blaschko 2018), as their reference
// lovasz_softmax(softmax(logits), labels, classes='present', per_image=False): per class c, the errors
// |fg_c − p_c| over all pixels of the batch sorted descending, dotted with the gradient of the Lovász extension
// of the Jaccard loss at that order (a constant: the sort permutation carries no gradient); the mean over the
// classes present in the labels. OAENet uses it on seg_out [B, 2, H, W] against mask > 0.5.
// Ties in the errors are broken by ascending pixel index (b, h, w order), as a stable sort would. An i32 label
// outside [0, C) is background for every class (there is no ignore label).
// The original OAENet code calls a variant (LovaszSoftmaxV1) that averages over all C classes, an absent class
// adding its largest error; the two agree when both classes occur, as on a batch of face masks in practice
// (each landmark diamond runs from 1 at its centre to 0.07 at its corners).
// GPU pipeline in shaders/lovasz.wgsl and shaders/sort.wgsl; float64 CPU reference at the end.

import { record } from '../../graph/tape.js';
import { Tensor } from '../../graph/tensor.js';
import { f32bits, launch, launch1d, tuning } from '../../graph/ops/launch.js';
import { sortPairs } from './sort.js';

/** Sorted positions one invocation walks in the count and gradient passes. */
const CHUNK = 256;

/**
 * logits [B, C, H, W] f32; target [B, H, W] (or [B, 1, H, W]): i32 class labels, or an f32 mask whose
 * label is mask > threshold (class 1) else class 0. Returns the 0-d loss; the gradient flows to logits.
 */
export function lovaszSoftmax(logits: Tensor, target: Tensor, threshold = 0.5): Tensor {
  if (logits.shape.length !== 4 || logits.dtype !== 'f32') throw new Error(`lovaszSoftmax: logits must be f32 [B, C, H, W], got ${logits}`);
  const [b, c, h, w] = logits.shape as [number, number, number, number];
  const n = b * h * w;
  if (target.size !== n || n === 0) throw new Error(`lovaszSoftmax: target ${target} must hold one label per pixel of ${logits}`);
  const npad = 2 ** Math.ceil(Math.log2(n));
  const q = Math.ceil(n / CHUNK);
  const consts = { MASK: target.dtype === 'f32' ? 1 : 0, CHUNK };
  const params = [n, c, h * w, npad, q, f32bits(threshold)];
  const wg = tuning().wgReduce;

  const pairs = Tensor.empty([c * npad * 2], 'i32');
  launch1d('lovasz', 'errors', { ...consts }, [target, logits], [pairs], Math.ceil(npad / 4), params);
  sortPairs(pairs, c, npad);
  const counts = Tensor.empty([c * q], 'i32');
  launch1d('lovasz', 'count', { ...consts }, [target, pairs], [counts], c * q, params);
  // Exclusive prefix counts per chunk, then the class totals.
  const offsets = Tensor.empty([c * q + c], 'i32');
  launch({ shader: 'lovasz', entry: 'scan', reads: 1, writes: 1, constants: { WG: wg } }, [counts], [offsets], params, [c]);
  const jgrad = Tensor.empty([c * n]);
  const partial = Tensor.empty([c * q]);
  launch1d('lovasz', 'grad', { ...consts }, [target, pairs, offsets], [jgrad, partial], c * q, params);
  const loss = Tensor.empty([]);
  const weights = Tensor.empty([c]);
  launch({ shader: 'lovasz', entry: 'finish', reads: 2, writes: 2, constants: { WG: wg } }, [offsets, partial], [loss, weights], params, [1]);
  for (const t of [pairs, counts, offsets, partial]) t.dispose();

  const y = record('lovaszSoftmax', [logits, target], loss, (g, [xs, ts, js, ws]) => {
    const dx = Tensor.empty(logits.shape);
    launch1d('lovasz', 'backward', { MASK: consts.MASK }, [ts!, xs!, js!, ws!, g], [dx], Math.ceil(n / 4), params);
    return [dx, null];
  }, [logits, target, jgrad, weights]);
  jgrad.dispose();
  weights.dispose();
  return y;
}

/** Berman's lovasz_grad: the Lovász extension's gradient for foreground flags in sorted order. */
function lovaszGrad(fgSorted: number[]): number[] {
  const gts = fgSorted.reduce((a, v) => a + v, 0);
  let fgs = 0;
  const jac = fgSorted.map((f, k) => {
    fgs += f;
    return 1 - (gts - fgs) / (gts + (k + 1 - fgs));
  });
  for (let k = jac.length - 1; k > 0; k--) jac[k]! -= jac[k - 1]!;
  return jac;
}

export const reference = {
  /**
   * The loss and d loss / d logits (float64), labels one class per pixel in (b, h, w) order. The gradient is
   * PyTorch autograd's of the reference expression: through |fg − p| (sign, 0 at 0) and the softmax.
   */
  lovaszSoftmax(logits: ArrayLike<number>, shape: readonly number[], labels: ArrayLike<number>): { loss: number; grad: number[] } {
    const [b, c, h, w] = shape as [number, number, number, number];
    const hw = h * w;
    const n = b * hw;
    const at = (i: number, k: number) => (Math.floor(i / hw) * c + k) * hw + (i % hw);
    const probs: number[][] = [];
    for (let i = 0; i < n; i++) {
      const row = Array.from({ length: c }, (_, k) => logits[at(i, k)]!);
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, v) => a + v, 0);
      probs.push(e.map((v) => v / s));
    }
    const dprob = Array.from({ length: n }, () => new Array<number>(c).fill(0));
    const losses: { loss: number; k: number; order: number[]; jac: number[] }[] = [];
    for (let k = 0; k < c; k++) {
      const fg = Array.from({ length: n }, (_, i) => (labels[i] === k ? 1 : 0));
      if (!fg.some((v) => v)) continue;
      const err = fg.map((f, i) => Math.abs(f - probs[i]![k]!));
      const order = err.map((_, i) => i).sort((a, z) => err[z]! - err[a]! || a - z);
      const jac = lovaszGrad(order.map((i) => fg[i]!));
      losses.push({ loss: order.reduce((a, i, r) => a + err[i]! * jac[r]!, 0), k, order, jac });
    }
    for (const { k, order, jac } of losses) {
      order.forEach((i, r) => {
        const f = labels[i] === k ? 1 : 0;
        dprob[i]![k]! += (jac[r]! * Math.sign(probs[i]![k]! - f)) / losses.length;
      });
    }
    const grad = new Array<number>(n * c).fill(0);
    for (let i = 0; i < n; i++) {
      const p = probs[i]!;
      const dot = p.reduce((a, v, k) => a + v * dprob[i]![k]!, 0);
      for (let k = 0; k < c; k++) grad[at(i, k)] = p[k]! * (dprob[i]![k]! - dot);
    }
    return { loss: losses.reduce((a, l) => a + l.loss, 0) / losses.length, grad };
  },
};
