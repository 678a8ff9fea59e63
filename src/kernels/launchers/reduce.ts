// Row sums (shaders/reduce.wgsl): per-channel sums of NCHW tensors (bias and BatchNorm gradients) and
// the scaled sum of a whole tensor, one workgroup per output value. Raw launches, no autograd.

import { Tensor, type Shape } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch, tuning } from '../launch.js';

export const kernels = {
  rowSum: kernel({ shader: 'reduce', params: { cols: 'u32', hw: 'u32', chw: 'u32', alpha: 'f32' }, reads: ['x'], writes: ['out'], overrides: ['WG'] }),
};

/** out[r] = alpha · Σ_j x[(j / hw)·chw + r·hw + j % hw], j < cols, for r < rows. */
function sumRows(x: Tensor, rows: number, cols: number, hw: number, chw: number, alpha: number, shape: Shape): Tensor {
  const out = Tensor.empty(shape);
  launch(kernels.rowSum, { x }, { out }, { cols, hw, chw, alpha }, [rows], { WG: tuning().wgReduce });
  return out;
}

/** Σ over N, H, W of an NCHW (or [N, C]) tensor → [C]. */
export function channelSum(x: Tensor): Tensor {
  const [n, c] = x.shape as [number, number];
  const hw = x.size / (n * c);
  return sumRows(x, c, n * hw, hw, c * hw, 1, [c]);
}

/** alpha · Σ x → 0-d. */
export function scaledTotal(x: Tensor, alpha: number): Tensor {
  return sumRows(x, 1, x.size, x.size, 0, alpha, []);
}
