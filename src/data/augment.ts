// Training augmentation of OAENet on a batch [N, 3, H, W] of 0–255 values before normalisation, in the
// original's order after its horizontal flip (which face batches make on the host, face and landmarks together,
// before the mask): 0–4 black 15×25 rectangles (rows × columns) at random positions; colour jitter (brightness,
// contrast, saturation 0.5, in a random order as torchvision's ColorJitter) with p 0.5; Gaussian blur (kernel 5
// wide × 9 high, σ ∈ U(0.1, 5), reflect padding) with p 0.5.
// Parameters are drawn per image on the host from a seeded RNG (drawAugment), so a seed reproduces a batch; the
// GPU applies them. Jitter and blur follow torchvision's float-tensor semantics on the BGR image (channel 0 gets
// grayscale weight 0.2989) and keep fractions: the original ran them on uint8 PIL images, rounding after each op.

import { globalAvgPool } from '../graph/ops/global_avg_pool.js';
import { scope, Tensor } from '../graph/tensor.js';
import { blackRectangles, blurAxis, jitterStep, toInputs, toPixels, type Records } from '../kernels/launchers/augment.js';

export type JitterOp = 'brightness' | 'contrast' | 'saturation';

export interface AugmentOptions {
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
  maxRects: 4, rect: [15, 25],
  jitterP: 0.5, brightness: 0.5, contrast: 0.5, saturation: 0.5,
  blurP: 0.5, blurKernel: [5, 9], sigma: [0.1, 5],
};

export interface ImageAugment {
  /** (top, left) of each rectangle. */
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
    // Unused: the flip is drawn on the host, before the mask; the draw stays so a seed keeps its batches.
    rand();
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
    return { rects, jitter, sigma };
  });
  return { height, width, rect: o.rect, blurKernel: o.blurKernel, images };
}

/** torchvision's _get_gaussian_kernel1d: exp(−x²/2σ²) at x = −(k−1)/2 … (k−1)/2, normalised. */
export function gaussianKernel(size: number, sigma: number): number[] {
  const pdf = Array.from({ length: size }, (_, i) => Math.exp(-0.5 * ((i - (size - 1) / 2) / sigma) ** 2));
  const s = pdf.reduce((a, v) => a + v, 0);
  return pdf.map((v) => v / s);
}

const JITTER_CODE: Record<JitterOp, number> = { brightness: 1, contrast: 2, saturation: 3 };
const STEPS = 3;

/** Record layout per image: count, rects (2 each), (op, factor) per jitter step, x taps, y taps. */
function layout(plan: AugmentPlan) {
  const maxRects = Math.max(0, ...plan.images.map((im) => im.rects.length));
  const jitter = 1 + 2 * maxRects;
  const blurX = jitter + 2 * STEPS;
  const blurY = blurX + plan.blurKernel[0];
  return { jitter, blurX, blurY, stride: blurY + plan.blurKernel[1] };
}

/** The plan's words: integers as i32, factors and blur weights as float32 bits. */
function records(plan: AugmentPlan): Int32Array {
  const l = layout(plan);
  const words = new Int32Array(plan.images.length * l.stride);
  const floats = new Float32Array(words.buffer);
  const identity = (size: number) => Array.from({ length: size }, (_, i) => (i === (size - 1) / 2 ? 1 : 0));
  plan.images.forEach((im, n) => {
    const r = n * l.stride;
    words[r] = im.rects.length;
    im.rects.forEach(([top, left], i) => words.set([top, left], r + 1 + 2 * i));
    im.jitter.forEach(({ op, factor }, s) => {
      words[r + l.jitter + 2 * s] = JITTER_CODE[op];
      floats[r + l.jitter + 2 * s + 1] = factor;
    });
    const [kx, ky] = plan.blurKernel;
    floats.set(im.sigma === null ? identity(kx) : gaussianKernel(kx, im.sigma), r + l.blurX);
    floats.set(im.sigma === null ? identity(ky) : gaussianKernel(ky, im.sigma), r + l.blurY);
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
  return scope(() => {
    const r: Records = { rec: Tensor.from(records(plan), [n * l.stride], 'i32'), stride: l.stride, rect: plan.rect };
    let x = blackRectangles(images, r);
    for (let s = 0; s < STEPS; s++) {
      if (!plan.images.some((im) => im.jitter.length > s)) break;
      // Contrast blends with the mean grayscale of the image as it is at this step.
      const means = plan.images.some((im) => im.jitter[s]?.op === 'contrast') ? globalAvgPool(x) : x;
      x = jitterStep(x, means, r, l.jitter + 2 * s);
    }
    if (plan.images.some((im) => im.sigma !== null)) x = blurAxis(blurAxis(x, r, l.blurX, kx, 0), r, l.blurY, ky, 1);
    return x;
  });
}


/**
 * The training inputs of a batch of faces (flipped or not on the host): rectangles, jitter and blur drawn
 * from rand on the face `image` [N, 3, H, W] given normalised, and the attention input computed from the
 * augmented face × mask [N, H, W], as the original masks the augmented image.
 */
export function augmentFaces(image: Tensor, mask: Tensor, rand: () => number, options: Partial<AugmentOptions> = {}): { image: Tensor; attn: Tensor } {
  const [n, , h, w] = image.shape as [number, number, number, number];
  if (mask.size !== n * h * w) throw new Error(`augmentFaces: mask ${mask} does not cover ${image}`);
  const plan = drawAugment(rand, n, h, w, options);
  return scope(() => toInputs(augment(toPixels(image), plan), mask));
}
