// --image: one photo's faces through the model, printed as JSON (or CSV), with the picture in --out.
// With --landmarks the file gives the one face; without, every face the detector finds is predicted,
// and a photo in which none scores --min-score is an error.

import { userError } from '../../errors.js';
import type { BgrImage } from '../../face/image.js';
import type { OAENet } from '../../model/oaenet.js';
import { readPhoto } from './photo.js';
import { detectedFaces, faceFromFile, loadFaceFinder, type PhotoFace } from './photo_faces.js';
import { predictPhoto, type PhotoPredictionOptions } from './photo_prediction.js';
import { CSV_HEADER, csvRows } from './prediction_csv.js';

/** The flags --image and --images share. */
export interface PhotoFlags {
  /** The smallest detector score taken as a face. */
  minScore: number;
  format: 'json' | 'csv';
}

export interface PredictImageOptions extends PhotoPredictionOptions, PhotoFlags {
  image: string;
  /** The photo's 68-point landmark file; undefined: detected. */
  landmarks: string | undefined;
}

/**
 * Reads the photo and its landmark file (no GPU yet); the prediction then runs on a model: the file's
 * face, or every face the detector finds.
 */
export async function imagePrediction(opts: PredictImageOptions): Promise<(model: OAENet) => Promise<void>> {
  const { image, landmarks, minScore } = opts;
  const img = await readPhoto(image);
  const given = landmarks === undefined ? null : await faceFromFile(img, image, landmarks);
  return async (model) => {
    const faces = given ? [given] : await detect(img, image, minScore);
    const record = await predictPhoto(model, image, img, faces, opts);
    console.log(opts.format === 'csv' ? [CSV_HEADER, ...csvRows(record)].join('\n') : JSON.stringify(record, null, 2));
  };
}

async function detect(img: BgrImage, image: string, minScore: number): Promise<PhotoFace[]> {
  const finder = await loadFaceFinder();
  const faces = await detectedFaces(finder, img, minScore, (line) => console.warn(`warning: ${image}: ${line}`)).finally(() => finder.dispose());
  if (faces.length === 0) throw userError(image, `no face found (no detector box scored ${minScore} or more)`, 'pass a photo with a frontal face, its landmark file with --landmarks, or a lower --min-score');
  return faces;
}
