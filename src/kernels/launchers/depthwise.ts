// Depthwise 3×3 convolution (shaders/depthwise.wgsl): conv2d's forward when groups = Cin = Cout, and the
// stride-1 transposed one (its dX) with the filter flipped. Raw launches, no autograd.

import { Tensor } from '../../graph/tensor.js';
import { actConstant, type FusedActivation } from '../activation.js';
import { shape4 } from '../conv_geometry.js';
import { kernel } from '../kernel.js';
import { launch1d, tuning } from '../launch.js';
import { fitTiles } from '../tiling.js';

export const kernels = {
  depthwise: kernel({
    shader: 'depthwise',
    params: { n: 'u32', c: 'u32', h: 'u32', w: 'u32', ho: 'u32', wo: 'u32', pt: 'i32', pl: 'i32', wblocks: 'u32', has_bias: 'u32' },
    reads: ['x', 'wt', 'bias'],
    writes: ['y'],
    overrides: ['WG', 'S', 'TW', 'FLIP', 'ACT'],
  }),
};

/**
 * Depthwise 3×3 conv (x [N, C, H, W], w [C, 1, 3, 3]) with top/left padding pt, pl and the output size given;
 * `flip` rotates the filter by 180° (with padding 2 − p: a stride-1 transposed depthwise conv).
 * Without a bias the weight is bound in its place (has_bias 0).
 */
export function depthwise3x3(x: Tensor, w: Tensor, b: Tensor | null, stride: number, pt: number, pl: number, ho: number, wo: number, flip: boolean, act?: FusedActivation): Tensor {
  const [n, c, h, wd] = shape4(x, 'x');
  const t = tuning();
  const [, tw] = fitTiles([1, 1], [t.conv.depthwiseW, wo], (_, b) => n * c * ho * Math.ceil(wo / b));
  const wblocks = Math.ceil(wo / tw);
  const y = Tensor.empty([n, c, ho, wo]);
  launch1d(kernels.depthwise, n * c * ho * wblocks, { x, wt: w, bias: b ?? w }, { y },
    { n, c, h, w: wd, ho, wo, pt, pl, wblocks, has_bias: b ? 1 : 0 },
    { WG: t.wgTiled, S: stride, TW: tw, FLIP: flip ? 1 : 0, ...actConstant(act) });
  return y;
}
