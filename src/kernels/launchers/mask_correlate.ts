// Histogram correlation and band tables (shaders/mask_correlate.wgsl), in emulated float64: the
// constants go up as float64 word pairs. Raw launches.

import { Tensor } from '../../graph/tensor.js';
import { BINS, CELLS } from '../../face/geometry.js';
import { NET_MEAN, NET_STD } from '../../face/image.js';
import { f64Words } from '../../face/mask/float64.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

const params = { n: 'u32', eps: 'vec2u', inv7: 'vec2u', mean: 'vec2u', sd: 'vec2u' } as const;
export const kernels = {
  correlate: kernel({ shader: 'mask_correlate', entry: 'correlate', params, reads: ['totals'], writes: ['rho', 'hog'], overrides: ['WG'] }),
  bands: kernel({ shader: 'mask_correlate', entry: 'bands', params, reads: ['rho_in'], writes: ['table'], overrides: ['WG'] }),
};

/** The L1 normalisation's epsilon, numpy.cov's 1/(n − 1) for 8 bins, and the input normalisation. */
const constants = { eps: f64Words(1e-5), inv7: f64Words(1 / 7), mean: f64Words(NET_MEAN), sd: f64Words(NET_STD) };

/**
 * totals [N, 5, 8] from hogTotals → rho [N, 4, 2] (float64 ρ_i as u32 word pairs in i32 storage;
 * read with readFloat64) and hog [N, 5, 8] float32, the L1-normalised histograms.
 */
export function correlate(totals: Tensor): { rho: Tensor; hog: Tensor } {
  const n = totals.shape[0]!;
  const rho = Tensor.empty([n, 4, 2], 'i32');
  const hog = Tensor.empty([n, CELLS, BINS]);
  launch1d(kernels.correlate, n * 4, { totals }, { rho, hog }, { n, ...constants });
  return { rho, hog };
}

/** rho [N, 4, 2] → [N, 4, 257]: f32(ρ_b), then the attention input for pixel values 0…255 under ρ_b. */
export function bandTables(rho: Tensor): Tensor {
  const n = rho.shape[0]!;
  const table = Tensor.empty([n, 4, 257]);
  launch1d(kernels.bands, n * 4 * 257, { rho_in: rho }, { table }, { n, ...constants });
  return table;
}
