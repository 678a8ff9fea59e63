// Transposed convolution (shaders/conv_transpose2d.wgsl, a gather): convTranspose2d's forward and conv2d's
// dX, handing pointwise and stride-1 depthwise 3×3 geometry to the conv2d GEMM and the flipped depthwise
// kernel. Raw launches, no autograd.

import { Tensor } from '../../graph/tensor.js';
import { isPointwise, shape4, type ConvGeom } from '../conv_geometry.js';
import { kernel } from '../kernel.js';
import { launch1d, tuning } from '../launch.js';
import { fitTiles } from '../tiling.js';
import { convParams, pointwiseGemm } from './conv2d.js';
import { depthwise3x3 } from './depthwise.js';

export const kernels = {
  transposed: kernel({ shader: 'conv_transpose2d', params: convParams, reads: ['x', 'wt', 'bias'], writes: ['y'], overrides: ['WG', 'TC', 'TW'] }),
};

/**
 * Raw transposed convolution (no autograd) with the output size given: x [N, Cin, H, W], w [Cin, Cout/g, kh, kw]
 * → [N, Cout, ho, wo]. pt/pl are the top/left padding, so conv2d's dX passes its forward geometry.
 */
export function transposedConv(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, ho: number, wo: number): Tensor {
  const [n, cin, h, wd] = shape4(x, 'x');
  const [, coutG, kh, kw] = shape4(w, 'w');
  const cout = coutG * g.groups;
  if (isPointwise(kh, kw, g, h, wd, ho, wo)) return pointwiseGemm(x, w, b, cout, 1, cout);
  if (g.groups === cin && coutG === 1 && kh === 3 && kw === 3 && g.sh === 1 && g.sw === 1) {
    return depthwise3x3(x, w, b, 1, 2 - g.pt, 2 - g.pl, ho, wo, true);
  }
  const t = tuning();
  const q = Math.ceil(wo / g.sw); // columns per phase (the last phases may have one fewer)
  const [tc, tw] = fitTiles([t.conv.tileC, coutG], [t.conv.tileW, q], (a, b) => n * g.groups * Math.ceil(coutG / a) * ho * g.sw * Math.ceil(q / b));
  const cblocks = Math.ceil(coutG / tc);
  const qblocks = Math.ceil(q / tw);
  const y = Tensor.empty([n, cout, ho, wo]);
  launch1d(kernels.transposed, n * g.groups * cblocks * ho * g.sw * qblocks, { x, wt: w, bias: b ?? w }, { y },
    { n, cin, h, w: wd, cout, ho, wo, kh, kw, ...g, cblocks, wblocks: qblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, TC: tc, TW: tw });
  return y;
}
