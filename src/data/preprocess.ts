// One sample → its aligned face crop and landmarks in crop pixels (rotate level, crop, resize), through
// src/face (decodeBgr, readLandmarks, alignFace). This wrapper turns their plain Errors into one-line
// UnusableSample errors naming the file and the fix, feeds inline pixels/points (CSV datasets), asks a
// detector (src/data/landmark_source.ts) for the landmarks of samples that have none, and refuses a crop
// that lies mostly off the image (landmarks far outside it would give an all-black crop).

import { alignFace, invertAffine, type AlignedFace } from '../face/align.js';
import { decodeBgr, type BgrImage } from '../face/image.js';
import { readLandmarks } from '../face/landmarks.js';
import type { GrayPixels, Sample } from './datasets/common.js';
import { reason } from '../errors.js';
import { NoFaceError } from './landmark_source.js';
import { UnusableSample } from './unusable_sample.js';

export interface PreparedFace {
  /** size×size×3 B,G,R. */
  face: BgrImage;
  /** [x0, y0, …] in face pixels. */
  landmarks: Float64Array;
}

function grayToBgr({ width, height, data }: GrayPixels): BgrImage {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = data[i]!;
  return { data: out, height, width };
}

export async function loadImage(sample: Sample): Promise<BgrImage> {
  if (typeof sample.image !== 'string') return grayToBgr(sample.image);
  try {
    return await decodeBgr(sample.image);
  } catch (e) {
    throw new UnusableSample('unreadable', `${sample.image}: cannot decode the image (${reason(e)})`, 'replace it with an intact PNG/JPEG or remove it from the dataset');
  }
}

/** Landmarks of a decoded image without landmarks of its own, in image pixels; null when it shows no face. */
export type LandmarkDetector = (img: BgrImage) => Promise<Float64Array | null>;

/** The sample's own landmarks (a file or inline points); null when it has none. */
export async function loadLandmarks(sample: Sample): Promise<Float64Array | null> {
  const lm = sample.landmarks;
  if (lm === null || typeof lm !== 'string') return lm;
  try {
    return await readLandmarks(lm);
  } catch (e) {
    // Parse errors already start with the file name; file-system errors do not.
    const msg = reason(e);
    throw new UnusableSample('unreadable', msg.startsWith(lm) ? msg : `${lm}: cannot read the landmarks (${msg})`, 'the file must hold 68 lines "x y" (iBUG 68-point order); restore it from the dataset');
  }
}

const noFace = (sample: Sample, problem: string): NoFaceError => new NoFaceError(`${sample.source}: ${problem}`);

/** A crop with less of it on the image than this is mostly the black border: no face to learn from. */
export const MIN_ON_IMAGE = 0.5;

/**
 * The share of the aligned face's crop box that shows the image (the rest is the warp's zero border),
 * from a 16×16 grid of points over the box mapped back into the image.
 */
export function cropOnImage(img: { width: number; height: number }, a: AlignedFace): number {
  const [m00, m01, m02, m10, m11, m12] = invertAffine(a.matrix) as unknown as number[];
  const [l, t, r, b] = a.box;
  const { width: w, height: h } = img;
  const n = 16;
  let on = 0;
  for (let gy = 0; gy < n; gy++) {
    for (let gx = 0; gx < n; gx++) {
      const x = l + ((gx + 0.5) * (r - l)) / n, y = t + ((gy + 0.5) * (b - t)) / n;
      if (x < 0 || y < 0 || x >= w || y >= h) continue; // outside the warp's output
      const sx = m00! * x + m01! * y + m02!, sy = m10! * x + m11! * y + m12!;
      if (sx >= 0 && sy >= 0 && sx <= w - 1 && sy <= h - 1) on++;
    }
  }
  return on / (n * n);
}

/**
 * `detect` finds the landmarks of samples without any; a sample in which it finds no face, or whose
 * landmarks give no crop on the image, is an UnusableSample (a NoFaceError for detected landmarks).
 */
export async function prepareFace(sample: Sample, size: number, detect?: LandmarkDetector): Promise<PreparedFace> {
  const [img, own] = await Promise.all([loadImage(sample), loadLandmarks(sample)]);
  if (own === null && !detect) throw new Error(`prepareFace: ${sample.source} has no landmarks and no detector was given`);
  const lm = own ?? (await detect!(img));
  if (lm === null) throw noFace(sample, 'no face found');
  const file = typeof sample.landmarks === 'string' ? sample.landmarks : sample.source;
  const badLandmarks = (problem: string): UnusableSample =>
    own === null ? noFace(sample, `no face found (the detected landmarks ${problem})`) : new UnusableSample('bad landmarks', `${file}: the landmarks ${problem} for ${sample.source}`, 'check that they belong to this image');
  let aligned: AlignedFace;
  try {
    aligned = alignFace(img, lm, size);
  } catch (e) {
    throw badLandmarks(`give no face crop (${reason(e)})`);
  }
  const on = cropOnImage(img, aligned);
  if (on < MIN_ON_IMAGE) throw badLandmarks(`put ${Math.round(100 * (1 - on))}% of the face crop off the image (it would be mostly black)`);
  return { face: aligned.face, landmarks: aligned.landmarks };
}
