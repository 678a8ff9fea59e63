// Training augmentation of OAENet (design §4), on a batch [N, 3, H, W] of 0–255 values before normalisation, in the
// original's order: horizontal flip (p 0.5); 0–4 black 15×25 rectangles (rows × columns) at random positions;
// colour jitter (brightness, contrast, saturation 0.5, in a random order as torchvision's ColorJitter) with p 0.5;
// Gaussian blur (kernel 5 wide × 9 high, σ ∈ U(0.1, 5), reflect padding) with p 0.5.
// Parameters are drawn per image on the host from a seeded RNG (drawAugment), so a seed reproduces a batch; the
// GPU applies them (shaders/augment.wgsl). Jitter and blur follow torchvision's float-tensor semantics on the BGR
// image (channel 0 gets grayscale weight 0.2989) and keep fractions: the original ran them on uint8 PIL images,
// rounding after each op. The mask is computed on the un-augmented face, with the landmarks flipped when the image
// is (flipLandmarks). float64 CPU reference at the end.

import { globalAvgPool } from '../graph/ops/global_avg_pool.js';
import { f32bits, launch1d } from '../graph/ops/launch.js';
import { scope, Tensor } from '../graph/tensor.js';
import { NET_MEAN, NET_STD } from '../face/image.js';

export type JitterOp = 'brightness' | 'contrast' | 'saturation';

export interface AugmentOptions {
  flipP: number;
  /** Rectangles per image: uniform in 0..maxRects. */
  maxRects: number;
  /** Rectangle rows × columns. */
  rect: [number, number];
  jitterP: number;
  /** Factor ranges [max(0, 1 − v), 1 + v], as ColorJitter(brightness=v, …); 0 disables an op. */
  brightness: number;
  contrast: number;
  saturation: number;
  blurP: number;
  /** Kernel width (x) × height (y), odd, as torchvision's GaussianBlur(kernel_size=(kx, ky)). */
  blurKernel: [number, number];
  sigma: [number, number];
}

export const OAENET_AUGMENT: AugmentOptions = {
  flipP: 0.5, maxRects: 4, rect: [15, 25],
  jitterP: 0.5, brightness: 0.5, contrast: 0.5, saturation: 0.5,
  blurP: 0.5, blurKernel: [5, 9], sigma: [0.1, 5],
};

export interface ImageAugment {
  flip: boolean;
  /** (top, left) of each rectangle, in the flipped image. */
  rects: [number, number][];
  /** Jitter ops in the order applied; empty when jitter is off. */
  jitter: { op: JitterOp; factor: number }[];
  /** Blur σ, or null. */
  sigma: number | null;
}

export interface AugmentPlan {
  height: number;
  width: number;
  rect: [number, number];
  blurKernel: [number, number];
  images: ImageAugment[];
}

/** Draws the parameters of n images of height × width from rand (e.g. seededRandom(seed) of src/nn/init.ts). */
export function drawAugment(rand: () => number, n: number, height: number, width: number, options: Partial<AugmentOptions> = {}): AugmentPlan {
  const o = { ...OAENET_AUGMENT, ...options };
  const span = Math.max(...o.rect);
  if (o.maxRects > 0 && span >= Math.min(height, width)) throw new Error(`drawAugment: ${o.rect[0]}×${o.rect[1]} rectangles do not fit ${height}×${width}`);
  const images = Array.from({ length: n }, (): ImageAugment => {
    const flip = rand() < o.flipP;
    const count = Math.floor(rand() * (o.maxRects + 1));
    // As the original's np.random.randint(0, size − max(rect)) per coordinate.
    const rects = Array.from({ length: count }, (): [number, number] => [Math.floor(rand() * (height - span)), Math.floor(rand() * (width - span))]);
    const jitter: ImageAugment['jitter'] = [];
    if (rand() < o.jitterP) {
      const order: JitterOp[] = ['brightness', 'contrast', 'saturation'];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const factor = (v: number) => Math.max(0, 1 - v) + rand() * (1 + v - Math.max(0, 1 - v));
      const factors = { brightness: factor(o.brightness), contrast: factor(o.contrast), saturation: factor(o.saturation) };
      for (const op of order) if (o[op] > 0) jitter.push({ op, factor: factors[op] });
    }
    const sigma = rand() < o.blurP ? o.sigma[0] + rand() * (o.sigma[1] - o.sigma[0]) : null;
    return { flip, rects, jitter, sigma };
  });
  return { height, width, rect: o.rect, blurKernel: o.blurKernel, images };
}

/** Landmarks [x0, y0, x1, y1, …] of a flipped image, as the original: x ← width − x. */
export function flipLandmarks(points: ArrayLike<number>, width = 224): Float32Array {
  return Float32Array.from(points, (v, i) => (i % 2 === 0 ? width - v : v));
}

/** torchvision's _get_gaussian_kernel1d: exp(−x²/2σ²) at x = −(k−1)/2 … (k−1)/2, normalised. */
export function gaussianKernel(size: number, sigma: number): number[] {
  const pdf = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2));
  const s = pdf.reduce((a, v) => a + v, 0);
  return pdf.map((v) => v / s);
}

const JITTER_CODE: Record<JitterOp, number> = { brightness: 1, contrast: 2, saturation: 3 };
const STEPS = 3;

/** Record layout per image: flip, count, rects (2 each), (op, factor) per jitter step, x taps, y taps. */
function layout(plan: AugmentPlan) {
  const maxRects = Math.max(0, ...plan.images.map((im) => im.rects.length));
  const jitter = 2 + 2 * maxRects;
  const blurX = jitter + 2 * STEPS;
  const blurY = blurX + plan.blurKernel[0];
  return { jitter, blurX, blurY, stride: blurY + plan.blurKernel[1] };
}

function records(plan: AugmentPlan): Int32Array {
  const l = layout(plan);
  const words = new Int32Array(plan.images.length * l.stride);
  const identity = (size: number) => Array.from({ length: size }, (_, i) => (i === (size - 1) / 2 ? 1 : 0));
  plan.images.forEach((im, n) => {
    const r = n * l.stride;
    words[r] = im.flip ? 1 : 0;
    words[r + 1] = im.rects.length;
    im.rects.forEach(([top, left], i) => words.set([top, left], r + 2 + 2 * i));
    im.jitter.forEach(({ op, factor }, s) => words.set([JITTER_CODE[op], f32bits(factor)], r + l.jitter + 2 * s));
    const [kx, ky] = plan.blurKernel;
    const wx = im.sigma === null ? identity(kx) : gaussianKernel(kx, im.sigma);
    const wy = im.sigma === null ? identity(ky) : gaussianKernel(ky, im.sigma);
    words.set(wx.map(f32bits), r + l.blurX);
    words.set(wy.map(f32bits), r + l.blurY);
  });
  return words;
}

/** The augmented batch (a new tensor); images [N, 3, H, W] f32 with N = plan.images.length is left unchanged. */
export function augment(images: Tensor, plan: AugmentPlan): Tensor {
  const [n, ch, h, w] = images.shape as [number, number, number, number];
  if (images.shape.length !== 4 || ch !== 3 || n !== plan.images.length || h !== plan.height || w !== plan.width) {
    throw new Error(`augment: images ${images} do not match a plan for ${plan.images.length} × 3 × ${plan.height} × ${plan.width}`);
  }
  const [kx, ky] = plan.blurKernel;
  if (kx % 2 === 0 || ky % 2 === 0 || kx > 2 * w - 1 || ky > 2 * h - 1) throw new Error(`augment: blur kernel ${kx}×${ky} must be odd and reflect inside ${h}×${w}`);
  const l = layout(plan);
  const invocations = n * h * Math.ceil(w / 4);
  const params = (off: number, taps = 0) => [n, h, w, l.stride, off, taps, ...plan.rect, 0, 0];
  return scope(() => {
    const rec = Tensor.from(records(plan), [n * l.stride], 'i32');
    let x = Tensor.empty(images.shape);
    launch1d('augment', 'geometry', {}, [rec, images], [x], invocations, params(0));
    for (let s = 0; s < STEPS; s++) {
      if (!plan.images.some((im) => im.jitter.length > s)) break;
      // Contrast blends with the mean grayscale of the image as it is at this step.
      const means = plan.images.some((im) => im.jitter[s]?.op === 'contrast') ? globalAvgPool(x) : x;
      const y = Tensor.empty(images.shape);
      launch1d('augment', 'jitter', {}, [rec, x, means], [y], invocations, params(l.jitter + 2 * s));
      x = y;
    }
    if (plan.images.some((im) => im.sigma !== null)) {
      const y = Tensor.empty(images.shape);
      launch1d('augment', 'blur', { AXIS: 0 }, [rec, x], [y], invocations, params(l.blurX, kx));
      x = Tensor.empty(images.shape);
      launch1d('augment', 'blur', { AXIS: 1 }, [rec, y], [x], invocations, params(l.blurY, ky));
    }
    return x;
  });
}


/**
 * The training inputs of a batch whose faces were flipped on the host (src/data/face_batch.ts): rectangles,
 * jitter and blur drawn from rand (flip probability 0 here) on the face `image` [N, 3, H, W] given normalised,
 * and the attention input recomputed from the augmented face × mask [N, H, W], as the original masks the
 * augmented image. The incoming attention input is superseded.
 */
export function augmentFaces(image: Tensor, _attn: Tensor, mask: Tensor, rand: () => number, options: Partial<AugmentOptions> = {}): { image: Tensor; attn: Tensor } {
  const [n, , h, w] = image.shape as [number, number, number, number];
  if (mask.size !== n * h * w) throw new Error(`augmentFaces: mask ${mask} does not cover ${image}`);
  const plan = drawAugment(rand, n, h, w, { ...options, flipP: 0 });
  const invocations = n * h * Math.ceil(w / 4);
  const params = [n, h, w, 0, 0, 0, 0, 0, f32bits(NET_MEAN), f32bits(NET_STD)];
  return scope(() => {
    const pixels = Tensor.empty(image.shape);
    launch1d('augment', 'to_pixels', {}, [image], [pixels], invocations, params);
    const face = augment(pixels, plan);
    const out = { image: Tensor.empty(image.shape), attn: Tensor.empty(image.shape) };
    launch1d('augment', 'to_inputs', {}, [face, mask], [out.image, out.attn], invocations, params);
    return out;
  });
}

export const reference = {
  /** The augmented batch in float64 (2-D blur kernel, as torchvision applies it). */
  augment(images: ArrayLike<number>, plan: AugmentPlan): Float64Array {
    const { height: h, width: w } = plan;
    const hw = h * w;
    const out = new Float64Array(images.length);
    const gray = (px: number[]) => 0.2989 * px[0]! + 0.587 * px[1]! + 0.114 * px[2]!;
    plan.images.forEach((im, n) => {
      const img = [0, 1, 2].map((c) => Float64Array.from({ length: hw }, (_, i) => {
        const y = Math.floor(i / w);
        const x = i % w;
        const black = im.rects.some(([t, l]) => y >= t && y < t + plan.rect[0] && x >= l && x < l + plan.rect[1]);
        return black ? 0 : images[(n * 3 + c) * hw + y * w + (im.flip ? w - 1 - x : x)]!;
      }));
      const pixel = (i: number) => img.map((p) => p[i]!);
      for (const { op, factor } of im.jitter) {
        const meanGray = op === 'contrast' ? Array.from({ length: hw }, (_, i) => gray(pixel(i))).reduce((a, v) => a + v, 0) / hw : 0;
        for (let i = 0; i < hw; i++) {
          const px = pixel(i);
          const other = op === 'brightness' ? 0 : op === 'contrast' ? meanGray : gray(px);
          for (let c = 0; c < 3; c++) img[c]![i] = Math.min(255, Math.max(0, factor * px[c]! + (1 - factor) * other));
        }
      }
      if (im.sigma !== null) {
        const kx = gaussianKernel(plan.blurKernel[0], im.sigma);
        const ky = gaussianKernel(plan.blurKernel[1], im.sigma);
        const reflect = (i: number, size: number) => (Math.abs(i) >= size ? 2 * (size - 1) - Math.abs(i) : Math.abs(i));
        const src = img.map((p) => Float64Array.from(p));
        for (let c = 0; c < 3; c++) {
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              let s = 0;
              ky.forEach((a, dy) => kx.forEach((b, dx) => {
                s += a * b * src[c]![reflect(y + dy - (ky.length - 1) / 2, h) * w + reflect(x + dx - (kx.length - 1) / 2, w)]!;
              }));
              img[c]![y * w + x] = s;
            }
          }
        }
      }
      img.forEach((p, c) => out.set(p, (n * 3 + c) * hw));
    });
    return out;
  },
};
