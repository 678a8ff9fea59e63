// float64 references of convTranspose2d and its gradients: a transposed convolution is the adjoint of the
// conv2d from its output's shape to its input's, same weight, so conv2d's tap loop serves with x and y swapped.

import { transposedGeometry, type ConvTranspose2dOptions } from '../kernels/conv_geometry.js';
import { channelSums, forEachTap } from './conv2d.js';

type Arr = ArrayLike<number>;

/** Calls f(xi, yi, wi) for every product x[xi] · w[wi] that contributes to y[yi]; returns y's shape. */
function forEachTransposedTap(xShape: readonly number[], wShape: readonly number[], opts: ConvTranspose2dOptions, f: (xi: number, yi: number, wi: number) => void): number[] {
  const { geom, ho, wo } = transposedGeometry(xShape, wShape, opts);
  const yShape = [xShape[0]!, wShape[1]! * geom.groups, ho, wo];
  forEachTap(yShape, wShape, xShape[2]!, xShape[3]!, geom, (yi, xi, wi) => f(xi, yi, wi));
  return yShape;
}

export function convTranspose2d(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], b: Arr | null, opts: ConvTranspose2dOptions = {}): { y: Float64Array; shape: number[] } {
  const { ho, wo, geom } = transposedGeometry(xShape, wShape, opts);
  const cout = wShape[1]! * geom.groups;
  const y = new Float64Array(xShape[0]! * cout * ho * wo);
  if (b) for (let i = 0; i < y.length; i++) y[i] = b[Math.floor(i / (ho * wo)) % cout]!;
  const shape = forEachTransposedTap(xShape, wShape, opts, (xi, yi, wi) => (y[yi]! += x[xi]! * w[wi]!));
  return { y, shape };
}

/** Gradients of sum(convTranspose2d(x, w, b) · g). */
export function convTranspose2dBackward(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], g: Arr, opts: ConvTranspose2dOptions = {}): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  const yShape = forEachTransposedTap(xShape, wShape, opts, (xi, yi, wi) => {
    dx[xi]! += g[yi]! * w[wi]!;
    dw[wi]! += g[yi]! * x[xi]!;
  });
  return { dx, dw, db: channelSums(g, yShape) };
}
