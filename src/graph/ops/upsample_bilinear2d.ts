// Bilinear ×2 upsampling of NCHW with align_corners = true (shaders/upsample_bilinear2d.wgsl):
// output index o reads the input at o·(in − 1)/(out − 1) per axis, out = 2·in. The backward is an
// atomics-free gather using the forward's weights; float64 CPU references.

import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';
import { f32bits, launch1d } from './launch.js';

/** (in − 1)/(out − 1), 0 for a single output (PyTorch's align_corners scale). */
const alignCornersScale = (len: number, outLen: number): number => (outLen > 1 ? (len - 1) / (outLen - 1) : 0);

export function upsampleBilinear2x(x: Tensor): Tensor {
  if (x.shape.length !== 4 || x.dtype !== 'f32') throw new Error(`upsampleBilinear2x: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  // The backward's candidate window is exact up to this size (shaders/upsample_bilinear2d.wgsl).
  if (h > 1024 || w > 1024) throw new Error(`upsampleBilinear2x: input planes up to 1024×1024, got ${x}`);
  const [oh, ow] = [2 * h, 2 * w];
  // f32 scales, as PyTorch computes them for float tensors; the shader multiplies in f32 too.
  const geo = [h, w, oh, ow, f32bits(alignCornersScale(h, oh)), f32bits(alignCornersScale(w, ow))];
  const y = Tensor.empty([n, c, oh, ow]);
  launch1d('upsample_bilinear2d', 'forward', {}, [x], [y], Math.ceil(y.size / 4), [...geo, y.size]);
  return record('upsampleBilinear2x', [x], y, (g) => {
    const dx = Tensor.empty(x.shape);
    launch1d('upsample_bilinear2d', 'backward', {}, [g], [dx], Math.ceil(dx.size / 4), [...geo, dx.size]);
    return [dx];
  });
}

/** Per output index of one axis: both input taps and their weights, in float64. */
function refTaps(len: number): { i0: number; i1: number; l0: number; l1: number }[] {
  const outLen = 2 * len;
  const scale = alignCornersScale(len, outLen);
  return Array.from({ length: outLen }, (_, o) => {
    const src = o * scale;
    const i0 = Math.min(Math.floor(src), len - 1);
    const l1 = Math.min(Math.max(src - i0, 0), 1);
    return { i0, i1: Math.min(i0 + 1, len - 1), l0: 1 - l1, l1 };
  });
}

export const reference = {
  upsampleBilinear2x(x: ArrayLike<number>, shape: Shape): number[] {
    const [n, c, h, w] = shape as [number, number, number, number];
    const ty = refTaps(h), tx = refTaps(w);
    const y: number[] = [];
    for (let plane = 0; plane < n * c; plane++) {
      const at = (iy: number, ix: number): number => x[plane * h * w + iy * w + ix]!;
      for (const a of ty) {
        for (const b of tx) {
          y.push(a.l0 * (b.l0 * at(a.i0, b.i0) + b.l1 * at(a.i0, b.i1)) + a.l1 * (b.l0 * at(a.i1, b.i0) + b.l1 * at(a.i1, b.i1)));
        }
      }
    }
    return y;
  },

  /** Gradient for the input of `shape` (g has the output's shape). */
  upsampleBilinear2xGrad(g: ArrayLike<number>, shape: Shape): number[] {
    const [n, c, h, w] = shape as [number, number, number, number];
    const ty = refTaps(h), tx = refTaps(w);
    const dx = new Array<number>(n * c * h * w).fill(0);
    let o = 0;
    for (let plane = 0; plane < n * c; plane++) {
      const add = (iy: number, ix: number, v: number): void => void (dx[plane * h * w + iy * w + ix]! += v);
      for (const a of ty) {
        for (const b of tx) {
          const gv = g[o++]!;
          add(a.i0, b.i0, a.l0 * b.l0 * gv);
          add(a.i0, b.i1, a.l0 * b.l1 * gv);
          add(a.i1, b.i0, a.l1 * b.l0 * gv);
          add(a.i1, b.i1, a.l1 * b.l1 * gv);
        }
      }
    }
    return dx;
  },
};
