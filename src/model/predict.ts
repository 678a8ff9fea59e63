// One photo and its 68 landmarks → OAENet's class probabilities, with the pictures that explain them.
// The steps are the training pipeline's:
//   - align, crop and resize to 224;
//   - the weighted mask on the 224-pixel crop;
//   - both inputs resized to the model's size;
//   - softmax of the eval-mode logits.
// evaluate.js and the browser page share it, so both see a face exactly as training did.

import { softmax } from '../graph/ops/index.js';
import { resizeBilinear } from '../kernels/launchers/resize.js';
import { noGrad } from '../graph/tape.js';
import { Tensor, scope } from '../graph/tensor.js';
import { alignFace } from '../face/align.js';
import { FACE_SIZE } from '../face/geometry.js';
import { float64Words } from '../face/mask/float64.js';
import type { BgrImage } from '../face/image.js';
import { packFaces, weightedMask } from '../face/mask/mask.js';
import type { OAENet } from './oaenet.js';

export interface FacePrediction {
  probabilities: Float32Array;
  /** The aligned 224×224 crop (B,G,R) the mask and the network saw. */
  face: BgrImage;
  /** 68 (x, y) in crop pixels. */
  landmarks: Float64Array;
  /** [224·224] the weighted mask on the crop. */
  mask: Float32Array;
  /** [3, 224, 224] the attention branch's input at 224 (normalised crop × mask). */
  attn: Float32Array;
  /** The four strip correlations ρ that weight the mask's row bands. */
  rho: Float64Array;
}

/** `model` must be in eval mode. */
export async function predictFace(model: OAENet, img: BgrImage, landmarks: ArrayLike<number>): Promise<FacePrediction> {
  const aligned = alignFace(img, landmarks);
  const size = model.inputSize;
  const [probs, mask, attn, rho] = noGrad(() =>
    scope(() => {
      const { image, attn, mask, rho } = weightedMask(packFaces([aligned.face.data]), aligned.landmarks);
      const [x, a] = size === FACE_SIZE ? [image, attn] : [resizeBilinear(image, size, size), resizeBilinear(attn, size, size)];
      return [softmax(model.forward(x, a).logits), mask, attn, rho];
    }),
  );
  try {
    const [p, m, a, r] = await Tensor.readAll([probs, mask, attn, rho]);
    return { probabilities: p as Float32Array, face: aligned.face, landmarks: aligned.landmarks, mask: m as Float32Array, attn: a as Float32Array, rho: float64Words(r!) };
  } finally {
    for (const t of [probs, mask, attn, rho]) t.dispose();
  }
}
