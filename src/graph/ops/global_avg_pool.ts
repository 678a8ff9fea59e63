// Global average pooling [N, C, H, W] → [N, C, 1, 1] (adaptive_avg_pool2d(x, 1)), shaders/global_avg_pool.wgsl:
// a deterministic sum per (n, c) row, split into chunks plus a second pass when rows are long (56×56), and the
// backward broadcast g / (H·W); float64 CPU references.

import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';
import { f32bits, launch1d } from './launch.js';

/** Most values one invocation sums: longer rows are split into chunks summed in parallel, then combined. */
const CHUNK = 256;

/** out[r] = alpha · Σ of row r of a [rows, len] view, as `shape`. */
function rowSums(x: Tensor, rows: number, len: number, alpha: number, shape: Shape): Tensor {
  const out = Tensor.empty(shape);
  const parts = Math.ceil(len / CHUNK);
  if (parts <= 1) {
    launch1d('global_avg_pool', 'forward', {}, [x], [out], rows, [rows, len, len, 1, f32bits(alpha)]);
    return out;
  }
  // Balanced chunks, a multiple of 4 long so that chunks of aligned rows start on a vec4.
  const chunk = Math.ceil(len / parts / 4) * 4;
  const per = Math.ceil(len / chunk);
  const partial = Tensor.empty([rows, per]);
  launch1d('global_avg_pool', 'forward', {}, [x], [partial], rows * per, [rows * per, len, chunk, per, f32bits(alpha)]);
  launch1d('global_avg_pool', 'forward', {}, [partial], [out], rows, [rows, per, per, 1, f32bits(1)]);
  partial.dispose();
  return out;
}

function broadcastRows(g: Tensor, shape: Shape, len: number): Tensor {
  const dx = Tensor.empty(shape);
  launch1d('global_avg_pool', 'backward', {}, [g], [dx], Math.ceil(dx.size / 4), [dx.size, len, 0, 0, f32bits(1 / len)]);
  return dx;
}

export function globalAvgPool(x: Tensor): Tensor {
  if (x.shape.length !== 4 || x.dtype !== 'f32') throw new Error(`globalAvgPool: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const shape = x.shape;
  const [n, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  if (hw === 0) throw new Error(`globalAvgPool: empty spatial size in [${shape}]`);
  const y = rowSums(x, n * c, hw, 1 / hw, [n, c, 1, 1]);
  return record('globalAvgPool', [x], y, (g) => [broadcastRows(g, shape, hw)]);
}

export const reference = {
  globalAvgPool(x: ArrayLike<number>, shape: readonly number[]): number[] {
    const [n, c] = shape as [number, number];
    const hw = x.length / (n * c);
    const out = new Array<number>(n * c).fill(0);
    for (let i = 0; i < x.length; i++) out[Math.floor(i / hw)]! += x[i]!;
    return out.map((s) => s / hw);
  },
  globalAvgPoolGrad(g: ArrayLike<number>, shape: readonly number[]): number[] {
    const [n, c, h, w] = shape as [number, number, number, number];
    const hw = h * w;
    return Array.from({ length: n * c * hw }, (_, i) => g[Math.floor(i / hw)]! / hw);
  },
};
