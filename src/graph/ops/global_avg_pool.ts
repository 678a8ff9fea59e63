// Global average pooling [N, C, H, W] → [N, C, 1, 1] (adaptive_avg_pool2d(x, 1)): a mean per (n, c) row,
// and the backward broadcast g / (H·W). Kernels: src/kernels/launchers/global_avg_pool.ts; float64
// references: src/reference/global_avg_pool.ts.

import { broadcastRows, rowSums } from '../../kernels/launchers/global_avg_pool.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';

export function globalAvgPool(x: Tensor): Tensor {
  if (x.shape.length !== 4 || x.dtype !== 'f32') throw new Error(`globalAvgPool: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const shape = x.shape;
  const [n, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  if (hw === 0) throw new Error(`globalAvgPool: empty spatial size in [${shape}]`);
  const y = rowSums(x, n * c, hw, 1 / hw, [n, c, 1, 1]);
  return record('globalAvgPool', [x], y, (g) => [broadcastRows(g, shape, hw)]);
}
