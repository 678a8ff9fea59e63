// HOG gradient codes on the GPU (shaders/mask_gradients.wgsl): per pixel the orientation bin and the
// float64 magnitude as 2^-52 fixed point, from a table of square roots made here once per device.

import { gpu, type Gpu } from '../../kernels/context.js';
import { Tensor } from '../../graph/tensor.js';
import { launch, tuning } from '../../graph/ops/launch.js';
import { grid1d } from '../../kernels/grid.js';
import { SIZE, type GradientKind } from './reference.js';

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
  const n = faces.shape[0]!;
  if (faces.size * 4 !== n * SIZE * SIZE * 3) throw new Error(`hogGradients: [${faces.shape}] is not ${n} packed faces of ${SIZE}×${SIZE}×3 bytes (see packFaces)`);
  const codes = Tensor.empty([n, SIZE, SIZE, 2], 'i32');
  const wg = tuning().wgElementwise;
  const groups = n * SIZE * (SIZE / 4);
  launch({ shader: 'mask_gradients', reads: 2, writes: 1, constants: { WG: wg, SOBEL: kind === 'sobel' ? 1 : 0 } }, [faces, roots(kind)], [codes], [n], grid1d(groups, wg));
  return codes;
}
