// HOG gradient codes of packed faces (shaders/mask_gradients.wgsl): per pixel the orientation bin and
// the float64 magnitude as 2^-52 fixed point, looked up in a table of square roots. Raw launch.

import { Tensor } from '../../graph/tensor.js';
import { FACE_SIZE } from '../../face/geometry.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

export const kernels = {
  gradients: kernel({ shader: 'mask_gradients', params: { n: 'u32' }, reads: ['faces', 'roots'], writes: ['codes'], overrides: ['WG', 'SOBEL'] }),
};

/**
 * faces: packed [N, 224, 224, 3] bytes; roots: the magnitude table of the operator (Sobel / 4 when
 * `sobel`, else [−1, 0, 1]). Returns codes [N, 224, 224, 2] (i32 storage of u32 words): word 0 = low
 * word of m·2^52, word 1 = high word | bin << 29.
 */
export function gradientCodes(faces: Tensor, roots: Tensor, sobel: boolean): Tensor {
  const n = faces.shape[0]!;
  if (faces.size * 4 !== n * FACE_SIZE * FACE_SIZE * 3) throw new Error(`hogGradients: [${faces.shape}] is not ${n} packed faces of ${FACE_SIZE}×${FACE_SIZE}×3 bytes (see packFaces)`);
  const codes = Tensor.empty([n, FACE_SIZE, FACE_SIZE, 2], 'i32');
  // One invocation per 4 pixels of a row.
  launch1d(kernels.gradients, n * FACE_SIZE * (FACE_SIZE / 4), { faces, roots }, { codes }, { n }, { SOBEL: sobel ? 1 : 0 });
  return codes;
}
