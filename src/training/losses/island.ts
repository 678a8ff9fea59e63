// Island loss of OAENet's training recipe (Cai et al. 2018, as the original OAELoss.island_loss computes it):
//   L = MSE(f, μ_y) + λ1 · Σ_{i≠j, ordered} (cos(μ_i, μ_j) + 1)
// over the pooled features f [B, D], with μ_k the mean feature of class k in this batch. Centres are not
// parameters: they are computed from f, and the gradient flows through them as PyTorch autograd does.
// A class without rows in the batch gets the constant centre ABSENT_CENTRE·(1, …, 1) and no gradient; the
// original uses 1e-9, and since cosines do not depend on a vector's scale any positive constant gives the same
// loss — 1e-6 keeps |μ|² (D·1e-12) far from float32 underflow. A present class whose mean is exactly zero
// makes the cosine NaN, as in the original.
// Built from tape ops: classMeans/centreRows (each other's backward), sub, mul, mean, linear (the Gram
// matrix μ·μᵀ) and the pairwise-cosine term. Kernels: src/kernels/launchers/island.ts; float64 reference:
// src/reference/island.ts.

import { record } from '../../graph/tape.js';
import { scope, type Tensor } from '../../graph/tensor.js';
import { add, mul, scale, sub } from '../../graph/ops/elementwise.js';
import { linear } from '../../graph/ops/linear.js';
import { mean } from '../../graph/ops/reduce.js';
import { gatherRows, pairCosineGrad, pairCosineLoss, segmentRows, type Rows } from '../../kernels/launchers/island.js';

export const ABSENT_CENTRE = 1e-6;

/** μ [K, D]: the mean row of each class (ABSENT_CENTRE everywhere for a class without rows). */
function classMeans(x: Tensor, labels: Tensor, r: Rows): Tensor {
  return record('classMeans', [x], segmentRows(x, labels, r, true, ABSENT_CENTRE), (g, [ls]) => [gatherRows(g, ls!, r, true)], [labels]);
}

/** [B, D]: row b is μ[label b] (zero for a label outside [0, K), as the original's zero-initialised x_mean). */
function centreRows(mu: Tensor, labels: Tensor, r: Rows): Tensor {
  return record('centreRows', [mu], gatherRows(mu, labels, r, false), (g, [ls]) => [segmentRows(g, ls!, r, false)], [labels]);
}

/** Σ_{i≠j} (G_ij / √(G_ii G_jj) + 1) of a Gram matrix G [K, K] → 0-d. */
function pairCosine(gram: Tensor, k: number): Tensor {
  return record('pairCosine', [gram], pairCosineLoss(gram, k), (g, [gs]) => [pairCosineGrad(gs!, g, k)], [gram]);
}

/** features [B, D] f32, labels [B] i32 in [0, numClasses) → 0-d loss. */
export function islandLoss(features: Tensor, labels: Tensor, numClasses = 7, lambda1 = 0.1): Tensor {
  if (features.shape.length !== 2 || features.dtype !== 'f32') throw new Error(`islandLoss: features must be f32 [B, D], got ${features}`);
  const [b, d] = features.shape as [number, number];
  if (labels.dtype !== 'i32' || labels.size !== b) throw new Error(`islandLoss: labels must be i32 [${b}], got ${labels}`);
  const r: Rows = { b, d, k: numClasses };
  return scope(() => {
    const mu = classMeans(features, labels, r);
    const diff = sub(features, centreRows(mu, labels, r));
    const mse = mean(mul(diff, diff));
    return add(mse, scale(pairCosine(linear(mu, mu), numClasses), lambda1));
  });
}
