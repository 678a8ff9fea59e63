// The faces collected for fine-tuning: each photo or webcam shot aligned and cropped as train.js prepares
// a dataset (its own landmark file, else the detector's best face by the datasets' rule), with the class
// the user gave it; and the labelled ones as a FaceSet, what the page's face batches are made from.

import type { LoadedFaces } from '../../data/cache/faces.js';
import { CLASS_NAMES, LABEL_MAPS } from '../../data/labels.js';
import { detectLandmarks } from '../../data/landmark_source.js';
import { alignFace } from '../../face/align.js';
import type { FaceLandmarker } from '../../face/detect/index.js';
import { FACE_SIZE, LANDMARKS } from '../../face/geometry.js';
import type { BgrImage } from '../../face/image.js';

export interface CollectedFace {
  /** The file path or "webcam shot N". */
  source: string;
  /** Class index, or null until the user picks one. */
  label: number | null;
  /** FACE_SIZE² × 3 B,G,R. */
  face: BgrImage;
  /** [x0, y0, …] in crop pixels. */
  landmarks: Float64Array;
}

/**
 * The class a folder name stands for: a class name (happy, sad, …) or a CK+ folder name (sadness,
 * anger, …); null for anything else, e.g. contempt, which the 7 classes leave out.
 */
export function classOfFolder(name: string): number | null {
  const n = name.toLowerCase();
  const k = CLASS_NAMES.indexOf(n as (typeof CLASS_NAMES)[number]);
  return k >= 0 ? k : (LABEL_MAPS.ckFolders.get(n)?.class ?? null);
}

/** The class of a file from the folder it sits in ("…/happy/x.png" → happy), or null. */
export function classOfPath(path: string): number | null {
  const parts = path.split('/');
  return parts.length >= 2 ? classOfFolder(parts[parts.length - 2]!) : null;
}

/** The aligned face of a picture: from its own landmarks, else the best detected face; null when none is found. */
export async function collectFace(nets: FaceLandmarker, img: BgrImage, own: Float64Array | null, source: string, label: number | null): Promise<CollectedFace | null> {
  const lm = own ?? (await detectLandmarks(nets, img));
  if (!lm) return null;
  const { face, landmarks } = alignFace(img, lm, FACE_SIZE);
  return { source, label, face, landmarks };
}

/** Labelled faces in memory: B,G,R crops, their landmarks and classes. */
export interface FaceSet {
  size: number;
  faces: Uint8Array[];
  /** [n, 68, 2] in crop pixels. */
  landmarks: Float32Array;
  samples: { label: number }[];
}

/** The faces as a set, in order (every one must have a label). */
export function toCrops(faces: readonly CollectedFace[]): FaceSet {
  const landmarks = new Float32Array(faces.length * LANDMARKS * 2);
  faces.forEach((f, i) => {
    if (f.label === null) throw new Error(`toCrops: ${f.source} has no class`);
    landmarks.set(f.landmarks, i * LANDMARKS * 2);
  });
  return { size: FACE_SIZE, faces: faces.map((f) => f.face.data), landmarks, samples: faces.map((f) => ({ label: f.label! })) };
}

/** The faces of `indices` as one batch's host input: fresh copies, since a training batch flips them in place. */
export function loadSet(set: FaceSet, indices: readonly number[]): LoadedFaces {
  const landmarks = new Float64Array(indices.length * LANDMARKS * 2);
  indices.forEach((idx, b) => landmarks.set(set.landmarks.subarray(idx * LANDMARKS * 2, (idx + 1) * LANDMARKS * 2), b * LANDMARKS * 2));
  return { size: set.size, faces: indices.map((i) => set.faces[i]!.slice()), landmarks, labels: indices.map((i) => set.samples[i]!.label) };
}
