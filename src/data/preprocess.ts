// One sample → its aligned face crop and landmarks in crop pixels (rotate level, crop, resize), through
// src/face (decodeBgr, readLandmarks, alignFace). This wrapper turns their plain Errors into one-line
// UserErrors naming the file and the fix, feeds inline pixels/points (CSV datasets), and asks a detector
// (src/data/landmark_source.ts) for the landmarks of samples that have none.

import { alignFace } from '../face/align.js';
import { decodeBgr, type BgrImage } from '../face/image.js';
import { readLandmarks } from '../face/landmarks.js';
import type { GrayPixels, Sample } from './datasets/common.js';
import { UserError, reason, userError } from '../errors.js';
import { NoFaceError } from './landmark_source.js';

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
    throw userError(sample.image, `cannot decode the image (${reason(e)})`, 'replace it with an intact PNG/JPEG or remove it from the dataset');
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
    const fix = 'the file must hold 68 lines "x y" (iBUG 68-point order); restore it from the dataset';
    // Parse errors already start with the file name; file-system errors do not.
    const msg = reason(e);
    throw msg.startsWith(lm) ? new UserError(`${msg}; ${fix}`) : userError(lm, `cannot read the landmarks (${msg})`, fix);
  }
}

const noFace = (sample: Sample, problem: string): NoFaceError =>
  new NoFaceError(`${sample.source}: ${problem}; give it a 68-point landmark file (<stem>_landmarks.txt beside a listed image) or leave it out`);

/** `detect` finds the landmarks of samples without any; a sample in which it finds no face is a NoFaceError. */
export async function prepareFace(sample: Sample, size: number, detect?: LandmarkDetector): Promise<PreparedFace> {
  const [img, own] = await Promise.all([loadImage(sample), loadLandmarks(sample)]);
  if (own === null && !detect) throw new Error(`prepareFace: ${sample.source} has no landmarks and no detector was given`);
  const lm = own ?? (await detect!(img));
  if (lm === null) throw noFace(sample, 'no face found');
  try {
    const { face, landmarks } = alignFace(img, lm, size);
    return { face, landmarks };
  } catch (e) {
    if (own === null) throw noFace(sample, `the detected landmarks give no face crop (${reason(e)})`);
    const file = typeof sample.landmarks === 'string' ? sample.landmarks : sample.source;
    throw userError(file, `the landmarks give no face crop for ${sample.source} (${reason(e)})`, 'check that they belong to this image');
  }
}
