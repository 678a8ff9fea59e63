// One photo through the model: the 7 probabilities as JSON on stdout and, given a folder, a picture of
// the crop, mask and probabilities. Without a landmark file, the face and its 68 landmarks come from
// the landmark nets, by the data pipeline's rule, so predictions see faces as training did.

import { mkdir } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { detectLandmarks } from '../../data/landmark_source.js';
import { CLASS_NAMES } from '../../data/labels.js';
import { overlayPng } from '../../draw/overlay.js';
import { UserError, reason, userError } from '../../errors.js';
import { FaceLandmarker } from '../../face/detect/index.js';
import { decodeBgr } from '../../face/image.js';
import { readLandmarks } from '../../face/landmarks.js';
import type { OAENet } from '../../model/oaenet.js';
import { predictFace } from '../../model/predict.js';

export interface PredictImageOptions {
  image: string;
  /** The photo's 68-point landmark file; undefined: detected. */
  landmarks: string | undefined;
  /** The folder for the prediction picture; undefined: none. */
  out: string | undefined;
}

export async function predictImage(model: OAENet, { image, landmarks: landmarkFile, out }: PredictImageOptions): Promise<void> {
  const img = await decodeBgr(image).catch((e: unknown) => {
    throw userError(image, `cannot decode the image (${reason(e)})`, 'pass a PNG or JPEG photo');
  });
  let points: Float64Array;
  let source: string;
  if (landmarkFile) {
    points = await readLandmarks(landmarkFile).catch((e: unknown) => {
      throw new UserError(reason(e));
    });
    source = landmarkFile;
  } else {
    const finder = await FaceLandmarker.load();
    const found = await detectLandmarks(finder, img).finally(() => finder.dispose());
    if (!found) throw userError(image, 'no face found', 'pass a photo with a frontal face, or its landmark file with --landmarks');
    points = found;
    source = 'detected';
  }
  const pred = await predictFace(model, img, points);
  const p = pred.probabilities;
  const best = p.indexOf(Math.max(...p));
  const probabilities = Object.fromEntries(CLASS_NAMES.map((c, k) => [c, Number(p[k]!.toFixed(6))]));
  let picture: string | undefined;
  if (out !== undefined) {
    await mkdir(out, { recursive: true });
    picture = join(out, `${basename(image, extname(image))}_prediction.png`);
    await overlayPng(picture, {
      ...pred,
      face: pred.face.data,
      title: `${CLASS_NAMES[best]} (${(100 * p[best]!).toFixed(1)}%) | ${image}`,
      detail: `landmarks ${source === 'detected' ? 'detected by the landmark nets' : `from ${source}`} | ρ = ${Array.from(pred.rho, (v) => v.toFixed(3)).join(', ')} | model input ${model.inputSize} px`,
      probabilities: { names: CLASS_NAMES, values: p },
    });
  }
  console.log(JSON.stringify({ image, landmarks: source, predicted: CLASS_NAMES[best], probabilities, ...(picture ? { picture } : {}) }, null, 2));
}
