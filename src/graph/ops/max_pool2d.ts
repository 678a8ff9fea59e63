// Max pooling over NCHW: square k×k windows, stride s, −∞ padding given as [top, bottom, left, right],
// floor output size. The forward saves each window's argmax so that the backward is a deterministic
// gather. Kernels: src/kernels/launchers/max_pool2d.ts; float64 references: src/reference/max_pool2d.ts.

import { maxPoolBackward, maxPoolForward } from '../../kernels/launchers/max_pool2d.js';
import { record } from '../tape.js';
import type { Shape, Tensor } from '../tensor.js';

export interface MaxPoolOptions {
  kernel?: number;
  /** Defaults to the kernel size. */
  stride?: number;
  /** One value for all sides, or [top, bottom, left, right] (TF "SAME" for k2 s1 is [0, 1, 0, 1]). */
  padding?: number | [number, number, number, number];
}

export interface PoolGeometry {
  k: number;
  s: number;
  pad: [number, number, number, number];
  ho: number;
  wo: number;
}

/** The window and output plane of pooling `shape`, or an error when they do not fit. */
export function poolGeometry(shape: Shape, opts: MaxPoolOptions): PoolGeometry {
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
  const { k, s, pad, ho, wo } = poolGeometry(x.shape, opts);
  const win = { k, s, padTop: pad[0], padLeft: pad[2] };
  const { y, argmax } = maxPoolForward(x, win, ho, wo);
  const out = record('maxPool2d', [x], y, (g, [am]) => [maxPoolBackward(g, am!, x.shape, win)], [argmax]);
  argmax.dispose();
  return out;
}
