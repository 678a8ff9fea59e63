// Max pooling of NCHW planes (shaders/max_pool2d.wgsl): the forward saves each window's argmax (i32)
// so that the backward is a deterministic gather. Raw launches, no autograd.

import { Tensor, type Shape } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

const params = { h: 'u32', w: 'u32', ho: 'u32', wo: 'u32', k: 'u32', s: 'u32', pad_t: 'u32', pad_l: 'u32', n: 'u32' } as const;
export const kernels = {
  forward: kernel({ shader: 'max_pool2d', entry: 'forward', params, reads: ['x'], writes: ['y', 'argmax_out'], overrides: ['WG'] }),
  backward: kernel({ shader: 'max_pool2d', entry: 'backward', params, reads: ['g', 'argmax'], writes: ['dx'], overrides: ['WG'] }),
};

/** k×k windows at stride s; the padding above and left places them (the rest only sets the output size). */
export interface PoolWindow {
  k: number;
  s: number;
  padTop: number;
  padLeft: number;
}

/** Every field but n: the input plane of `shape`, the output plane, the window. */
function geometry(shape: Shape, ho: number, wo: number, win: PoolWindow) {
  const [, , h, w] = shape as [number, number, number, number];
  return { h, w, ho, wo, k: win.k, s: win.s, pad_t: win.padTop, pad_l: win.padLeft };
}

/** y [N, C, ho, wo] and each window's argmax as h·W + w in its input plane (i32). */
export function maxPoolForward(x: Tensor, win: PoolWindow, ho: number, wo: number): { y: Tensor; argmax: Tensor } {
  const [n, c] = x.shape as [number, number];
  const y = Tensor.empty([n, c, ho, wo]);
  const argmax = Tensor.empty(y.shape, 'i32');
  launch1d(kernels.forward, Math.ceil(y.size / 4), { x }, { y, argmax_out: argmax }, { ...geometry(x.shape, ho, wo, win), n: y.size });
  return { y, argmax };
}

/** dx of `shape`: each input pixel sums the gradients of the windows whose argmax it is. */
export function maxPoolBackward(g: Tensor, argmax: Tensor, shape: Shape, win: PoolWindow): Tensor {
  const [, , ho, wo] = g.shape as [number, number, number, number];
  const dx = Tensor.empty(shape);
  launch1d(kernels.backward, Math.ceil(dx.size / 4), { g, argmax }, { dx }, { ...geometry(shape, ho, wo, win), n: dx.size });
  return dx;
}
