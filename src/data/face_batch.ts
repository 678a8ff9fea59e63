// Cached faces → one batch of network inputs on the GPU: (train only) horizontal flip of face and
// landmarks on the host, the weighted mask from the un-augmented face (src/face/mask), the photometric
// augmentation of the face, normalisation, and a resize to the model's input size when that is
// smaller than the 224-pixel crop the mask is defined on.

import { Tensor, scope } from '../graph/tensor.js';
import { resizeBilinear } from '../kernels/launchers/resize.js';
import { FACE_SIZE, LANDMARKS } from '../face/geometry.js';
import { packFaces, weightedMask } from '../face/mask/mask.js';
import { augmentFaces } from './augment.js';
import { cachedFace, type FaceCrops } from './crops.js';

/** A type alias so scope() accepts it. */
export type FaceBatch = {
  /** [N, 3, S, S] normalised face, B,G,R. */
  image: Tensor;
  /** [N, 3, S, S] normalised face × mask. */
  attn: Tensor;
  /** [N, S, S] the weighted mask (segmentation target: mask > 0.5). */
  mask: Tensor;
  /** [N] i32 class indices. */
  labels: Tensor;
};

/**
 * Mirrors a 224×224×3 face in place, and its landmarks [x0, y0, …] with it as the original does:
 * x ← 224 − x (not 223 − x, the mirror of a pixel index).
 */
export function flipFace(face: Uint8Array, marks: Float64Array): void {
  const S = FACE_SIZE;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S / 2; x++) {
      for (let c = 0; c < 3; c++) {
        const a = (y * S + x) * 3 + c, b = (y * S + S - 1 - x) * 3 + c;
        [face[a], face[b]] = [face[b]!, face[a]!];
      }
    }
  }
  for (let i = 0; i < marks.length; i += 2) marks[i] = S - marks[i]!;
}

export function faceBatch(cache: FaceCrops, indices: readonly number[], size: number, rand: (() => number) | null): FaceBatch {
  if (cache.size !== FACE_SIZE) throw new Error(`the weighted mask is defined on ${FACE_SIZE}-pixel crops; this cache holds ${cache.size}-pixel ones`);
  const n = indices.length;
  const faces: Uint8Array[] = [];
  const marks = new Float64Array(n * LANDMARKS * 2);
  indices.forEach((idx, i) => {
    const face = cachedFace(cache, idx).data;
    const lm = marks.subarray(i * LANDMARKS * 2, (i + 1) * LANDMARKS * 2);
    lm.set(cache.landmarks.subarray(idx * LANDMARKS * 2, (idx + 1) * LANDMARKS * 2));
    if (rand && rand() < 0.5) flipFace(face, lm);
    faces.push(face);
  });
  const labels = Tensor.from(indices.map((i) => cache.samples[i]!.label), [n], 'i32');
  return scope(() => {
    const packed = packFaces(faces);
    let { image, attn, mask } = weightedMask(packed, marks);
    if (rand) ({ image, attn } = augmentFaces(image, mask, rand));
    if (size !== FACE_SIZE) {
      image = resizeBilinear(image, size, size);
      attn = resizeBilinear(attn, size, size);
      mask = resizeBilinear(mask, size, size);
    }
    return { image, attn, mask, labels };
  });
}
