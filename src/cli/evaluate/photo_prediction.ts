// A photo's faces through the model: per face the 7 probabilities and the predicted class, as a record
// (what --image prints as JSON and --images writes as JSON lines or CSV), and, given a folder, the
// picture: the photo with every face boxed and numbered, then each face's crop, mask, attention input
// and probabilities.

import { CLASS_NAMES, type ClassName } from '../../data/labels.js';
import { predictionPng } from '../../draw/overlay.js';
import { reason, userError } from '../../errors.js';
import type { Rect } from '../../face/detect/index.js';
import type { BgrImage } from '../../face/image.js';
import type { OAENet } from '../../model/oaenet.js';
import { predictFace, type FacePrediction } from '../../model/predict.js';
import { picturePath } from './photo.js';
import type { PhotoFace } from './photo_faces.js';

export interface FaceRecord {
  box: Rect;
  /** The detector's score; null for landmarks from a file. */
  score: number | null;
  /** 'detected', or the landmark file. */
  landmarks: string;
  predicted: ClassName;
  probabilities: Record<ClassName, number>;
}

export interface PhotoRecord {
  file: string;
  /** Best detector score first. */
  faces: FaceRecord[];
  /** The prediction picture, when a folder was given and a face found. */
  picture?: string;
}

export interface PhotoPredictionOptions {
  /** The folder for the picture (it must exist); undefined: none. */
  out: string | undefined;
}

const argmax = (p: ArrayLike<number>): number => Array.from(p).indexOf(Math.max(...Array.from(p)));
const percent = (v: number): string => `${(100 * v).toFixed(1)}%`;

function faceRecord(face: PhotoFace, p: FacePrediction): FaceRecord {
  const probabilities = Object.fromEntries(CLASS_NAMES.map((c, k) => [c, Number(p.probabilities[k]!.toFixed(6))])) as Record<ClassName, number>;
  const score = face.score === null ? null : Number(face.score.toFixed(4));
  return { box: face.box, score, landmarks: face.source, predicted: CLASS_NAMES[argmax(p.probabilities)]!, probabilities };
}

/** `model` must be in eval mode. */
export async function predictPhoto(model: OAENet, file: string, img: BgrImage, faces: PhotoFace[], opts: PhotoPredictionOptions): Promise<PhotoRecord> {
  const predictions: FacePrediction[] = [];
  for (const face of faces) predictions.push(await predictFace(model, img, face.landmarks));
  const records = faces.map((f, i) => faceRecord(f, predictions[i]!));
  if (opts.out === undefined || faces.length === 0) return { file, faces: records };
  const picture = picturePath(opts.out, file);
  const drawing = predictionPng(picture, {
    photo: img,
    title: `${file} | ${faces.length} face${faces.length === 1 ? '' : 's'} | model input ${model.inputSize} px`,
    faces: faces.map((f, i) => {
      const p = predictions[i]!;
      const r = records[i]!;
      const best = p.probabilities[argmax(p.probabilities)]!;
      const score = r.score === null ? 'landmarks from a file' : `score ${r.score.toFixed(2)}`;
      return {
        ...p,
        face: p.face.data,
        box: f.box,
        label: `${r.predicted} ${percent(best)} | ${score}`,
        title: `${r.predicted} (${percent(best)}) | ${r.score === null ? `landmarks from ${f.source}` : `detector score ${r.score.toFixed(3)}, landmarks by the landmark nets`}`,
        detail: `box ${f.box.x},${f.box.y} ${f.box.width}×${f.box.height} px | ρ = ${Array.from(p.rho, (v) => v.toFixed(3)).join(', ')}`,
        probabilities: { names: CLASS_NAMES, values: p.probabilities },
      };
    }),
  });
  await drawing.catch((e: unknown) => {
    throw userError(picture, `cannot write the picture (${reason(e)})`, 'free some disk space or pass another --out');
  });
  return { file, faces: records, picture };
}
