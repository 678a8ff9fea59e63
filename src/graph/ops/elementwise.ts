// Elementwise ops: activations, scale, add/sub/mul and the OAENet fusion, with their backward rules.
// Kernels: src/kernels/launchers/elementwise.ts; float64 references: src/reference/elementwise.ts.

import { binaryForward, unaryBackward, unaryForward, type BinaryOp } from '../../kernels/launchers/elementwise.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { sameShape } from './shapes.js';

export { accumulate, broadcastScalar, copy, fill, ones, zeros } from '../../kernels/launchers/elementwise.js';

function binary(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  sameShape(op, a, b);
  return binaryForward(op, a, b);
}

function activation(op: 'relu' | 'relu6' | 'leaky', x: Tensor, alpha = 0): Tensor {
  return record(op, [x], unaryForward(op, x, alpha), (g, [xs]) => [unaryBackward(op, g, xs!, alpha)], [x]);
}

export const relu = (x: Tensor): Tensor => activation('relu', x);
export const relu6 = (x: Tensor): Tensor => activation('relu6', x);
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => activation('leaky', x, slope);

export function scale(x: Tensor, alpha: number): Tensor {
  return record('scale', [x], unaryForward('scale', x, alpha), (g) => [unaryForward('scale', g, alpha)]);
}

export function add(a: Tensor, b: Tensor): Tensor {
  return record('add', [a, b], binary('add', a, b), (g) => [g, g]);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  return record('sub', [a, b], binary('sub', a, b), (g) => [g, b.requiresGrad ? unaryForward('scale', g, -1) : null]);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  return record('mul', [a, b], binary('mul', a, b), (g, [as, bs]) => [
    a.requiresGrad ? binaryForward('mul', g, bs!) : null,
    b.requiresGrad ? binaryForward('mul', g, as!) : null,
  ], [a, b]);
}

/** The OAENet fusion y = x · (1 + a). */
export function fusion(x: Tensor, a: Tensor): Tensor {
  return record('fusion', [x, a], binary('mul1p', x, a), (g, [xs, as]) => [
    x.requiresGrad ? binaryForward('mul1p', g, as!) : null,
    a.requiresGrad ? binaryForward('mul', g, xs!) : null,
  ], [x, a]);
}
