// float64 reference of the island loss and its gradient.

import { ABSENT_CENTRE } from '../training/losses/island.js';

/** The loss and d loss / d features, by the chain rule through the batch centres. */
export function islandLoss(x: ArrayLike<number>, labels: ArrayLike<number>, b: number, d: number, numClasses = 7, lambda1 = 0.1): { loss: number; grad: number[] } {
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
}
