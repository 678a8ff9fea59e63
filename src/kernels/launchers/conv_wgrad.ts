// Weight gradient of the convolution family (shaders/conv_wgrad.wgsl) as a two-stage reduction:
// slices of the reduction in registers (the general kernel, or a vec4 one for pointwise convs where
// tuning gives it tiles), then their sum. Raw launches, no autograd.

import { Tensor } from '../../graph/tensor.js';
import { isPointwise, shape4, type ConvGeom } from '../conv_geometry.js';
import { kernel } from '../kernel.js';
import { launch1d, tuning } from '../launch.js';
import { sliceCount, tile } from '../tiling.js';

export const kernels = {
  partial: kernel({
    shader: 'conv_wgrad',
    entry: 'partial',
    params: {
      n: 'u32', ca: 'u32', ha: 'u32', wa: 'u32',
      cb: 'u32', hb: 'u32', wb: 'u32', groups: 'u32',
      kh: 'u32', kw: 'u32', sh: 'u32', sw: 'u32',
      pt: 'i32', pl: 'i32', ablocks: 'u32', tblocks: 'u32',
      chunks: 'u32',
    },
    reads: ['A', 'B'],
    writes: ['part'],
    overrides: ['WG', 'TA', 'TK'],
  }),
  pointwise: kernel({
    shader: 'conv_wgrad',
    entry: 'pointwise',
    uniform: 'PwParams',
    params: { n: 'u32', ca: 'u32', cb: 'u32', hw4: 'u32', ablocks: 'u32', bblocks: 'u32', chunks: 'u32' },
    reads: ['A4', 'B4'],
    writes: ['part'],
    overrides: ['WG', 'TA', 'TB'],
  }),
  sum: kernel({ shader: 'conv_wgrad', entry: 'sum', uniform: 'SumParams', params: { size: 'u32', chunks: 'u32' }, reads: ['src'], writes: ['dst'], overrides: ['WG'] }),
};

/**
 * out[a, b_g, ky, kx] = Σ_{n, y, x} A[n, a, y, x] · B[n, g·CB/groups + b_g, y·sh − pt + ky, x·sw − pl + kx]
 * → [CA, CB/groups, kh, kw]: conv2d's dW with (A, B) = (dY, x), convTranspose2d's with (x, dY).
 * Pointwise geometry (see isPointwise) takes the vec4 path where tuning gives it tiles.
 */
export function weightGrad(a: Tensor, b: Tensor, kh: number, kw: number, g: ConvGeom): Tensor {
  const [, , ha, wa] = shape4(a, 'A');
  const [, , hb, wb] = shape4(b, 'B');
  const tiles = tuning().conv.pointwiseWgrad;
  return tiles && isPointwise(kh, kw, g, hb, wb, ha, wa) ? pointwiseWeightGrad(a, b, tiles) : generalWeightGrad(a, b, kh, kw, g);
}

/** weightGrad for any geometry: scalar loads, register block of rows × taps. */
export function generalWeightGrad(a: Tensor, b: Tensor, kh: number, kw: number, g: ConvGeom): Tensor {
  const [n, ca, ha, wa] = shape4(a, 'A');
  const [, cb, hb, wb] = shape4(b, 'B');
  const t = tuning();
  const caG = ca / g.groups;
  const taps = (cb / g.groups) * kh * kw;
  // Tiles stay as tuned (capped by the dimensions): slices of the reduction supply the parallelism.
  const ta = tile(t.conv.wgradA, caG);
  const tk = taps === 9 ? 9 : tile(t.conv.wgradK, taps); // all of a depthwise 3×3 filter at once
  const ablocks = Math.ceil(caG / ta);
  const tblocks = Math.ceil(taps / tk);
  const blocks = g.groups * ablocks * tblocks;
  const chunks = sliceCount(blocks, n * ha * wa);
  const shape = [ca, cb / g.groups, kh, kw];
  const part = Tensor.empty(chunks === 1 ? shape : [chunks, ...shape]);
  launch1d(kernels.partial, chunks * blocks, { A: a, B: b }, { part },
    { n, ca, ha, wa, cb, hb, wb, kh, kw, ...g, ablocks, tblocks, chunks },
    { WG: t.wgTiled, TA: ta, TK: tk });
  return sumSlices(part, shape, chunks);
}

/**
 * weightGrad of a pointwise conv, A [N, CA, H, W], B [N, CB, H, W] with H·W % 4 == 0 → [CA, CB, 1, 1]:
 * vec4 loads along the contiguous planes, a register block of (at most) tiles[0] × tiles[1] vec4 accumulators.
 */
export function pointwiseWeightGrad(a: Tensor, b: Tensor, tiles: readonly [number, number]): Tensor {
  const [n, ca, h, wd] = shape4(a, 'A');
  const [, cb] = shape4(b, 'B');
  const t = tuning();
  const ta = tile(tiles[0], ca);
  const tb = tile(tiles[1], cb);
  const ablocks = Math.ceil(ca / ta);
  const bblocks = Math.ceil(cb / tb);
  const chunks = sliceCount(ablocks * bblocks, n * h * wd);
  const shape = [ca, cb, 1, 1];
  const part = Tensor.empty(chunks === 1 ? shape : [chunks, ...shape]);
  launch1d(kernels.pointwise, chunks * ablocks * bblocks, { A4: a, B4: b }, { part },
    { n, ca, cb, hw4: (h * wd) / 4, ablocks, bblocks, chunks },
    { WG: t.wgTiled, TA: ta, TB: tb });
  return sumSlices(part, shape, chunks);
}

/** Stage 2: part [chunks, ...shape] summed over chunks in order (part itself when there is one). */
function sumSlices(part: Tensor, shape: number[], chunks: number): Tensor {
  if (chunks === 1) return part;
  const dw = Tensor.empty(shape);
  launch1d(kernels.sum, dw.size, { src: part }, { dst: dw }, { size: dw.size, chunks });
  part.dispose();
  return dw;
}
