// float64 references of the mean cross-entropy of logits [B, K] against labels [B].

import { softmax } from './softmax.js';

export function crossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
  let total = 0;
  for (let r = 0; r < labels.length; r++) {
    const row = Array.from({ length: k }, (_, j) => logits[r * k + j]!);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    total += lse - row[labels[r]!]!;
  }
  return total / labels.length;
}

/** (softmax − onehot) · g / B for the upstream scalar g. */
export function crossEntropyGrad(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number, g = 1): number[] {
  const p = softmax(logits, k);
  const b = labels.length;
  return p.map((v, i) => ((v - (i % k === labels[Math.floor(i / k)]! ? 1 : 0)) * g) / b);
}
