// convTranspose2d (shaders/conv_transpose2d.wgsl, a gather kernel that also computes conv2d's dX) with its
// backward: dX is a conv2d forward of dY with the same weight, dW the conv weight-gradient reduction with the
// roles of input and gradient swapped (see conv2d.ts), db a channel sum. float64 CPU references at the end.

import { grid1d } from '../../kernels/grid.js';
import { record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { channelSums, convForward, depthwise3x3, fitTiles, forEachTap, isPointwise, pair, pointwiseGemm, shape4, weightGrad, type ConvGeom } from './conv2d.js';
import { launch, tuning } from './launch.js';
import { channelSum } from './reduce.js';

export interface ConvTranspose2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  outputPadding?: number | [number, number];
  groups?: number;
}

/** Geometry and output size (H − 1)·s − 2p + k + outputPadding of convTranspose2d(x: xShape, w: wShape), validated. */
export function transposedGeometry(xShape: readonly number[], wShape: readonly number[], opts: ConvTranspose2dOptions = {}): { geom: ConvGeom; ho: number; wo: number } {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`convTranspose2d: x [${xShape}] and w [${wShape}] must be 4-D`);
  const [, cin, h, w] = xShape as [number, number, number, number];
  const [wcin, , kh, kw] = wShape as [number, number, number, number];
  const [sh, sw] = pair(opts.stride, 1);
  const [ph, pw] = pair(opts.padding, 0);
  const [oph, opw] = pair(opts.outputPadding, 0);
  const groups = opts.groups ?? 1;
  if (wcin !== cin || !(groups >= 1) || cin % groups) throw new Error(`convTranspose2d: x [${xShape}], w [${wShape}] do not fit groups = ${groups}`);
  if (!(sh >= 1 && sw >= 1 && ph >= 0 && pw >= 0) || !(oph >= 0 && oph < sh && opw >= 0 && opw < sw)) {
    throw new Error('convTranspose2d: bad stride, padding or output padding (it must be below the stride)');
  }
  const ho = (h - 1) * sh - 2 * ph + kh + oph;
  const wo = (w - 1) * sw - 2 * pw + kw + opw;
  if (ho < 1 || wo < 1) throw new Error(`convTranspose2d: padding leaves no output for a ${h}×${w} input`);
  return { geom: { sh, sw, pt: ph, pl: pw, groups }, ho, wo };
}

/**
 * Raw transposed convolution (no autograd) with the output size given: x [N, Cin, H, W], w [Cin, Cout/g, kh, kw]
 * → [N, Cout, ho, wo]. pt/pl are the top/left padding, so conv2d's dX passes its forward geometry.
 */
export function transposedConv(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, ho: number, wo: number): Tensor {
  const [n, cin, h, wd] = shape4(x, 'x');
  const [, coutG, kh, kw] = shape4(w, 'w');
  const cout = coutG * g.groups;
  if (isPointwise(kh, kw, g, h, wd, ho, wo)) return pointwiseGemm(x, w, b, cout, 1, cout);
  if (g.groups === cin && coutG === 1 && kh === 3 && kw === 3 && g.sh === 1 && g.sw === 1) {
    return depthwise3x3(x, w, b, 1, 2 - g.pt, 2 - g.pl, ho, wo, true);
  }
  const t = tuning();
  const q = Math.ceil(wo / g.sw); // columns per phase (the last phases may have one fewer)
  const [tc, tw] = fitTiles([t.conv.tileC, coutG], [t.conv.tileW, q], (a, b) => n * g.groups * Math.ceil(coutG / a) * ho * g.sw * Math.ceil(q / b));
  const cblocks = Math.ceil(coutG / tc);
  const qblocks = Math.ceil(q / tw);
  const y = Tensor.empty([n, cout, ho, wo]);
  launch({ shader: 'conv_transpose2d', reads: 3, writes: 1, constants: { WG: t.wgTiled, TC: tc, TW: tw } }, [x, w, b ?? w], [y],
    [n, cin, h, wd, cout, ho, wo, g.groups, kh, kw, g.sh, g.sw, g.pt, g.pl, cblocks, qblocks, b ? 1 : 0],
    grid1d(n * g.groups * cblocks * ho * g.sw * qblocks, t.wgTiled));
  return y;
}

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

// ---- float64 CPU references -------------------------------------------------------------------------------

type Arr = ArrayLike<number>;

/** A transposed convolution is the adjoint of the conv2d from its output's shape to its input's, same weight. */
function forEachTransposedTap(xShape: readonly number[], wShape: readonly number[], opts: ConvTranspose2dOptions, f: (xi: number, yi: number, wi: number) => void): number[] {
  const { geom, ho, wo } = transposedGeometry(xShape, wShape, opts);
  const yShape = [xShape[0]!, wShape[1]! * geom.groups, ho, wo];
  forEachTap(yShape, wShape, xShape[2]!, xShape[3]!, geom, (yi, xi, wi) => f(xi, yi, wi));
  return yShape;
}

export const reference = {
  convTranspose2d(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], b: Arr | null, opts: ConvTranspose2dOptions = {}): { y: Float64Array; shape: number[] } {
    const { ho, wo, geom } = transposedGeometry(xShape, wShape, opts);
    const cout = wShape[1]! * geom.groups;
    const y = new Float64Array(xShape[0]! * cout * ho * wo);
    if (b) for (let i = 0; i < y.length; i++) y[i] = b[Math.floor(i / (ho * wo)) % cout]!;
    const shape = forEachTransposedTap(xShape, wShape, opts, (xi, yi, wi) => (y[yi]! += x[xi]! * w[wi]!));
    return { y, shape };
  },
  /** Gradients of sum(convTranspose2d(x, w, b) · g). */
  convTranspose2dBackward(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], g: Arr, opts: ConvTranspose2dOptions = {}): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
    const dx = new Float64Array(x.length);
    const dw = new Float64Array(w.length);
    const yShape = forEachTransposedTap(xShape, wShape, opts, (xi, yi, wi) => {
      dx[xi]! += g[yi]! * w[wi]!;
      dw[wi]! += g[yi]! * x[xi]!;
    });
    return { dx, dw, db: channelSums(g, yShape) };
  },
};
