// Shape checks shared by the ops: a mismatch names the op and both shapes.

import type { Tensor } from '../tensor.js';

export function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
  }
}
