// Cross-entropy of logits [B, K] against i32 labels [B], mean over the batch → 0-d (PyTorch's default
// F.cross_entropy). Per-row losses come from shaders/softmax.wgsl (ce_forward shares softmax's row pass), the
// mean from reduce.ts; the backward reads the upstream 0-d gradient on the GPU. float64 CPU references.
// An out-of-range label makes the loss NaN (PyTorch raises; a kernel cannot).

import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { f32bits, launch1d } from './launch.js';
import { mean } from './reduce.js';
import { rowsOf, reference as softmaxRef } from './softmax.js';

export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const [b, k] = rowsOf('crossEntropy', logits);
  if (labels.dtype !== 'i32' || labels.shape.length !== 1 || labels.shape[0] !== b) {
    throw new Error(`crossEntropy: labels must be i32 [${b}], got ${labels}`);
  }
  const losses = Tensor.empty([b]);
  launch1d('softmax', 'ce_forward', {}, [logits, labels], [losses], b, [b, k, 0, f32bits(NaN)]);
  const loss = mean(losses); // not recorded: losses needs no gradient
  losses.dispose();
  return record('crossEntropy', [logits, labels], loss, (g, [xs, ls]) => {
    const dx = Tensor.empty(logits.shape);
    launch1d('softmax', 'ce_backward', {}, [xs!, ls!, g], [dx], b, [b, k, f32bits(1 / b), 0]);
    return [dx, null];
  }, [logits, labels]);
}

export const reference = {
  crossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number): number {
    let total = 0;
    for (let r = 0; r < labels.length; r++) {
      const row = Array.from({ length: k }, (_, j) => logits[r * k + j]!);
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
      total += lse - row[labels[r]!]!;
    }
    return total / labels.length;
  },
  /** (softmax − onehot) · g / B for the upstream scalar g. */
  crossEntropyGrad(logits: ArrayLike<number>, labels: ArrayLike<number>, k: number, g = 1): number[] {
    const p = softmaxRef.softmax(logits, k);
    const b = labels.length;
    return p.map((v, i) => ((v - (i % k === labels[Math.floor(i / k)]! ? 1 : 0)) * g) / b);
  },
};
