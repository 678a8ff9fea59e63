// Concatenation of NCHW tensors along channels (shaders/concat.wgsl): each input is a strided copy
// into its channel slice of the output; the backward cuts g into the same slices with the same
// kernel; float64 CPU references.

import { grid1d } from '../../kernels/grid.js';
import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';
import { launch, tuning } from './launch.js';

interface Rows {
  /** Elements per row (one sample's slice). */
  len: number;
  srcStride: number;
  srcOff: number;
  dstStride: number;
  dstOff: number;
}

/** Copies `rows` rows of `len` elements between strided layouts. */
function copyRows(src: Tensor, dst: Tensor, rows: number, r: Rows): void {
  if (rows > 65535) throw new Error(`concat: batch ${rows} exceeds the 65535 rows one dispatch covers`);
  const wg = tuning().wgElementwise;
  const [gx, gy] = grid1d(Math.ceil(r.len / 4), wg);
  launch({ shader: 'concat', reads: 1, writes: 1, constants: { WG: wg } }, [src], [dst], [r.len, r.srcStride, r.srcOff, r.dstStride, r.dstOff], [gx, gy, rows]);
}

function outputShape(shapes: Shape[]): number[] {
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
  const shape = outputShape(xs.map((x) => x.shape));
  const [n, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  const slices: Rows[] = [];
  let off = 0;
  for (const x of xs) {
    const len = x.shape[1]! * hw;
    slices.push({ len, srcStride: len, srcOff: 0, dstStride: c * hw, dstOff: off * hw });
    off += x.shape[1]!;
  }
  const y = Tensor.empty(shape);
  xs.forEach((x, i) => copyRows(x, y, n, slices[i]!));
  return record('concat', xs, y, (g) =>
    xs.map((x, i) => {
      if (!x.requiresGrad) return null;
      const s = slices[i]!;
      const dx = Tensor.empty(x.shape);
      copyRows(g, dx, n, { len: s.len, srcStride: s.dstStride, srcOff: s.dstOff, dstStride: s.len, dstOff: 0 });
      return dx;
    }),
  );
}

export const reference = {
  concat(xs: ArrayLike<number>[], shapes: Shape[]): number[] {
    const [n, , h, w] = outputShape(shapes) as [number, number, number, number];
    const out: number[] = [];
    for (let b = 0; b < n; b++) {
      xs.forEach((x, i) => {
        const len = shapes[i]![1]! * h * w;
        for (let j = 0; j < len; j++) out.push(x[b * len + j]!);
      });
    }
    return out;
  },

  /** The gradient of each input: its channel slice of g. */
  concatGrad(g: ArrayLike<number>, shapes: Shape[]): number[][] {
    const [n, c, h, w] = outputShape(shapes) as [number, number, number, number];
    let off = 0;
    return shapes.map((s) => {
      const len = s[1]! * h * w;
      const dx: number[] = [];
      for (let b = 0; b < n; b++) for (let j = 0; j < len; j++) dx.push(g[b * c * h * w + off * h * w + j]!);
      off += s[1]!;
      return dx;
    });
  },
};
