// The weighted attention mask and the network inputs of a batch of 224×224 faces, on the GPU:
// gradients → histogram totals → correlation ρ → band tables → paint.
// Faces go up as packed bytes (a quarter of float32's traffic; 224·3 is a multiple of 4, so every
// row and every 4-pixel group starts on a word). Results match the CPU reference bit for bit.

import { gpu, type Gpu } from '../../kernels/context.js';
import { bandTables, correlate } from '../../kernels/launchers/mask_correlate.js';
import { hogTotals } from '../../kernels/launchers/mask_histograms.js';
import { paintMask } from '../../kernels/launchers/mask_paint.js';
import { Tensor, scope } from '../../graph/tensor.js';
import { FACE_SIZE, LANDMARKS, diamondWeight } from '../geometry.js';
import { netImageTable, netInput } from '../image.js';
import { hogGradients, type GradientKind } from './gradients.js';

/** Band weights along rows (the original's quirk) or along the strips' columns. */
export type BandLayout = 'rows' | 'columns';

export interface MaskOptions {
  /** Gradient operator: [−1, 0, 1] (the original's, default) or Sobel / 4. */
  gradient?: GradientKind;
  /** Band weights along rows (the original's quirk, default) or along the strips' columns. */
  bands?: BandLayout;
}

/** A type alias (not an interface) so that scope() accepts it. */
export type MaskResult = {
  /** [N, 224, 224] float32. */
  mask: Tensor;
  /** [N, 3, 224, 224] float32, B,G,R: ((c/255) − 0.456)/0.225. */
  image: Tensor;
  /** [N, 3, 224, 224] float32, B,G,R: ((c·mask)/255 − 0.456)/0.225. */
  attn: Tensor;
  /** [N, 4, 2]: float64 ρ per strip as word pairs (readFloat64). */
  rho: Tensor;
  /** [N, 5, 8] float32 L1-normalised histograms: strips 0–3, then the face. */
  hog: Tensor;
};

/** N faces of 224×224×3 bytes (BGR) → one packed tensor (i32 storage of 4 bytes per element). */
export function packFaces(faces: readonly Uint8Array[]): Tensor {
  const bytes = FACE_SIZE * FACE_SIZE * 3;
  const all = new Uint8Array(faces.length * bytes);
  faces.forEach((f, i) => {
    if (f.length !== bytes) throw new Error(`packFaces: face ${i} has ${f.length} bytes, expected ${bytes} (224×224×3)`);
    all.set(f, i * bytes);
  });
  const t = Tensor.empty([faces.length, FACE_SIZE, FACE_SIZE * 3 / 4], 'i32');
  gpu().write(t.buf, all);
  return t;
}

/** Landmarks [N·68·2] (face coordinates, float64) → truncated toward zero, as int(px) in the original. */
export function truncateLandmarks(landmarks: ArrayLike<number>): Int32Array {
  return Int32Array.from(landmarks, (v) => Math.trunc(v));
}

const fixedTables = new WeakMap<Gpu, Tensor>();

/** [image input 256 | diamond mask 8·8 | diamond attention input 8·8·256], by |dr|·8 + |dc|. */
function fixedTable(): Tensor {
  let t = fixedTables.get(gpu());
  if (!t) {
    const data = new Float32Array(256 + 64 + 64 * 256);
    data.set(netImageTable());
    for (let d = 0; d < 64; d++) {
      const w = diamondWeight(d >> 3, d & 7);
      data[256 + d] = w;
      for (let c = 0; c < 256; c++) data[320 + d * 256 + c] = netInput(c, w);
    }
    t = Tensor.from(data, [data.length]).keep();
    fixedTables.set(gpu(), t);
  }
  return t;
}

/** The paint step alone: faces (packed), truncated landmarks [N, 68, 2], band tables [N, 4, 257]. */
export function paint(faces: Tensor, marks: Tensor, bands: Tensor, layout: BandLayout = 'rows'): { mask: Tensor; image: Tensor; attn: Tensor } {
  return paintMask(faces, marks, bands, fixedTable(), layout === 'columns');
}

/**
 * The mask and network inputs of N faces: `faces` from packFaces, `landmarks` N·68 (x, y) pairs in
 * face coordinates (float64, e.g. alignFace's landmarks).
 */
export function weightedMask(faces: Tensor, landmarks: ArrayLike<number>, opts: MaskOptions = {}): MaskResult {
  const n = faces.shape[0]!;
  if (landmarks.length !== n * LANDMARKS * 2) throw new Error(`weightedMask: ${landmarks.length} landmark coordinates for ${n} faces, expected ${n * LANDMARKS * 2}`);
  return scope(() => {
    const { rho, hog } = correlate(hogTotals(hogGradients(faces, opts.gradient)));
    const marks = Tensor.from(truncateLandmarks(landmarks), [n, LANDMARKS, 2], 'i32');
    return { ...paint(faces, marks, bandTables(rho), opts.bands), rho, hog };
  });
}
