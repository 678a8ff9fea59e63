// Elementwise kernels (shaders/unary.wgsl, shaders/binary.wgsl): one op code per pipeline (override
// OP), four elements per invocation. Raw launches, no autograd.

import { Tensor, type Shape } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

export const UNARY = { copy: 0, relu: 1, relu6: 2, leaky: 3, scale: 4 } as const;
export const BINARY = { add: 0, mul: 1, mul1p: 2, sub: 3 } as const;
export type UnaryOp = keyof typeof UNARY;
export type BinaryOp = keyof typeof BINARY;

const params = { n: 'u32', alpha: 'f32' } as const;
const overrides = ['WG', 'OP'] as const;
export const kernels = {
  forward: kernel({ shader: 'unary', entry: 'forward', params, reads: ['x'], writes: ['y'], overrides }),
  backward: kernel({ shader: 'unary', entry: 'backward', params, reads: ['bg', 'bx'], writes: ['dx'], overrides }),
  fill: kernel({ shader: 'unary', entry: 'fill', params, writes: ['out'], overrides }),
  broadcast: kernel({ shader: 'unary', entry: 'broadcast', params, reads: ['x'], writes: ['y'], overrides }),
  binary: kernel({ shader: 'binary', params, reads: ['a', 'b'], writes: ['y'], overrides }),
  accumulate: kernel({ shader: 'binary', entry: 'accumulate', params, reads: ['src'], writes: ['acc'], overrides }),
};

const quads = (t: Tensor): number => Math.ceil(t.size / 4);

/** y = f(x) for a unary op (alpha: the leaky slope or the scale). */
export function unaryForward(op: UnaryOp, x: Tensor, alpha = 0): Tensor {
  const y = Tensor.empty(x.shape);
  launch1d(kernels.forward, quads(x), { x }, { y }, { n: x.size, alpha }, { OP: UNARY[op] });
  return y;
}

/** dx = g · f'(x). */
export function unaryBackward(op: UnaryOp, g: Tensor, x: Tensor, alpha = 0): Tensor {
  const dx = Tensor.empty(x.shape);
  launch1d(kernels.backward, quads(x), { bg: g, bx: x }, { dx }, { n: x.size, alpha }, { OP: UNARY[op] });
  return dx;
}

/** y = op(a, b) on equal shapes (the caller checks them). */
export function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  const y = Tensor.empty(a.shape);
  launch1d(kernels.binary, quads(a), { a, b }, { y }, { n: a.size, alpha: 1 }, { OP: BINARY[op] });
  return y;
}

export function fill(shape: Shape, value: number): Tensor {
  const out = Tensor.empty(shape);
  launch1d(kernels.fill, quads(out), {}, { out }, { n: out.size, alpha: value }, { OP: 0 });
  return out;
}

export const zeros = (shape: Shape): Tensor => fill(shape, 0);
export const ones = (shape: Shape): Tensor => fill(shape, 1);

/** A new tensor with the same values. */
export const copy = (x: Tensor): Tensor => unaryForward('copy', x);

/** acc += x in place (gradient accumulation). */
export function accumulate(acc: Tensor, x: Tensor): void {
  if (acc.shape.length !== x.shape.length || acc.shape.some((d, i) => d !== x.shape[i])) throw new Error(`accumulate: shapes [${acc.shape}] and [${x.shape}] differ`);
  launch1d(kernels.accumulate, quads(x), { src: x }, { acc }, { n: x.size, alpha: 0 }, { OP: 0 });
}

/** A tensor of `shape` filled with alpha · s[0] for a 0-d s (backward of reductions). */
export function broadcastScalar(s: Tensor, shape: Shape, alpha = 1): Tensor {
  const y = Tensor.empty(shape);
  launch1d(kernels.broadcast, quads(y), { x: s }, { y }, { n: y.size, alpha }, { OP: 0 });
  return y;
}
