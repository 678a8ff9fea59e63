// The faces of a photo to predict: the one its landmark file gives, or every face the detector finds
// with at least the minimum score. Each has its box in photo pixels and its detector score (null for a
// landmark file, whose box is the landmarks' extent). Points that cannot be a face of this photo (most
// outside it, or all in one place) are refused: a landmark file in one line, a detected face with a warning.

import { UserError, reason, userError } from '../../errors.js';
import { FIND_FACES, FaceLandmarker, type Rect } from '../../face/detect/index.js';
import type { BgrImage } from '../../face/image.js';
import { faceProblem, readLandmarks } from '../../face/landmarks.js';

export interface PhotoFace {
  box: Rect;
  /** The detector's score; null for landmarks from a file. */
  score: number | null;
  /** 68 (x, y) in photo pixels. */
  landmarks: Float64Array;
  /** 'detected', or the landmark file. */
  source: string;
}

/** The smallest integer rectangle holding every point. */
function extent(points: Float64Array): Rect {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < points.length; i += 2) {
    [x0, x1] = [Math.min(x0, points[i]!), Math.max(x1, points[i]!)];
    [y0, y1] = [Math.min(y0, points[i + 1]!), Math.max(y1, points[i + 1]!)];
  }
  const [x, y] = [Math.floor(x0), Math.floor(y0)];
  return { x, y, width: Math.ceil(x1) - x, height: Math.ceil(y1) - y };
}

/** The one face of `photo` that the landmark file `file` gives. */
export async function faceFromFile(img: BgrImage, photo: string, file: string): Promise<PhotoFace> {
  const landmarks = await readLandmarks(file).catch((e: unknown) => {
    throw new UserError(reason(e));
  });
  const problem = faceProblem(landmarks, img.width, img.height);
  if (problem) throw userError(file, problem, `pass the landmark file of ${photo}: 68 lines "x y" in its pixels, in iBUG order`);
  return { box: extent(landmarks), score: null, landmarks, source: file };
}

/** Every face the detector finds with a score of at least `minScore`, best first. */
export async function detectedFaces(finder: FaceLandmarker, img: BgrImage, minScore: number, warn: (line: string) => void): Promise<PhotoFace[]> {
  const faces: PhotoFace[] = [];
  for (const f of await finder.findFaces(img, { ...FIND_FACES, scoreThreshold: minScore })) {
    const problem = faceProblem(f.landmarks, img.width, img.height);
    const { x, y, width, height } = f.crop;
    if (problem) warn(`the face at ${x},${y} (${width}×${height} px, score ${f.box.score.toFixed(3)}) is left out: ${problem}`);
    else faces.push({ box: f.crop, score: f.box.score, landmarks: f.landmarks, source: 'detected' });
  }
  return faces;
}

/** The detector and landmark nets (face-api's weights, from the installed package). */
export async function loadFaceFinder(): Promise<FaceLandmarker> {
  return FaceLandmarker.load().catch((e: unknown) => {
    throw new UserError(`cannot load the face landmark nets (${reason(e)}); reinstall @vladmandic/face-api (npm install)`);
  });
}
