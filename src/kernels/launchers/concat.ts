// Channel concatenation of NCHW tensors (shaders/concat.wgsl): strided row copies, one row per sample,
// into and out of a channel slice. Raw launches, no autograd.

import { Tensor, type Shape } from '../../graph/tensor.js';
import { grid1d } from '../grid.js';
import { kernel } from '../kernel.js';
import { launch, tuning, type Params } from '../launch.js';

export const kernels = {
  copyRows: kernel({
    shader: 'concat',
    params: { len: 'u32', src_stride: 'u32', src_off: 'u32', dst_stride: 'u32', dst_off: 'u32' },
    reads: ['src'],
    writes: ['dst'],
    overrides: ['WG'],
  }),
};

/** Copies `rows` rows of `len` elements between strided layouts (the z workgroup index is the row). */
function copyRows(src: Tensor, dst: Tensor, rows: number, r: Params<typeof kernels.copyRows.params>): void {
  if (rows > 65535) throw new Error(`concat: batch ${rows} exceeds the 65535 rows one dispatch covers`);
  const wg = tuning().wgElementwise;
  const [gx, gy] = grid1d(Math.ceil(r.len / 4), wg);
  launch(kernels.copyRows, { src }, { dst }, r, [gx, gy, rows], { WG: wg });
}

/** `shape` [N, ΣC, H, W] holding the inputs along channels, in order. */
export function concatChannels(xs: readonly Tensor[], shape: Shape): Tensor {
  const [n, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  const y = Tensor.empty(shape);
  let first = 0;
  for (const x of xs) {
    const len = x.shape[1]! * hw;
    copyRows(x, y, n, { len, src_stride: len, src_off: 0, dst_stride: c * hw, dst_off: first * hw });
    first += x.shape[1]!;
  }
  return y;
}

/** Channels first … first + count − 1 of an NCHW tensor, as [N, count, H, W]. */
export function channelSlice(x: Tensor, first: number, count: number): Tensor {
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const hw = h * w;
  const len = count * hw;
  const out = Tensor.empty([n, count, h, w]);
  copyRows(x, out, n, { len, src_stride: c * hw, src_off: first * hw, dst_stride: len, dst_off: 0 });
  return out;
}
