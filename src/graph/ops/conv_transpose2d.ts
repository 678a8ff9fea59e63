// convTranspose2d with its backward: dX is a conv2d forward of dY with the same weight, dW the conv
// weight-gradient reduction with (A, B) = (x, dY), db a channel sum. Kernels: src/kernels/launchers/
// {conv_transpose2d,conv2d,depthwise,conv_wgrad}.ts; float64 references: src/reference/conv_transpose2d.ts.

import { shape4, transposedGeometry, type ConvTranspose2dOptions } from '../../kernels/conv_geometry.js';
import { convForward } from '../../kernels/launchers/conv2d.js';
import { transposedConv } from '../../kernels/launchers/conv_transpose2d.js';
import { weightGrad } from '../../kernels/launchers/conv_wgrad.js';
import { record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { channelSum } from './reduce.js';

export type { ConvTranspose2dOptions };

/** 2-D transposed convolution, w [Cin, Cout/groups, kh, kw], b [Cout] or none. */
export function convTranspose2d(x: Tensor, w: Tensor, b?: Tensor | null, opts: ConvTranspose2dOptions = {}): Tensor {
  const [, , h, wd] = shape4(x, 'convTranspose2d x');
  const [, , kh, kw] = shape4(w, 'convTranspose2d w');
  const { geom, ho, wo } = transposedGeometry(x.shape, w.shape, opts);
  const cout = w.shape[1]! * geom.groups;
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) throw new Error(`convTranspose2d: bias [${b.shape}] for ${cout} output channels`);
  const y = transposedConv(x, w, b ?? null, geom, ho, wo);
  return record('convTranspose2d', [x, w, b ?? null], y, (g, [xs, ws]) => [
    x.requiresGrad ? convForward(g, ws!, null, geom, h, wd) : null,
    w.requiresGrad ? weightGrad(xs!, g, kh, kw, geom) : null,
    b?.requiresGrad ? channelSum(g) : null,
  ], [x, w]);
}
