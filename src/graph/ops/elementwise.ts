// Elementwise ops (shaders/unary.wgsl, shaders/binary.wgsl): activations, add/mul/fusion, fill,
// copy, scale, in-place accumulation; their backward rules and float64 CPU references.

import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';
import { f32bits, launch1d, sameShape } from './launch.js';

const UNARY = { copy: 0, relu: 1, relu6: 2, leaky: 3, scale: 4 } as const;
const BINARY = { add: 0, mul: 1, mul1p: 2, sub: 3 } as const;
type UnaryOp = keyof typeof UNARY;
type BinaryOp = keyof typeof BINARY;

function unaryRaw(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  const y = Tensor.empty(x.shape);
  launch1d('unary', 'forward', { OP: UNARY[op] }, [x], [y], Math.ceil(x.size / 4), [x.size, f32bits(alpha)]);
  return y;
}

function unaryGrad(op: UnaryOp, g: Tensor, x: Tensor, alpha = 0): Tensor {
  const dx = Tensor.empty(x.shape);
  launch1d('unary', 'backward', { OP: UNARY[op] }, [g, x], [dx], Math.ceil(x.size / 4), [x.size, f32bits(alpha)]);
  return dx;
}

function binaryRaw(op: BinaryOp, a: Tensor, b: Tensor, alpha = 1): Tensor {
  sameShape(op, a, b);
  const y = Tensor.empty(a.shape);
  launch1d('binary', 'main', { OP: BINARY[op] }, [a, b], [y], Math.ceil(a.size / 4), [a.size, f32bits(alpha)]);
  return y;
}

export function fill(shape: Shape, value: number): Tensor {
  const t = Tensor.empty(shape);
  launch1d('unary', 'fill', { OP: 0 }, [], [t], Math.ceil(t.size / 4), [t.size, f32bits(value)]);
  return t;
}

export const zeros = (shape: Shape): Tensor => fill(shape, 0);
export const ones = (shape: Shape): Tensor => fill(shape, 1);

/** A new tensor with the same values (no autograd). */
export const copy = (x: Tensor): Tensor => unaryRaw('copy', x);

/** acc += x in place (gradient accumulation; no autograd). */
export function accumulate(acc: Tensor, x: Tensor): void {
  sameShape('accumulate', acc, x);
  launch1d('binary', 'accumulate', { OP: 0 }, [x], [acc], Math.ceil(x.size / 4), [x.size, 0]);
}

/** A tensor of `shape` filled with alpha · s[0] for a 0-d s (backward of reductions). */
export function broadcastScalar(s: Tensor, shape: Shape, alpha = 1): Tensor {
  const y = Tensor.empty(shape);
  launch1d('unary', 'broadcast', { OP: 0 }, [s], [y], Math.ceil(y.size / 4), [y.size, f32bits(alpha)]);
  return y;
}

function activation(op: 'relu' | 'relu6' | 'leaky', x: Tensor, alpha = 0): Tensor {
  return record(op, [x], unaryRaw(op, x, alpha), (g, [xs]) => [unaryGrad(op, g, xs!, alpha)], [x]);
}

export const relu = (x: Tensor): Tensor => activation('relu', x);
export const relu6 = (x: Tensor): Tensor => activation('relu6', x);
export const leakyRelu = (x: Tensor, slope = 0.01): Tensor => activation('leaky', x, slope);

export function scale(x: Tensor, alpha: number): Tensor {
  return record('scale', [x], unaryRaw('scale', x, alpha), (g) => [unaryRaw('scale', g, alpha)]);
}

export function add(a: Tensor, b: Tensor): Tensor {
  return record('add', [a, b], binaryRaw('add', a, b), (g) => [g, g]);
}

export function sub(a: Tensor, b: Tensor): Tensor {
  return record('sub', [a, b], binaryRaw('sub', a, b), (g) => [g, b.requiresGrad ? unaryRaw('scale', g, -1) : null]);
}

export function mul(a: Tensor, b: Tensor): Tensor {
  return record('mul', [a, b], binaryRaw('mul', a, b), (g, [as, bs]) => [
    a.requiresGrad ? binaryRaw('mul', g, bs!) : null,
    b.requiresGrad ? binaryRaw('mul', g, as!) : null,
  ], [a, b]);
}

/** The OAENet fusion y = x · (1 + a). */
export function fusion(x: Tensor, a: Tensor): Tensor {
  return record('fusion', [x, a], binaryRaw('mul1p', x, a), (g, [xs, as]) => [
    x.requiresGrad ? binaryRaw('mul1p', g, as!) : null,
    a.requiresGrad ? binaryRaw('mul', g, xs!) : null,
  ], [x, a]);
}

/** float64 CPU references. */
export const reference = {
  relu: (x: ArrayLike<number>) => Array.from(x, (v) => Math.max(v, 0)),
  relu6: (x: ArrayLike<number>) => Array.from(x, (v) => Math.min(Math.max(v, 0), 6)),
  leakyRelu: (x: ArrayLike<number>, s: number) => Array.from(x, (v) => (v > 0 ? v : s * v)),
  reluGrad: (g: ArrayLike<number>, x: ArrayLike<number>) => Array.from(x, (v, i) => (v > 0 ? g[i]! : 0)),
  relu6Grad: (g: ArrayLike<number>, x: ArrayLike<number>) => Array.from(x, (v, i) => (v > 0 && v < 6 ? g[i]! : 0)),
  leakyReluGrad: (g: ArrayLike<number>, x: ArrayLike<number>, s: number) => Array.from(x, (v, i) => (v > 0 ? g[i]! : s * g[i]!)),
  add: (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, i) => v + b[i]!),
  mul: (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a, (v, i) => v * b[i]!),
  fusion: (x: ArrayLike<number>, a: ArrayLike<number>) => Array.from(x, (v, i) => v * (1 + a[i]!)),
};
