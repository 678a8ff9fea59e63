// Bilinear resize (half-pixel centres, no antialiasing) of the last two axes, shaders/resize.wgsl.
// Used on data (network inputs, masks), so it has no backward.

import { Tensor } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

export const kernels = {
  bilinear: kernel({
    shader: 'resize',
    params: { planes: 'u32', h: 'u32', w: 'u32', ho: 'u32', wo: 'u32', sy: 'f32', sx: 'f32' },
    reads: ['x'],
    writes: ['y'],
    overrides: ['WG'],
  }),
};

/** x [..., H, W] → [..., ho, wo]. */
export function resizeBilinear(x: Tensor, ho: number, wo: number): Tensor {
  const [h, w] = x.shape.slice(-2) as [number, number];
  const planes = x.size / (h * w);
  const y = Tensor.empty([...x.shape.slice(0, -2), ho, wo]);
  launch1d(kernels.bilinear, planes * ho * wo, { x }, { y }, { planes, h, w, ho, wo, sy: h / ho, sx: w / wo });
  return y;
}
