// Max pooling over NCHW (shaders/max_pool2d.wgsl): square k×k windows, stride s, −∞ padding given as
// [top, bottom, left, right], floor output size. The forward saves each window's argmax (i32) so that
// the backward is a deterministic gather; float64 CPU references.

import { record } from '../tape.js';
import { Tensor, type Shape } from '../tensor.js';
import { launch1d } from './launch.js';

export interface MaxPoolOptions {
  kernel?: number;
  /** Defaults to the kernel size. */
  stride?: number;
  /** One value for all sides, or [top, bottom, left, right] (TF "SAME" for k2 s1 is [0, 1, 0, 1]). */
  padding?: number | [number, number, number, number];
}

interface Geometry {
  k: number;
  s: number;
  pad: [number, number, number, number];
  ho: number;
  wo: number;
}

function geometry(shape: Shape, opts: MaxPoolOptions): Geometry {
  const k = opts.kernel ?? 2;
  const s = opts.stride ?? k;
  const p = opts.padding ?? 0;
  const pad: [number, number, number, number] = typeof p === 'number' ? [p, p, p, p] : [...p];
  const [, , h, w] = shape as [number, number, number, number];
  const ho = Math.floor((h + pad[0] + pad[1] - k) / s) + 1;
  const wo = Math.floor((w + pad[2] + pad[3] - k) / s) + 1;
  if (![k, s, ...pad].every(Number.isInteger) || k < 1 || s < 1 || pad.some((v) => v < 0 || v >= k) || ho < 1 || wo < 1) {
    throw new Error(`maxPool2d: kernel ${k}, stride ${s}, padding [${pad}] do not fit [${shape}] (each pad must be < kernel)`);
  }
  return { k, s, pad, ho, wo };
}

export function maxPool2d(x: Tensor, opts: MaxPoolOptions = {}): Tensor {
  if (x.shape.length !== 4 || x.dtype !== 'f32') throw new Error(`maxPool2d: expects an f32 [N, C, H, W] tensor, got ${x}`);
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const { k, s, pad, ho, wo } = geometry(x.shape, opts);
  const geo = [h, w, ho, wo, k, s, pad[0], pad[2]];
  const y = Tensor.empty([n, c, ho, wo]);
  const argmax = Tensor.empty(y.shape, 'i32');
  launch1d('max_pool2d', 'forward', {}, [x], [y, argmax], Math.ceil(y.size / 4), [...geo, y.size]);
  const out = record('maxPool2d', [x], y, (g, [am]) => {
    const dx = Tensor.empty(x.shape);
    launch1d('max_pool2d', 'backward', {}, [g, am!], [dx], Math.ceil(dx.size / 4), [...geo, dx.size]);
    return [dx];
  }, [argmax]);
  argmax.dispose();
  return out;
}

/** float64 CPU references (ties: the first maximum in row-major window order). */
export const reference = {
  maxPool2d(x: ArrayLike<number>, shape: Shape, opts: MaxPoolOptions = {}): { y: number[]; argmax: number[]; shape: number[] } {
    const [n, c, h, w] = shape as [number, number, number, number];
    const { k, s, pad, ho, wo } = geometry(shape, opts);
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
  },

  maxPool2dGrad(g: ArrayLike<number>, x: ArrayLike<number>, shape: Shape, opts: MaxPoolOptions = {}): number[] {
    const [, , h, w] = shape as [number, number, number, number];
    const { argmax, shape: outShape } = reference.maxPool2d(x, shape, opts);
    const dx = new Array<number>(x.length).fill(0);
    const outPlane = outShape[2]! * outShape[3]!;
    argmax.forEach((at, o) => (dx[Math.floor(o / outPlane) * h * w + at]! += g[o]!));
    return dx;
  },
};
