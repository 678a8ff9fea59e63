// Landmarks for samples that come without any (RAF-DB, FER2013, CK+48, list files without
// <stem>_landmarks.txt), from face-api's face detector and 68-point net (src/face/detect). The rule, chosen
// on CK+ faces (test/detected-landmarks.test.ts measures it):
// - an image of at most 128 px a side is an aligned face crop (FER2013 and CK+48 are 48×48, RAF-DB aligned
//   100×100): the face fills the frame, beyond the detector's anchors, so the detector misses many of them
//   at any input size, while the landmark net given the whole image as the face box is as accurate as on
//   detected boxes (≈ 8% of the inter-ocular distance on CK+ faces cropped to 48 and 100 px). Such an image
//   is not checked for a face;
// - a larger image: the best face of the detector at input 320 (every CK+ face found at score ≥ 0.3; 416
//   misses some), retried at 160 for a face that fills a large frame. No face at either → null.

import { FaceLandmarker } from '../face/detect/index.js';
import type { BgrImage } from '../face/image.js';
import { UserError, reason } from '../errors.js';
import { UnusableSample } from './unusable_sample.js';

export interface DetectSettings {
  /** Detector input sides tried in turn until one finds a face (multiples of 32). */
  inputSizes: number[];
  /** Smallest detector score taken as a face. */
  scoreThreshold: number;
  /** Images with both sides at most this are face crops: the landmark net sees the whole image. */
  wholeImageMaxSide: number;
}

export const DEFAULT_DETECT: Readonly<DetectSettings> = { inputSizes: [320, 160], scoreThreshold: 0.3, wholeImageMaxSide: 128 };

/** What a cache key records about detected landmarks: the nets and the rule's settings (bump v1 when its code changes). */
export function detectorKey(s: DetectSettings): string {
  return `face-api tiny_face_detector + face_landmark_68, rule v1 ${JSON.stringify(s)}`;
}

/** A sample in which no face was found (the cache leaves it out; alone, a one-line error). */
export class NoFaceError extends UnusableSample {
  override name = 'NoFaceError';

  /** `problem`: `<source>: <what was not found>`. */
  constructor(problem: string, fix = 'give it a 68-point landmark file (<stem>_landmarks.txt beside a listed image) or leave it out') {
    super('no face', problem, fix);
  }
}

/** 68 landmarks [x0, y0, …] in image pixels by the rule above, or null when no face is found. */
export async function detectLandmarks(finder: FaceLandmarker, img: BgrImage, s: DetectSettings = DEFAULT_DETECT): Promise<Float64Array | null> {
  if (Math.max(img.width, img.height) <= s.wholeImageMaxSide) {
    const [face] = await finder.landmarks(img, [{ x: 0, y: 0, width: img.width, height: img.height, score: 1 }]);
    return face?.landmarks ?? null;
  }
  for (const inputSize of s.inputSizes) {
    const [best] = await finder.detectFaces(img, { inputSize, scoreThreshold: s.scoreThreshold });
    if (best) return (await finder.landmarks(img, [best]))[0]?.landmarks ?? null;
  }
  return null;
}

/** The nets loaded on first use (a dataset with every landmark file never loads them) and shared until dispose. */
export class LandmarkSource {
  private loading: Promise<FaceLandmarker> | null = null;

  constructor(readonly settings: DetectSettings = DEFAULT_DETECT) {}

  detect = async (img: BgrImage): Promise<Float64Array | null> => {
    this.loading ??= FaceLandmarker.load().catch((e: unknown) => {
      throw new UserError(`cannot load the face landmark nets (${reason(e)}); reinstall @vladmandic/face-api (npm install)`);
    });
    return detectLandmarks(await this.loading, img, this.settings);
  };

  async dispose(): Promise<void> {
    const finder = await this.loading?.catch(() => null);
    finder?.dispose();
    this.loading = null;
  }
}
