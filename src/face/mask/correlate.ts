// Histogram correlation and band tables on the GPU (shaders/mask_correlate.wgsl), in emulated float64.

import { Tensor } from '../../graph/tensor.js';
import { launch, tuning } from '../../graph/ops/launch.js';
import { grid1d } from '../../kernels/grid.js';
import { NET_MEAN, NET_STD } from '../image.js';
import { BINS, CELLS } from './reference.js';

/** A float64 as its two little-endian u32 words. */
export function f64Words(x: number): [number, number] {
  const w = new Uint32Array(Float64Array.of(x).buffer);
  return [w[0]!, w[1]!];
}

function params(n: number): number[] {
  return [n, 0, ...f64Words(1e-5), ...f64Words(1 / 7), ...f64Words(NET_MEAN), ...f64Words(NET_STD)];
}

/**
 * totals [N, 5, 8] from hogTotals → rho [N, 4, 2] (float64 ρ_i as u32 word pairs in i32 storage;
 * read with readFloat64) and hog [N, 5, 8] float32, the L1-normalised histograms.
 */
export function correlate(totals: Tensor): { rho: Tensor; hog: Tensor } {
  const n = totals.shape[0]!;
  const rho = Tensor.empty([n, 4, 2], 'i32');
  const hog = Tensor.empty([n, CELLS, BINS]);
  const wg = tuning().wgElementwise;
  launch({ shader: 'mask_correlate', entry: 'correlate', reads: 1, writes: 2, constants: { WG: wg } }, [totals], [rho, hog], params(n), grid1d(n * 4, wg));
  return { rho, hog };
}

/** rho [N, 4, 2] → [N, 4, 257]: f32(ρ_b), then the attention input for pixel values 0…255 under ρ_b. */
export function bandTables(rho: Tensor): Tensor {
  const n = rho.shape[0]!;
  const table = Tensor.empty([n, 4, 257]);
  const wg = tuning().wgElementwise;
  launch({ shader: 'mask_correlate', entry: 'bands', reads: 1, writes: 1, constants: { WG: wg } }, [rho], [table], params(n), grid1d(n * 4 * 257, wg));
  return table;
}

/** The float64 values of an i32 tensor of word pairs (rho). */
export async function readFloat64(t: Tensor): Promise<Float64Array> {
  return float64Words(await t.read());
}

/** The float64 values held as pairs of 32-bit words. */
export function float64Words(words: Float32Array | Int32Array): Float64Array {
  return new Float64Array(words.buffer, words.byteOffset, words.length / 2);
}
