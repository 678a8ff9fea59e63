// float64 references of conv2d and its gradients, through one loop over every tap of the convolution
// (which the transposed convolution's references reuse as the adjoint).

import { convGeometry, type ConvGeom, type ConvOptions, type Shape4 } from '../kernels/conv_geometry.js';

type Arr = ArrayLike<number>;

/**
 * Calls f(xi, yi, wi) for every product x[xi] · w[wi] that contributes to y[yi] in a conv2d from
 * x [N, C, H, W] to y [N, Cout, ho, wo] with w [Cout, C/groups, kh, kw].
 */
export function forEachTap(xShape: readonly number[], wShape: readonly number[], ho: number, wo: number, g: ConvGeom, f: (xi: number, yi: number, wi: number) => void): void {
  const [n, c, h, w] = xShape as Shape4;
  const [cout, cinG, kh, kw] = wShape as Shape4;
  const coutG = cout / g.groups;
  for (let b = 0; b < n; b++)
    for (let co = 0; co < cout; co++)
      for (let oy = 0; oy < ho; oy++)
        for (let ox = 0; ox < wo; ox++) {
          const yi = ((b * cout + co) * ho + oy) * wo + ox;
          for (let cg = 0; cg < cinG; cg++) {
            const ci = Math.floor(co / coutG) * cinG + cg;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * g.sh - g.pt + ky;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * g.sw - g.pl + kx;
                if (ix < 0 || ix >= w) continue;
                f(((b * c + ci) * h + iy) * w + ix, yi, ((co * cinG + cg) * kh + ky) * kw + kx);
              }
            }
          }
        }
}

/** Σ over N, H, W of an NCHW array → [C] (bias gradients). */
export function channelSums(g: Arr, shape: readonly number[]): Float64Array {
  const [n, c] = shape as Shape4;
  const hw = g.length / (n * c);
  const out = new Float64Array(c);
  for (let i = 0; i < g.length; i++) out[Math.floor(i / hw) % c]! += g[i]!;
  return out;
}

export function conv2d(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], b: Arr | null, opts: ConvOptions = {}): { y: Float64Array; shape: number[] } {
  const { geom, ho, wo } = convGeometry(xShape, wShape, opts);
  const shape = [xShape[0]!, wShape[0]!, ho, wo];
  const y = new Float64Array(shape[0]! * shape[1]! * ho * wo);
  if (b) for (let i = 0; i < y.length; i++) y[i] = b[Math.floor(i / (ho * wo)) % shape[1]!]!;
  forEachTap(xShape, wShape, ho, wo, geom, (xi, yi, wi) => (y[yi]! += x[xi]! * w[wi]!));
  return { y, shape };
}

/** Gradients of sum(conv2d(x, w, b) · g). */
export function conv2dBackward(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], g: Arr, opts: ConvOptions = {}): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
  const { geom, ho, wo } = convGeometry(xShape, wShape, opts);
  const dx = new Float64Array(x.length);
  const dw = new Float64Array(w.length);
  forEachTap(xShape, wShape, ho, wo, geom, (xi, yi, wi) => {
    dx[xi]! += g[yi]! * w[wi]!;
    dw[wi]! += g[yi]! * x[xi]!;
  });
  return { dx, dw, db: channelSums(g, [xShape[0]!, wShape[0]!, ho, wo]) };
}
