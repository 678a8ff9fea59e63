// float64 references of max pooling over NCHW (ties: the first maximum in row-major window order).

import { poolGeometry, type MaxPoolOptions } from '../graph/ops/max_pool2d.js';
import type { Shape } from '../graph/tensor.js';

export function maxPool2d(x: ArrayLike<number>, shape: Shape, opts: MaxPoolOptions = {}): { y: number[]; argmax: number[]; shape: number[] } {
  const [n, c, h, w] = shape as [number, number, number, number];
  const { k, s, pad, ho, wo } = poolGeometry(shape, opts);
  const y: number[] = [], argmax: number[] = [];
  for (let plane = 0; plane < n * c; plane++) {
    for (let oh = 0; oh < ho; oh++) {
      for (let ow = 0; ow < wo; ow++) {
        let best = -Infinity, at = -1;
        for (let ih = oh * s - pad[0]; ih < oh * s - pad[0] + k; ih++) {
          for (let iw = ow * s - pad[2]; iw < ow * s - pad[2] + k; iw++) {
            if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
            const v = x[plane * h * w + ih * w + iw]!;
            if (at < 0 || v > best) [best, at] = [v, ih * w + iw];
          }
        }
        y.push(best);
        argmax.push(at);
      }
    }
  }
  return { y, argmax, shape: [n, c, ho, wo] };
}

export function maxPool2dGrad(g: ArrayLike<number>, x: ArrayLike<number>, shape: Shape, opts: MaxPoolOptions = {}): number[] {
  const [, , h, w] = shape as [number, number, number, number];
  const { argmax, shape: outShape } = maxPool2d(x, shape, opts);
  const dx = new Array<number>(x.length).fill(0);
  const outPlane = outShape[2]! * outShape[3]!;
  argmax.forEach((at, o) => (dx[Math.floor(o / outPlane) * h * w + at]! += g[o]!));
  return dx;
}
