// Linear layer y = x·Wᵀ + b as a 1×1 convolution over a 1×1 image, so it shares the register-tiled
// pointwise kernel and its backward (dX = dY·W, dW = dYᵀ·X, db = Σ dY) with conv2d. float64 reference:
// src/reference/linear.ts.

import type { Tensor } from '../tensor.js';
import { conv2d } from './conv2d.js';
import { reshape } from './reshape.js';

/** x [B, in], w [out, in] (PyTorch layout), b [out] → [B, out]. */
export function linear(x: Tensor, w: Tensor, b?: Tensor | null): Tensor {
  const [batch, inF] = x.shape as [number, number];
  const [outF, wIn] = w.shape as [number, number];
  if (x.shape.length !== 2 || w.shape.length !== 2 || wIn !== inF) {
    throw new Error(`linear: x [${x.shape}] and weight [${w.shape}] do not match (want x [B, in], weight [out, in])`);
  }
  const y = conv2d(reshape(x, [batch, inF, 1, 1]), reshape(w, [outF, inF, 1, 1]), b ?? null);
  return reshape(y, [batch, outF]);
}
