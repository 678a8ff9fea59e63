// conv2d (shaders/conv2d.wgsl, shaders/depthwise.wgsl) with its backward: dX is a transposed convolution
// (shaders/conv_transpose2d.wgsl, see conv_transpose2d.ts), dW a two-stage reduction (shaders/conv_wgrad.wgsl,
// with a vec4 variant for pointwise convs), db a channel sum. The launchers here also serve convTranspose2d (its
// dX is a conv2d forward, its dW the same reduction with the roles of input and gradient swapped). float64 CPU
// references at the end.
// Kernels take an optional bias as a has_bias param plus a buffer, which is the weight when there is no bias.

import { grid1d } from '../../kernels/grid.js';
import { isGradEnabled, record } from '../tape.js';
import { Tensor } from '../tensor.js';
import { launch, tuning } from './launch.js';
import { channelSum } from './reduce.js';
import { transposedConv } from './conv_transpose2d.js';

export interface Conv2dOptions {
  stride?: number | [number, number];
  /** symmetric p, [ph, pw], or asymmetric [top, bottom, left, right] (TF "SAME": stride 2 pads 0 before, 1 after) */
  padding?: number | [number, number] | [number, number, number, number];
  groups?: number;
  /** Applied to the output inside the conv kernel (Conv-BN-act in eval mode). Inference only: no gradient flows through it. */
  activation?: FusedActivation;
}

export type FusedActivation = 'relu' | 'relu6';

/** The prelude's ACT codes (src/kernels/pipeline.ts); no entry (no constant, no extra pipeline) without one. */
const actConstant = (a: FusedActivation | undefined): { ACT?: number } => (a ? { ACT: a === 'relu' ? 1 : 2 } : {});

/** Stride, top/left padding and groups: all a kernel needs besides the tensors' shapes and the output size. */
export interface ConvGeom {
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  groups: number;
}

type Shape4 = [number, number, number, number];

export function pair(v: number | [number, number] | undefined, dflt: number): [number, number] {
  return v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
}

export function shape4(t: { shape: readonly number[] }, what: string): Shape4 {
  if (t.shape.length !== 4) throw new Error(`${what} must be 4-D, got [${t.shape}]`);
  return t.shape as unknown as Shape4;
}

/** Geometry and output size of conv2d(x: xShape, w: wShape) (PyTorch's floor rule), validated. */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], opts: Conv2dOptions = {}): { geom: ConvGeom; ho: number; wo: number } {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`conv2d: x [${xShape}] and w [${wShape}] must be 4-D`);
  const [, cin, h, w] = xShape as Shape4;
  const [cout, cinG, kh, kw] = wShape as Shape4;
  const [sh, sw] = pair(opts.stride, 1);
  const pad = opts.padding ?? 0;
  const [pt, pb, pl, pr] = typeof pad === 'number' ? [pad, pad, pad, pad] : pad.length === 2 ? [pad[0], pad[0], pad[1], pad[1]] : pad;
  const groups = opts.groups ?? 1;
  if (!(groups >= 1) || cin % groups || cout % groups || cinG * groups !== cin) {
    throw new Error(`conv2d: x [${xShape}], w [${wShape}] do not fit groups = ${groups}`);
  }
  if (!(sh >= 1 && sw >= 1) || [pt, pb, pl, pr].some((p) => !(p >= 0))) throw new Error('conv2d: bad stride or padding');
  const ho = Math.floor((h + pt + pb - kh) / sh) + 1;
  const wo = Math.floor((w + pl + pr - kw) / sw) + 1;
  if (ho < 1 || wo < 1) throw new Error(`conv2d: kernel ${kh}×${kw} does not fit the padded ${h}×${w} input`);
  return { geom: { sh, sw, pt, pl, groups }, ho, wo };
}

/**
 * Register tiles (a, b) for one dispatch: the tuned sizes, capped by the dimensions they tile (rounded up to
 * a power of two so that few pipeline variants get compiled; kernels clamp and skip the excess), then halved,
 * the larger first, until the dispatch has tuning's minInvocations: a GPU left with a few thousand threads
 * idles however well each one reuses its loads.
 */
export function fitTiles(a: [tuned: number, dim: number], b: [tuned: number, dim: number], invocations: (ta: number, tb: number) => number): [number, number] {
  let ta = tile(...a);
  let tb = tile(...b);
  const min = tuning().conv.minInvocations;
  while (invocations(ta, tb) < min && ta * tb > 1) {
    if (ta > tb) ta /= 2;
    else tb /= 2;
  }
  return [ta, tb];
}

function tile(tuned: number, dim: number): number {
  return Math.min(tuned, 2 ** Math.ceil(Math.log2(dim)));
}

/** 1×1, stride 1, no padding, one group, output size = input size, H·W % 4 == 0: the vec4 GEMM path. */
export function isPointwise(kh: number, kw: number, g: ConvGeom, h: number, w: number, ho: number, wo: number): boolean {
  return kh === 1 && kw === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.groups === 1 && ho === h && wo === w && (h * w) % 4 === 0;
}

/**
 * Y[n] = A · X[n] (+ bias) over x [N, K, H, W] with H·W % 4 == 0, where A[m, k] = w[m·sam + k·sak]:
 * a 1×1 conv (A = W, sam = K, sak = 1) or its transpose (A = Wᵀ, sam = 1, sak = M).
 */
export function pointwiseGemm(x: Tensor, w: Tensor, b: Tensor | null, m: number, sam: number, sak: number, act?: FusedActivation): Tensor {
  const [n, k, h, wd] = shape4(x, 'x');
  const hw4 = (h * wd) / 4;
  const t = tuning();
  const [tm, tv] = fitTiles([t.conv.gemmM, m], [t.conv.gemmV, hw4], (a, b) => n * Math.ceil(m / a) * Math.ceil(hw4 / b));
  const mblocks = Math.ceil(m / tm);
  const vblocks = Math.ceil(hw4 / tv);
  const y = Tensor.empty([n, m, h, wd]);
  const constants = { WG: t.wgTiled, TM: tm, TV: tv, ...actConstant(act) };
  launch({ shader: 'conv2d', entry: 'pointwise', reads: 3, writes: 1, constants }, [x, w, b ?? w], [y],
    [n, m, k, hw4, sam, sak, mblocks, vblocks, b ? 1 : 0], grid1d(n * mblocks * vblocks, t.wgTiled));
  return y;
}

/**
 * Depthwise 3×3 conv (x [N, C, H, W], w [C, 1, 3, 3]) with top/left padding pt, pl and the output size given;
 * `flip` rotates the filter by 180° (with padding 2 − p: a stride-1 transposed depthwise conv).
 */
export function depthwise3x3(x: Tensor, w: Tensor, b: Tensor | null, stride: number, pt: number, pl: number, ho: number, wo: number, flip: boolean, act?: FusedActivation): Tensor {
  const [n, c, h, wd] = shape4(x, 'x');
  const t = tuning();
  const [, tw] = fitTiles([1, 1], [t.conv.depthwiseW, wo], (_, b) => n * c * ho * Math.ceil(wo / b));
  const wblocks = Math.ceil(wo / tw);
  const y = Tensor.empty([n, c, ho, wo]);
  launch({ shader: 'depthwise', reads: 3, writes: 1, constants: { WG: t.wgTiled, S: stride, TW: tw, FLIP: flip ? 1 : 0, ...actConstant(act) } }, [x, w, b ?? w], [y],
    [n, c, h, wd, ho, wo, pt, pl, wblocks, b ? 1 : 0], grid1d(n * c * ho * wblocks, t.wgTiled));
  return y;
}

/** Raw conv2d forward (no autograd) with the output size given: x [N, Cin, H, W], w [Cout, Cin/g, kh, kw]. */
export function convForward(x: Tensor, w: Tensor, b: Tensor | null, g: ConvGeom, ho: number, wo: number, act?: FusedActivation): Tensor {
  const [n, cin, h, wd] = shape4(x, 'x');
  const [cout, , kh, kw] = shape4(w, 'w');
  const t = tuning();
  if (isPointwise(kh, kw, g, h, wd, ho, wo)) return pointwiseGemm(x, w, b, cout, cin, 1, act);
  if (g.groups === cin && cin === cout && kh === 3 && kw === 3 && g.sh === g.sw && (g.sh === 1 || g.sh === 2)) {
    return depthwise3x3(x, w, b, g.sh, g.pt, g.pl, ho, wo, false, act);
  }
  const y = Tensor.empty([n, cout, ho, wo]);
  const wg = t.wgTiled;
  const coutG = cout / g.groups;
  const [tc, tw] = fitTiles([t.conv.tileC, coutG], [t.conv.tileW, wo], (a, b) => n * g.groups * Math.ceil(coutG / a) * ho * Math.ceil(wo / b));
  const cblocks = Math.ceil(coutG / tc);
  const wblocks = Math.ceil(wo / tw);
  launch({ shader: 'conv2d', reads: 3, writes: 1, constants: { WG: wg, TC: tc, TW: tw, ...actConstant(act) } }, [x, w, b ?? w], [y],
    [n, cin, h, wd, cout, ho, wo, g.groups, kh, kw, g.sh, g.sw, g.pt, g.pl, cblocks, wblocks, b ? 1 : 0],
    grid1d(n * g.groups * cblocks * ho * wblocks, wg));
  return y;
}

/** Fewest reduction positions per weight-gradient slice: below this, stage 2 costs more than it spreads. */
const MIN_SLICE = 32;

/**
 * out[a, b_g, ky, kx] = Σ_{n, y, x} A[n, a, y, x] · B[n, g·CB/groups + b_g, y·sh − pt + ky, x·sw − pl + kx]
 * → [CA, CB/groups, kh, kw]: conv2d's dW with (A, B) = (dY, x), convTranspose2d's with (x, dY).
 * Pointwise geometry (see isPointwise) takes the vec4 path where tuning gives it tiles.
 */
export function weightGrad(a: Tensor, b: Tensor, kh: number, kw: number, g: ConvGeom): Tensor {
  const [, , ha, wa] = shape4(a, 'A');
  const [, , hb, wb] = shape4(b, 'B');
  const tiles = tuning().conv.pointwiseWgrad;
  return tiles && isPointwise(kh, kw, g, hb, wb, ha, wa) ? pointwiseWeightGrad(a, b, tiles) : generalWeightGrad(a, b, kh, kw, g);
}

/** weightGrad for any geometry: scalar loads, register block of rows × taps. */
export function generalWeightGrad(a: Tensor, b: Tensor, kh: number, kw: number, g: ConvGeom): Tensor {
  const [n, ca, ha, wa] = shape4(a, 'A');
  const [, cb, hb, wb] = shape4(b, 'B');
  const t = tuning();
  const caG = ca / g.groups;
  const taps = (cb / g.groups) * kh * kw;
  // Tiles stay as tuned (capped by the dimensions): slices of the reduction supply the parallelism.
  const ta = tile(t.conv.wgradA, caG);
  const tk = taps === 9 ? 9 : tile(t.conv.wgradK, taps); // all of a depthwise 3×3 filter at once
  const ablocks = Math.ceil(caG / ta);
  const tblocks = Math.ceil(taps / tk);
  const blocks = g.groups * ablocks * tblocks;
  const chunks = sliceCount(blocks, n * ha * wa);
  const shape = [ca, cb / g.groups, kh, kw];
  const part = Tensor.empty(chunks === 1 ? shape : [chunks, ...shape]);
  launch({ shader: 'conv_wgrad', entry: 'partial', reads: 2, writes: 1, constants: { WG: t.wgTiled, TA: ta, TK: tk } }, [a, b], [part],
    [n, ca, ha, wa, cb, hb, wb, g.groups, kh, kw, g.sh, g.sw, g.pt, g.pl, ablocks, tblocks, chunks],
    grid1d(chunks * blocks, t.wgTiled));
  return sumSlices(part, shape, chunks);
}

/**
 * weightGrad of a pointwise conv, A [N, CA, H, W], B [N, CB, H, W] with H·W % 4 == 0 → [CA, CB, 1, 1]:
 * vec4 loads along the contiguous planes, a register block of (at most) tiles[0] × tiles[1] vec4 accumulators.
 */
export function pointwiseWeightGrad(a: Tensor, b: Tensor, tiles: readonly [number, number]): Tensor {
  const [n, ca, h, wd] = shape4(a, 'A');
  const [, cb] = shape4(b, 'B');
  const t = tuning();
  const ta = tile(tiles[0], ca);
  const tb = tile(tiles[1], cb);
  const ablocks = Math.ceil(ca / ta);
  const bblocks = Math.ceil(cb / tb);
  const chunks = sliceCount(ablocks * bblocks, n * h * wd);
  const shape = [ca, cb, 1, 1];
  const part = Tensor.empty(chunks === 1 ? shape : [chunks, ...shape]);
  launch({ shader: 'conv_wgrad', entry: 'pointwise', reads: 2, writes: 1, constants: { WG: t.wgTiled, TA: ta, TB: tb } }, [a, b], [part],
    [n, ca, cb, (h * wd) / 4, ablocks, bblocks, chunks], grid1d(chunks * ablocks * bblocks, t.wgTiled));
  return sumSlices(part, shape, chunks);
}

/** Slices of a reduction over `positions` for `blocks` register blocks: enough to fill the device, none shorter than MIN_SLICE. */
function sliceCount(blocks: number, positions: number): number {
  return Math.max(1, Math.min(Math.ceil(tuning().conv.minInvocations / blocks), Math.floor(positions / MIN_SLICE)));
}

/** Stage 2: part [chunks, ...shape] summed over chunks in order (part itself when there is one). */
function sumSlices(part: Tensor, shape: number[], chunks: number): Tensor {
  if (chunks === 1) return part;
  const dw = Tensor.empty(shape);
  const wg = tuning().wgElementwise;
  launch({ shader: 'conv_wgrad', entry: 'sum', reads: 1, writes: 1, constants: { WG: wg } }, [part], [dw], [dw.size, chunks], grid1d(dw.size, wg));
  part.dispose();
  return dw;
}

/** 2-D convolution, w [Cout, Cin/groups, kh, kw], b [Cout] or none. */
export function conv2d(x: Tensor, w: Tensor, b?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const [, , h, wd] = shape4(x, 'conv2d x');
  const [cout, , kh, kw] = shape4(w, 'conv2d w');
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) throw new Error(`conv2d: bias [${b.shape}] for ${cout} output channels`);
  const { geom, ho, wo } = convGeometry(x.shape, w.shape, opts);
  if (opts.activation && isGradEnabled() && [x, w, b].some((t) => t?.requiresGrad)) {
    throw new Error('conv2d: a fused activation is inference-only; run it under noGrad(), or apply the activation as its own op');
  }
  const y = convForward(x, w, b ?? null, geom, ho, wo, opts.activation);
  return record('conv2d', [x, w, b ?? null], y, (g, [xs, ws]) => [
    x.requiresGrad ? transposedConv(g, ws!, null, geom, h, wd) : null,
    w.requiresGrad ? weightGrad(g, xs!, kh, kw, geom) : null,
    b?.requiresGrad ? channelSum(g) : null,
  ], [x, w]);
}

// ---- float64 CPU references -------------------------------------------------------------------------------

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

export const reference = {
  conv2d(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], b: Arr | null, opts: Conv2dOptions = {}): { y: Float64Array; shape: number[] } {
    const { geom, ho, wo } = convGeometry(xShape, wShape, opts);
    const shape = [xShape[0]!, wShape[0]!, ho, wo];
    const y = new Float64Array(shape[0]! * shape[1]! * ho * wo);
    if (b) for (let i = 0; i < y.length; i++) y[i] = b[Math.floor(i / (ho * wo)) % shape[1]!]!;
    forEachTap(xShape, wShape, ho, wo, geom, (xi, yi, wi) => (y[yi]! += x[xi]! * w[wi]!));
    return { y, shape };
  },
  /** Gradients of sum(conv2d(x, w, b) · g). */
  conv2dBackward(x: Arr, xShape: readonly number[], w: Arr, wShape: readonly number[], g: Arr, opts: Conv2dOptions = {}): { dx: Float64Array; dw: Float64Array; db: Float64Array } {
    const { geom, ho, wo } = convGeometry(xShape, wShape, opts);
    const dx = new Float64Array(x.length);
    const dw = new Float64Array(w.length);
    forEachTap(xShape, wShape, ho, wo, geom, (xi, yi, wi) => {
      dx[xi]! += g[yi]! * w[wi]!;
      dw[wi]! += g[yi]! * x[xi]!;
    });
    return { dx, dw, db: channelSums(g, [xShape[0]!, wShape[0]!, ho, wo]) };
  },
};
