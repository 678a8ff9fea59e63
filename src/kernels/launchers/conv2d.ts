// conv2d forward (shaders/conv2d.wgsl): the direct kernel for any geometry, the vec4 GEMM for pointwise
// convs, and depthwise 3×3 convs handed to depthwise.ts. Also convTranspose2d's dX (a conv2d forward of dY
// with the same weight). Raw launches, no autograd.
// Kernels take an optional bias as a has_bias param plus a buffer, which is the weight when there is no bias.

import { Tensor } from '../../graph/tensor.js';
import { actConstant, type FusedActivation } from '../activation.js';
import { isPointwise, shape4, type ConvGeom } from '../conv_geometry.js';
import { kernel } from '../kernel.js';
import { launch1d, tuning } from '../launch.js';
import { fitTiles } from '../tiling.js';
import { depthwise3x3 } from './depthwise.js';

/** shaders/conv_common.wgsl's Params: the geometry, tiles of channels × columns per row, has_bias. */
export const convParams = {
  n: 'u32', cin: 'u32', h: 'u32', w: 'u32',
  cout: 'u32', ho: 'u32', wo: 'u32', groups: 'u32',
  kh: 'u32', kw: 'u32', sh: 'u32', sw: 'u32',
  pt: 'i32', pl: 'i32', cblocks: 'u32', wblocks: 'u32',
  has_bias: 'u32',
} as const;

export const kernels = {
  direct: kernel({ shader: 'conv2d', params: convParams, reads: ['x', 'wt', 'bias'], writes: ['y'], overrides: ['WG', 'TC', 'TW', 'ACT'] }),
  pointwise: kernel({
    shader: 'conv2d',
    entry: 'pointwise',
    uniform: 'GemmParams',
    params: { n: 'u32', m: 'u32', k: 'u32', hw4: 'u32', sam: 'u32', sak: 'u32', mblocks: 'u32', vblocks: 'u32', has_bias: 'u32' },
    reads: ['x4', 'a', 'abias'],
    writes: ['y4'],
    overrides: ['WG', 'TM', 'TV', 'ACT'],
  }),
};

/**
 * Y[n] = A · X[n] (+ bias) over x [N, K, H, W] with H·W % 4 == 0, where A[m, k] = w[m·sam + k·sak]:
 * a 1×1 conv (A = W, sam = K, sak = 1) or its transpose (A = Wᵀ, sam = 1, sak = M).
 */
export function pointwiseGemm(x: Tensor, w: Tensor, b: Tensor | null, m: number, sam: number, sak: number, act?: FusedActivation): Tensor {
  const [n, k, h, wd] = shape4(x, 'x');
  const hw4 = (h * wd) / 4;
  const t = tuning();
  const [tm, tv] = fitTiles([t.conv.gemmM, m], [t.conv.gemmV, hw4], (a, b) => n * Math.ceil(m / a) * Math.ceil(hw4 / b));
  const mblocks = Math.ceil(m / tm);
  const vblocks = Math.ceil(hw4 / tv);
  const y = Tensor.empty([n, m, h, wd]);
  launch1d(kernels.pointwise, n * mblocks * vblocks, { x4: x, a: w, abias: b ?? w }, { y4: y },
    { n, m, k, hw4, sam, sak, mblocks, vblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, TM: tm, TV: tv, ...actConstant(act) });
  return y;
}

/** Raw conv2d forward (no autograd) with the output size given: x [N, Cin, H, W], w [Cout, Cin/g, kh, kw]. */
export function convForward(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, ho: number, wo: number, act?: FusedActivation): Tensor {
  const [n, cin, h, wd] = shape4(x, 'x');
  const [cout, , kh, kw] = shape4(w, 'w');
  const t = tuning();
  if (isPointwise(kh, kw, g, h, wd, ho, wo)) return pointwiseGemm(x, w, b, cout, cin, 1, act);
  if (g.groups === cin && cin === cout && kh === 3 && kw === 3 && g.sh === g.sw && (g.sh === 1 || g.sh === 2)) {
    return depthwise3x3(x, w, b, g.sh, g.pt, g.pl, ho, wo, false, act);
  }
  const y = Tensor.empty([n, cout, ho, wo]);
  const coutG = cout / g.groups;
  const [tc, tw] = fitTiles([t.conv.tileC, coutG], [t.conv.tileW, wo], (a, b) => n * g.groups * Math.ceil(coutG / a) * ho * Math.ceil(wo / b));
  const cblocks = Math.ceil(coutG / tc);
  const wblocks = Math.ceil(wo / tw);
  launch1d(kernels.direct, n * g.groups * cblocks * ho * wblocks, { x, wt: w, bias: b ?? w }, { y },
    { n, cin, h, w: wd, cout, ho, wo, kh, kw, ...g, cblocks, wblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, TC: tc, TW: tw, ...actConstant(act) });
  return y;
}
