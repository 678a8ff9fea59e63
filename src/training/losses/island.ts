// Island loss of OAENet's training recipe (Cai et al. 2018, as the original OAELoss.island_loss computes it):
//   L = MSE(f, μ_y) + λ1 · Σ_{i≠j, ordered} (cos(μ_i, μ_j) + 1)
// over the pooled features f [B, D], with μ_k the mean feature of class k in this batch. Centres are not
// parameters: they are computed from f, and the gradient flows through them as PyTorch autograd does.
// A class without rows in the batch gets the constant centre ABSENT_CENTRE·(1, …, 1) and no gradient; the
// original uses 1e-9, and since cosines do not depend on a vector's scale any positive constant gives the same
// loss — 1e-6 keeps |μ|² (D·1e-12) far from float32 underflow. A present class whose mean is exactly zero
// makes the cosine NaN, as in the original.
// Built from tape ops: classMeans/gatherRows (shaders/island.wgsl, each other's backward), sub, mul, mean,
// linear (the Gram matrix μ·μᵀ) and the pairwise-cosine term; float64 CPU reference at the end.

import { record } from '../../graph/tape.js';
import { scope, Tensor } from '../../graph/tensor.js';
import { f32bits, launch1d } from '../../graph/ops/launch.js';
import { add, mul, scale, sub } from '../../graph/ops/elementwise.js';
import { linear } from '../../graph/ops/linear.js';
import { mean } from '../../graph/ops/reduce.js';

export const ABSENT_CENTRE = 1e-6;

type Rows = { b: number; d: number; k: number };

function segment(x: Tensor, labels: Tensor, r: Rows, meanOf: boolean): Tensor {
  const out = Tensor.empty([r.k, r.d]);
  launch1d('island', 'segment', { MEAN: meanOf ? 1 : 0 }, [labels, x], [out], r.k * Math.ceil(r.d / 4), [r.b, r.d, r.k, f32bits(meanOf ? ABSENT_CENTRE : 0)]);
  return out;
}

function gather(src: Tensor, labels: Tensor, r: Rows, meanOf: boolean): Tensor {
  const out = Tensor.empty([r.b, r.d]);
  launch1d('island', 'gather', { MEAN: meanOf ? 1 : 0 }, [labels, src], [out], r.b * Math.ceil(r.d / 4), [r.b, r.d, r.k, 0]);
  return out;
}

/** μ [K, D]: the mean row of each class (ABSENT_CENTRE everywhere for a class without rows). */
function classMeans(x: Tensor, labels: Tensor, r: Rows): Tensor {
  return record('classMeans', [x], segment(x, labels, r, true), (g, [ls]) => [gather(g, ls!, r, true)], [labels]);
}

/** [B, D]: row b is μ[label b] (zero for a label outside [0, K), as the original's zero-initialised x_mean). */
function gatherRows(mu: Tensor, labels: Tensor, r: Rows): Tensor {
  return record('gatherRows', [mu], gather(mu, labels, r, false), (g, [ls]) => [segment(g, ls!, r, false)], [labels]);
}

/** Σ_{i≠j} (G_ij / √(G_ii G_jj) + 1) of a Gram matrix G [K, K] → 0-d. */
function pairCosine(gram: Tensor, k: number): Tensor {
  const out = Tensor.empty([]);
  const params = [0, 0, k, 0];
  launch1d('island', 'pair_loss', {}, [gram], [out], 1, params);
  return record('pairCosine', [gram], out, (g, [gs]) => {
    const dg = Tensor.empty([k, k]);
    launch1d('island', 'pair_grad', {}, [gs!, g], [dg], k * k, params);
    return [dg];
  }, [gram]);
}

/** features [B, D] f32, labels [B] i32 in [0, numClasses) → 0-d loss. */
export function islandLoss(features: Tensor, labels: Tensor, numClasses = 7, lambda1 = 0.1): Tensor {
  if (features.shape.length !== 2 || features.dtype !== 'f32') throw new Error(`islandLoss: features must be f32 [B, D], got ${features}`);
  const [b, d] = features.shape as [number, number];
  if (labels.dtype !== 'i32' || labels.size !== b) throw new Error(`islandLoss: labels must be i32 [${b}], got ${labels}`);
  const r: Rows = { b, d, k: numClasses };
  return scope(() => {
    const mu = classMeans(features, labels, r);
    const diff = sub(features, gatherRows(mu, labels, r));
    const mse = mean(mul(diff, diff));
    return add(mse, scale(pairCosine(linear(mu, mu), numClasses), lambda1));
  });
}

export const reference = {
  /** The loss and d loss / d features in float64, by the chain rule through the batch centres. */
  islandLoss(x: ArrayLike<number>, labels: ArrayLike<number>, b: number, d: number, numClasses = 7, lambda1 = 0.1): { loss: number; grad: number[] } {
    const k = numClasses;
    const size = new Array<number>(k).fill(0);
    const mu = Array.from({ length: k }, () => new Array<number>(d).fill(0));
    for (let r = 0; r < b; r++) {
      const y = labels[r]!;
      if (y < 0 || y >= k) continue;
      size[y]!++;
      for (let j = 0; j < d; j++) mu[y]![j]! += x[r * d + j]!;
    }
    for (let c = 0; c < k; c++) mu[c] = mu[c]!.map((v) => (size[c] ? v / size[c]! : ABSENT_CENTRE));
    const centreOf = (r: number) => (labels[r]! >= 0 && labels[r]! < k ? mu[labels[r]!]! : null);
    const dmu = Array.from({ length: k }, () => new Array<number>(d).fill(0));
    const grad = new Array<number>(b * d).fill(0);
    let mse = 0;
    for (let r = 0; r < b; r++) {
      const m = centreOf(r);
      for (let j = 0; j < d; j++) {
        const diff = x[r * d + j]! - (m ? m[j]! : 0);
        mse += diff * diff;
        grad[r * d + j] = (2 * diff) / (b * d);
        if (m) dmu[labels[r]!]![j]! -= (2 * diff) / (b * d);
      }
    }
    const norm = mu.map((v) => Math.hypot(...v));
    const dot = (i: number, j: number) => mu[i]!.reduce((a, v, t) => a + v * mu[j]![t]!, 0);
    let pairs = 0;
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        if (i === j) continue;
        const cos = dot(i, j) / (norm[i]! * norm[j]!);
        pairs += cos + 1;
        // d cos / d μ_i, counted for the (i, j) and (j, i) terms.
        for (let t = 0; t < d; t++) {
          dmu[i]![t]! += 2 * lambda1 * (mu[j]![t]! / (norm[i]! * norm[j]!) - (cos * mu[i]![t]!) / norm[i]! ** 2);
        }
      }
    }
    for (let r = 0; r < b; r++) {
      if (!centreOf(r)) continue;
      for (let j = 0; j < d; j++) grad[r * d + j]! += dmu[labels[r]!]![j]! / size[labels[r]!]!;
    }
    return { loss: mse / (b * d) + lambda1 * pairs, grad };
  },
};
