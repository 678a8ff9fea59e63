// float64 reference of the training augmentation: each image's rectangles, jitter steps in order, and the
// Gaussian blur as one 2-D kernel, as torchvision applies it.

import { gaussianKernel, type AugmentPlan } from '../data/augment.js';

/** The augmented batch [N, 3, H, W] of 0–255 values. */
export function augment(images: ArrayLike<number>, plan: AugmentPlan): Float64Array {
  const { height: h, width: w } = plan;
  const hw = h * w;
  const out = new Float64Array(images.length);
  const gray = (px: number[]) => 0.2989 * px[0]! + 0.587 * px[1]! + 0.114 * px[2]!;
  plan.images.forEach((im, n) => {
    const img = [0, 1, 2].map((c) => Float64Array.from({ length: hw }, (_, i) => {
      const y = Math.floor(i / w);
      const x = i % w;
      const black = im.rects.some(([t, l]) => y >= t && y < t + plan.rect[0] && x >= l && x < l + plan.rect[1]);
      return black ? 0 : images[(n * 3 + c) * hw + i]!;
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
}
