// The weighted mask and both network inputs of packed faces (shaders/mask_paint.wgsl), 4 pixels of a
// row per invocation, every value looked up in tables of exact float64 → float32 sequences. Raw launch.

import { Tensor } from '../../graph/tensor.js';
import { FACE_SIZE } from '../../face/geometry.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

export const kernels = {
  paint: kernel({ shader: 'mask_paint', params: { n: 'u32' }, reads: ['faces', 'marks', 'bands', 'fixed'], writes: ['mask', 'image', 'attn'], overrides: ['WG', 'COLUMNS'] }),
};

/**
 * faces (packed), truncated landmarks [N, 68, 2] i32, band tables [N, 4, 257], the fixed table (image
 * input, diamond mask and diamond attention input); bands along columns when `columns`, else rows.
 */
export function paintMask(faces: Tensor, marks: Tensor, bands: Tensor, fixed: Tensor, columns: boolean): { mask: Tensor; image: Tensor; attn: Tensor } {
  const n = bands.shape[0]!;
  const mask = Tensor.empty([n, FACE_SIZE, FACE_SIZE]);
  const image = Tensor.empty([n, 3, FACE_SIZE, FACE_SIZE]);
  const attn = Tensor.empty([n, 3, FACE_SIZE, FACE_SIZE]);
  launch1d(kernels.paint, n * FACE_SIZE * (FACE_SIZE / 4), { faces, marks, bands, fixed }, { mask, image, attn }, { n }, { COLUMNS: columns ? 1 : 0 });
  return { mask, image, attn };
}
