// Orientation-histogram totals on the GPU (shaders/mask_histograms.wgsl): float32 running totals
// per (image, cell, bin) in the reference's pixel order, one invocation each.

import { Tensor } from '../../graph/tensor.js';
import { launch } from '../../graph/ops/launch.js';
import { grid1d } from '../../kernels/grid.js';
import { BINS, CELLS } from './reference.js';

/** 4 strips × 8 bins of one image share a workgroup, as do the face walkers of 4 images. */
const WG = 32;

/** codes [N, 224, 224, 2] from hogGradients → totals [N, 5, 8] (strips 0–3, face), float32. */
export function hogTotals(codes: Tensor): Tensor {
  const n = codes.shape[0]!;
  const totals = Tensor.empty([n, CELLS, BINS]);
  launch({ shader: 'mask_histograms', reads: 1, writes: 1, constants: { WG } }, [codes], [totals], [n], grid1d(n * CELLS * BINS, WG));
  return totals;
}
