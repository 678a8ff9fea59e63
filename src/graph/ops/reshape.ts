// Reshape with autograd: a view of the same storage; the gradient is reshaped back.

import { record } from '../tape.js';
import type { Shape, Tensor } from '../tensor.js';

export function reshape(x: Tensor, shape: Shape): Tensor {
  return record('reshape', [x], x.reshape(shape), (g) => [g.reshape(x.shape)]);
}
