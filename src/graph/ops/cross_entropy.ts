// Cross-entropy of logits [B, K] against i32 labels [B], mean over the batch → 0-d (PyTorch's default
// F.cross_entropy): per-row losses, then their mean; the backward reads the upstream 0-d gradient on the GPU.
// An out-of-range label makes the loss NaN (PyTorch raises; a kernel cannot). Kernels:
// src/kernels/launchers/softmax.ts (the same row pass as softmax); float64 references: src/reference/cross_entropy.ts.

import { crossEntropyBackward, crossEntropyRows } from '../../kernels/launchers/softmax.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { mean } from './reduce.js';
import { rowsOf } from './softmax.js';

export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const [b] = rowsOf('crossEntropy', logits);
  if (labels.dtype !== 'i32' || labels.shape.length !== 1 || labels.shape[0] !== b) {
    throw new Error(`crossEntropy: labels must be i32 [${b}], got ${labels}`);
  }
  const losses = crossEntropyRows(logits, labels);
  const loss = mean(losses); // not recorded: losses needs no gradient
  losses.dispose();
  return record('crossEntropy', [logits, labels], loss, (g, [xs, ls]) => [crossEntropyBackward(g, xs!, ls!), null], [logits, labels]);
}
