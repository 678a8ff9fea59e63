// Bilinear ×2 upsampling of NCHW with align_corners = true (shaders/upsample_bilinear2d.wgsl); the
// backward is an atomics-free gather with the forward's weights. Raw launches, no autograd.

import { Tensor, type Shape } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

const params = { h: 'u32', w: 'u32', oh: 'u32', ow: 'u32', scale_h: 'f32', scale_w: 'f32', n: 'u32' } as const;
export const kernels = {
  forward: kernel({ shader: 'upsample_bilinear2d', entry: 'forward', params, reads: ['x'], writes: ['y'], overrides: ['WG'] }),
  backward: kernel({ shader: 'upsample_bilinear2d', entry: 'backward', params, reads: ['g'], writes: ['dx'], overrides: ['WG'] }),
};

/** (in − 1)/(out − 1), 0 for a single output (PyTorch's align_corners scale). */
export const alignCornersScale = (len: number, outLen: number): number => (outLen > 1 ? (len - 1) / (outLen - 1) : 0);

/** Every field but n for an input of `shape` (f32 scales, as PyTorch computes them for float tensors). */
function geometry(shape: Shape) {
  const [, , h, w] = shape as [number, number, number, number];
  const [oh, ow] = [2 * h, 2 * w];
  return { h, w, oh, ow, scale_h: alignCornersScale(h, oh), scale_w: alignCornersScale(w, ow) };
}

export function upsampleForward(x: Tensor): Tensor {
  const [n, c] = x.shape as [number, number];
  const geo = geometry(x.shape);
  const y = Tensor.empty([n, c, geo.oh, geo.ow]);
  launch1d(kernels.forward, Math.ceil(y.size / 4), { x }, { y }, { ...geo, n: y.size });
  return y;
}

/** dx of the input `shape` from g of the output's. */
export function upsampleBackward(g: Tensor, shape: Shape): Tensor {
  const dx = Tensor.empty(shape);
  launch1d(kernels.backward, Math.ceil(dx.size / 4), { g }, { dx }, { ...geometry(shape), n: dx.size });
  return dx;
}
