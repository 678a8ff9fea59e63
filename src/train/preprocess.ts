// One sample → its aligned face crop and landmarks in crop pixels (spec §2 steps 1–3), through
// src/mask (decodeBgr, readLandmarks, alignFace). This wrapper only turns their plain Errors into
// one-line UserErrors naming the file and the fix, and feeds inline pixels/points (CSV datasets).

import { alignFace } from '../mask/align.js';
import { decodeBgr, type BgrImage } from '../mask/image.js';
import { readLandmarks } from '../mask/landmarks.js';
import type { GrayPixels, Sample } from './datasets/common.js';
import { UserError, reason, userError } from './errors.js';

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

export async function loadLandmarks(sample: Sample): Promise<Float64Array> {
  const lm = sample.landmarks;
  if (lm === null) throw userError(sample.source, 'no landmarks', 'landmarks for this image need the face landmark model (issue 4)');
  if (typeof lm !== 'string') return lm;
  try {
    return await readLandmarks(lm);
  } catch (e) {
    const fix = 'the file must hold 68 lines "x y" (iBUG 68-point order); restore it from the dataset';
    // Parse errors already start with the file name; file-system errors do not.
    const msg = reason(e);
    throw msg.startsWith(lm) ? new UserError(`${msg}; ${fix}`) : userError(lm, `cannot read the landmarks (${msg})`, fix);
  }
}

export async function prepareFace(sample: Sample, size: number): Promise<PreparedFace> {
  const [img, lm] = await Promise.all([loadImage(sample), loadLandmarks(sample)]);
  try {
    const { face, landmarks } = alignFace(img, lm, size);
    return { face, landmarks };
  } catch (e) {
    const file = typeof sample.landmarks === 'string' ? sample.landmarks : sample.source;
    throw userError(file, `the landmarks give no face crop for ${sample.source} (${reason(e)})`, 'check that they belong to this image');
  }
}
