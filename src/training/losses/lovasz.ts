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
// Kernels: src/kernels/launchers/lovasz.ts; float64 reference: src/reference/lovasz.ts.

import { record } from '../../graph/tape.js';
import type { Tensor } from '../../graph/tensor.js';
import { lovaszBackward, lovaszForward } from '../../kernels/launchers/lovasz.js';

/**
 * logits [B, C, H, W] f32; target [B, H, W] (or [B, 1, H, W]): i32 class labels, or an f32 mask whose
 * label is mask > threshold (class 1) else class 0. Returns the 0-d loss; the gradient flows to logits.
 */
export function lovaszSoftmax(logits: Tensor, target: Tensor, threshold = 0.5): Tensor {
  if (logits.shape.length !== 4 || logits.dtype !== 'f32') throw new Error(`lovaszSoftmax: logits must be f32 [B, C, H, W], got ${logits}`);
  const [b, , h, w] = logits.shape as [number, number, number, number];
  const n = b * h * w;
  if (target.size !== n || n === 0) throw new Error(`lovaszSoftmax: target ${target} must hold one label per pixel of ${logits}`);
  const { loss, jgrad, weights } = lovaszForward(logits, target, threshold);
  const y = record('lovaszSoftmax', [logits, target], loss, (g, [xs, ts, js, ws]) => [
    lovaszBackward(xs!, ts!, js!, ws!, g, threshold), null,
  ], [logits, target, jgrad, weights]);
  jgrad.dispose();
  weights.dispose();
  return y;
}
