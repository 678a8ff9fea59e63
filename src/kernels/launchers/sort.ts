// GPU sort of (key, index) u32 pairs by descending key, ties by ascending index (shaders/sort.wgsl): a bitonic
// network whose stages are grouped tuning().sortGroup at a time into register-resident passes. The Lovász loss
// sorts its errors with it; keys are f32 bit patterns of non-negative values, which order like the floats.

import type { Tensor } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d, tuning } from '../launch.js';

export const kernels = {
  sort: kernel({ shader: 'sort', params: { n: 'u32', total: 'u32', k: 'u32', q: 'u32' }, writes: ['pairs'], overrides: ['WG', 'G'] }),
};

/** Sorts each of `rows` rows of n pairs in place; `pairs` is an i32 tensor of rows · n · 2 words, n a power of two. */
export function sortPairs(pairs: Tensor, rows: number, n: number): void {
  if (!Number.isInteger(Math.log2(n)) || pairs.size !== rows * n * 2) {
    throw new Error(`sortPairs: ${pairs} does not hold ${rows} rows of ${n} pairs (a power of two)`);
  }
  const maxStages = Math.log2(tuning().sortGroup);
  for (let k = 2; k <= n; k *= 2) {
    // Merge stages j = k/2, k/4, …, 1, as many per pass as the registers hold.
    for (let j = k / 2; j >= 1; ) {
      const stages = Math.min(Math.log2(j) + 1, maxStages);
      const g = 2 ** stages;
      const q = j / (g / 2);
      const total = (rows * n) / g;
      launch1d(kernels.sort, total, {}, { pairs }, { n, total, k, q }, { G: g });
      j = q / 2;
    }
  }
}
