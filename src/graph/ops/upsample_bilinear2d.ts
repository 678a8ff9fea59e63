// Bilinear ×2 upsampling of NCHW with align_corners = true: output index o reads the input at
// o·(in − 1)/(out − 1) per axis, out = 2·in; the backward gathers with the forward's weights.
// Kernels: src/kernels/launchers/upsample_bilinear2d.ts; float64 references: src/reference/upsample_bilinear2d.ts.

import { upsampleBackward, upsampleForward } from '../../kernels/launchers/upsample_bilinear2d.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';

export function upsampleBilinear2x(x: Tensor): Tensor {
  if (x.shape.length !== 4 || x.dtype !== 'f32') throw new Error(`upsampleBilinear2x: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const [, , h, w] = x.shape as [number, number, number, number];
  // The backward's candidate window is exact up to this size (shaders/upsample_bilinear2d.wgsl).
  if (h > 1024 || w > 1024) throw new Error(`upsampleBilinear2x: input planes up to 1024×1024, got ${x}`);
  return record('upsampleBilinear2x', [x], upsampleForward(x), (g) => [upsampleBackward(g, x.shape)]);
}
