// float64 references of bilinear ×2 upsampling of NCHW with align_corners = true.

import type { Shape } from '../graph/tensor.js';
import { alignCornersScale } from '../kernels/launchers/upsample_bilinear2d.js';

/** Per output index of one axis: both input taps and their weights, in float64. */
function taps(len: number): { i0: number; i1: number; l0: number; l1: number }[] {
  const outLen = 2 * len;
  const scale = alignCornersScale(len, outLen);
  return Array.from({ length: outLen }, (_, o) => {
    const src = o * scale;
    const i0 = Math.min(Math.floor(src), len - 1);
    const l1 = Math.min(Math.max(src - i0, 0), 1);
    return { i0, i1: Math.min(i0 + 1, len - 1), l0: 1 - l1, l1 };
  });
}

export function upsampleBilinear2x(x: ArrayLike<number>, shape: Shape): number[] {
  const [n, c, h, w] = shape as [number, number, number, number];
  const ty = taps(h), tx = taps(w);
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
}

/** Gradient for the input of `shape` (g has the output's shape). */
export function upsampleBilinear2xGrad(g: ArrayLike<number>, shape: Shape): number[] {
  const [n, c, h, w] = shape as [number, number, number, number];
  const ty = taps(h), tx = taps(w);
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
}
