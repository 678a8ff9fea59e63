// float64 references of channel concatenation of NCHW tensors.

import { concatShape } from '../graph/ops/concat.js';
import type { Shape } from '../graph/tensor.js';

export function concat(xs: ArrayLike<number>[], shapes: Shape[]): number[] {
  const [n, , h, w] = concatShape(shapes) as [number, number, number, number];
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    xs.forEach((x, i) => {
      const len = shapes[i]![1]! * h * w;
      for (let j = 0; j < len; j++) out.push(x[b * len + j]!);
    });
  }
  return out;
}

/** The gradient of each input: its channel slice of g. */
export function concatGrad(g: ArrayLike<number>, shapes: Shape[]): number[][] {
  const [n, c, h, w] = concatShape(shapes) as [number, number, number, number];
  let off = 0;
  return shapes.map((s) => {
    const len = s[1]! * h * w;
    const dx: number[] = [];
    for (let b = 0; b < n; b++) for (let j = 0; j < len; j++) dx.push(g[b * c * h * w + off * h * w + j]!);
    off += s[1]!;
    return dx;
  });
}
