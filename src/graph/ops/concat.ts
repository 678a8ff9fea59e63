// Concatenation of NCHW tensors along channels: the forward copies each input into its channel slice
// of the output, the backward cuts g into the same slices. Kernels: src/kernels/launchers/concat.ts;
// float64 references: src/reference/concat.ts.

import { channelSlice, concatChannels } from '../../kernels/launchers/concat.js';
import { record } from '../tape.js';
import type { Shape, Tensor } from '../tensor.js';

/** [N, ΣC, H, W] of inputs of equal N, H, W, or an error naming the shapes. */
export function concatShape(shapes: readonly Shape[]): number[] {
  const [n, , h, w] = shapes[0] as [number, number, number, number];
  let c = 0;
  for (const s of shapes) {
    if (s.length !== 4 || s[0] !== n || s[2] !== h || s[3] !== w) throw new Error(`concat: shapes [${shapes.map((t) => `[${t}]`)}] differ outside the channel axis`);
    c += s[1]!;
  }
  return [n, c, h, w];
}

/** Concatenates NCHW tensors of equal N, H, W along the channel axis, in order. */
export function concat(xs: Tensor[]): Tensor {
  if (xs.length === 0) throw new Error('concat: no inputs');
  for (const x of xs) if (x.dtype !== 'f32') throw new Error(`concat: ${x} is not f32`);
  const y = concatChannels(xs, concatShape(xs.map((x) => x.shape)));
  return record('concat', xs, y, (g) => {
    let first = 0;
    return xs.map((x) => {
      const at = first;
      first += x.shape[1]!;
      return x.requiresGrad ? channelSlice(g, at, x.shape[1]!) : null;
    });
  });
}
