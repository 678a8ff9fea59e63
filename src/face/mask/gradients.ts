// HOG gradient codes on the GPU: per pixel the orientation bin and the float64 magnitude as 2^-52
// fixed point, from a table of square roots made here once per device.

import { gpu, type Gpu } from '../../kernels/context.js';
import { gradientCodes } from '../../kernels/launchers/mask_gradients.js';
import { Tensor } from '../../graph/tensor.js';

/** Gradient operator: [−1, 0, 1] (the original's) or 3×3 Sobel / 4. */
export type GradientKind = 'centred' | 'sobel';

/** Largest gx² + gy²: centred differences reach ±255, unscaled Sobel responses ±1020. */
const MAX_SQUARE: Record<GradientKind, number> = { centred: 2 * 255 ** 2, sobel: 2 * 1020 ** 2 };

/**
 * For s = 0…max: m·2^52 as (low, high) words, m = sqrt(s) (the correctly rounded float64 hypot of
 * integer gradients), divided by 4 for Sobel. m < 2^9, so the high word stays below 2^29 and leaves
 * the top 3 bits to the bin.
 */
export function magnitudeTable(kind: GradientKind): Uint32Array {
  const max = MAX_SQUARE[kind];
  const out = new Uint32Array(2 * (max + 1));
  const scale = kind === 'sobel' ? 2 ** 18 : 2 ** 20; // m·2^20 = high word + fraction
  for (let s = 1; s <= max; s++) {
    const v = Math.sqrt(s) * scale; // exact: a power-of-two scaling
    const hi = Math.floor(v);
    out[2 * s] = (v - hi) * 2 ** 32; // the fraction is exact, and so is its scaling
    out[2 * s + 1] = hi;
  }
  return out;
}

const tables = new WeakMap<Gpu, Partial<Record<GradientKind, Tensor>>>();

function roots(kind: GradientKind): Tensor {
  let byKind = tables.get(gpu());
  if (!byKind) tables.set(gpu(), (byKind = {}));
  let t = byKind[kind];
  if (!t) {
    const data = magnitudeTable(kind);
    t = Tensor.empty([data.length / 2, 2], 'i32').keep();
    gpu().write(t.buf, data);
    byKind[kind] = t;
  }
  return t;
}

/**
 * faces: packed [N, 224, 224, 3] bytes (see packFaces). Returns codes [N, 224, 224, 2] (i32 storage
 * of u32 words): word 0 = low word of m·2^52, word 1 = high word | bin << 29.
 */
export function hogGradients(faces: Tensor, kind: GradientKind = 'centred'): Tensor {
  return gradientCodes(faces, roots(kind), kind === 'sobel');
}
