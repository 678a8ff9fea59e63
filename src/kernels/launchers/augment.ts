// Training augmentation passes (shaders/augment.wgsl) over a batch [N, 3, H, W] of 0–255 values, four
// pixels of a row per invocation, each pass into a new tensor; per-image parameters come from a record
// of `stride` words per image. Raw launches.

import { Tensor } from '../../graph/tensor.js';
import { NET_MEAN, NET_STD } from '../../face/image.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

const params = { n: 'u32', h: 'u32', w: 'u32', stride: 'u32', off: 'u32', taps: 'u32', rh: 'u32', rw: 'u32', mean: 'f32', sd: 'f32' } as const;
export const kernels = {
  rectangles: kernel({ shader: 'augment', entry: 'rectangles', params, reads: ['rec', 'src'], writes: ['dst'], overrides: ['WG'] }),
  jitter: kernel({ shader: 'augment', entry: 'jitter', params, reads: ['rec', 'src', 'means'], writes: ['jdst'], overrides: ['WG'] }),
  blur: kernel({ shader: 'augment', entry: 'blur', params, reads: ['rec', 'src'], writes: ['dst'], overrides: ['WG', 'AXIS'] }),
  toPixels: kernel({ shader: 'augment', entry: 'to_pixels', params, reads: ['norm_in'], writes: ['pixels_out'], overrides: ['WG'] }),
  toInputs: kernel({ shader: 'augment', entry: 'to_inputs', params, reads: ['pixels_in', 'mask'], writes: ['image_out', 'attn_out'], overrides: ['WG'] }),
};

/** The per-image records of a plan: `stride` words per image, rectangles of rh × rw. */
export interface Records {
  rec: Tensor;
  stride: number;
  rect: readonly [number, number];
}

function dims(x: Tensor): { n: number; h: number; w: number } {
  const [n, , h, w] = x.shape as [number, number, number, number];
  return { n, h, w };
}

const invocations = (x: Tensor): number => {
  const { n, h, w } = dims(x);
  return n * h * Math.ceil(w / 4);
};

/** The uniform of a record pass; off: where its words start in each record; taps: the blur's length. */
function recordParams(x: Tensor, r: Records, off: number, taps = 0) {
  return { ...dims(x), stride: r.stride, off, taps, rh: r.rect[0], rw: r.rect[1], mean: 0, sd: 0 };
}

/** The uniform of a conversion from or to the network's normalised inputs. */
function normParams(x: Tensor) {
  return { ...dims(x), stride: 0, off: 0, taps: 0, rh: 0, rw: 0, mean: NET_MEAN, sd: NET_STD };
}

/** x with each image's rectangles (record words 0: count, then top, left per rectangle) set to 0. */
export function blackRectangles(x: Tensor, r: Records): Tensor {
  const y = Tensor.empty(x.shape);
  launch1d(kernels.rectangles, invocations(x), { rec: r.rec, src: x }, { dst: y }, recordParams(x, r, 0));
  return y;
}

/** One colour-jitter step (record words off: op, off + 1: factor bits); means [N, 3] per channel (contrast). */
export function jitterStep(x: Tensor, means: Tensor, r: Records, off: number): Tensor {
  const y = Tensor.empty(x.shape);
  launch1d(kernels.jitter, invocations(x), { rec: r.rec, src: x, means }, { jdst: y }, recordParams(x, r, off));
  return y;
}

/** One axis of the separable Gaussian blur (0: along rows, 1: along columns), `taps` weights from word off. */
export function blurAxis(x: Tensor, r: Records, off: number, taps: number, axis: 0 | 1): Tensor {
  const y = Tensor.empty(x.shape);
  launch1d(kernels.blur, invocations(x), { rec: r.rec, src: x }, { dst: y }, recordParams(x, r, off, taps), { AXIS: axis });
  return y;
}

/** Normalised network inputs [N, 3, H, W] → 0–255 values. */
export function toPixels(image: Tensor): Tensor {
  const pixels = Tensor.empty(image.shape);
  launch1d(kernels.toPixels, invocations(image), { norm_in: image }, { pixels_out: pixels }, normParams(image));
  return pixels;
}

/** 0–255 values [N, 3, H, W] and a mask [N, H, W] → the normalised face and face × mask. */
export function toInputs(pixels: Tensor, mask: Tensor): { image: Tensor; attn: Tensor } {
  const out = { image: Tensor.empty(pixels.shape), attn: Tensor.empty(pixels.shape) };
  launch1d(kernels.toInputs, invocations(pixels), { pixels_in: pixels, mask }, { image_out: out.image, attn_out: out.attn }, normParams(pixels));
  return out;
}
