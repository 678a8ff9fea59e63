// Orientation-histogram totals (shaders/mask_histograms.wgsl): float32 running totals per (image,
// cell, bin) in the reference's pixel order, one invocation each. Raw launch.

import { Tensor } from '../../graph/tensor.js';
import { BINS, CELLS } from '../../face/geometry.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

export const kernels = {
  histograms: kernel({ shader: 'mask_histograms', params: { n: 'u32' }, reads: ['codes'], writes: ['totals'], overrides: ['WG'] }),
};

/** 4 strips × 8 bins of one image share a workgroup, as do the face walkers of 4 images. */
const WG = 32;

/** codes [N, 224, 224, 2] from hogGradients → totals [N, 5, 8] (strips 0–3, face), float32. */
export function hogTotals(codes: Tensor): Tensor {
  const n = codes.shape[0]!;
  const totals = Tensor.empty([n, CELLS, BINS]);
  launch1d(kernels.histograms, n * CELLS * BINS, { codes }, { totals }, { n }, { WG });
  return totals;
}
