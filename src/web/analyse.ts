// One picture → every face in it: detection (face-api's tiny face detector on our engine), then for each
// face at or above the score threshold its 68 landmarks, the weighted mask and OAENet's probabilities
// (src/model/predict.ts, the code evaluate.js runs). A face below the threshold keeps its box and score
// and is not classified. Each stage is timed. The photo mode, the webcam loop and the tests that compare
// the browser with Node all run this.

import { mat2d } from 'gl-matrix';
import { DEFAULT_DETECT } from '../data/landmark_source.js';
import { alignment, cropBox, transformPoints, type Box } from '../face/align.js';
import type { FaceBox, FaceLandmarker } from '../face/detect/index.js';
import { FACE_SIZE } from '../face/geometry.js';
import type { BgrImage } from '../face/image.js';
import type { OAENet } from '../model/oaenet.js';
import { predictFace, type FacePrediction } from '../model/predict.js';

export interface AnalyseSettings {
  /** The detector's input side (a multiple of 32): larger finds smaller faces, and costs more. */
  inputSize: number;
  /** Faces scoring at least this are classified; weaker ones are only shown. */
  scoreThreshold: number;
}

/** Detections down to this score are shown (dashed) even when below the threshold. */
export const SHOWN_MIN_SCORE = 0.2;

export interface FaceResult {
  box: FaceBox;
  /** Whether it reached the threshold (then it has landmarks, and a prediction when a model is loaded). */
  aboveThreshold: boolean;
  /** [x0, y0, …] image pixels; null below the threshold. */
  landmarks: Float64Array | null;
  prediction: FacePrediction | null;
  /** Crop space → image space (the inverse of the alignment), to draw the mask back onto the picture. */
  cropToImage: mat2d | null;
}

export interface StageTimes {
  detect: number;
  landmarks: number;
  /** Mask + OAENet, all faces. */
  classify: number;
  total: number;
}

export interface Analysis {
  faces: FaceResult[];
  times: StageTimes;
}

/**
 * Crop pixels (u, v) of the aligned crop → image pixels: the crop is `box` of the image rotated by
 * the alignment matrix, scaled to `size`.
 */
function cropTransform(landmarks: Float64Array, size = FACE_SIZE): mat2d {
  const { matrix } = alignment(landmarks);
  const box: Box = cropBox(transformPoints(landmarks, matrix));
  const scale = mat2d.fromValues((box[2] - box[0]) / size, 0, 0, (box[3] - box[1]) / size, box[0], box[1]);
  const inverse = mat2d.invert(mat2d.create(), matrix)!;
  return mat2d.multiply(mat2d.create(), inverse, scale);
}

/** Boxes for a picture: the detector's, or the whole picture when it is a face crop (the rule datasets use). */
async function boxesOf(nets: FaceLandmarker, img: BgrImage, s: AnalyseSettings): Promise<FaceBox[]> {
  if (Math.max(img.width, img.height) <= DEFAULT_DETECT.wholeImageMaxSide) return [{ x: 0, y: 0, width: img.width, height: img.height, score: 1 }];
  return nets.detectFaces(img, { inputSize: s.inputSize, scoreThreshold: Math.min(SHOWN_MIN_SCORE, s.scoreThreshold) });
}

/**
 * Every face of `img`; `own` landmarks (a landmark file) replace detection with that one face. Without a
 * model, faces get boxes and landmarks only.
 */
export async function analyse(nets: FaceLandmarker, model: OAENet | null, img: BgrImage, s: AnalyseSettings, own?: Float64Array): Promise<Analysis> {
  const t0 = performance.now();
  let found: { box: FaceBox; landmarks: Float64Array | null }[];
  let t1: number, t2: number;
  if (own) {
    t1 = t2 = t0;
    const xs = own.filter((_, i) => i % 2 === 0), ys = own.filter((_, i) => i % 2 === 1);
    const [x, y] = [Math.min(...xs), Math.min(...ys)];
    found = [{ box: { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y, score: 1 }, landmarks: own }];
  } else {
    const boxes = await boxesOf(nets, img, s);
    t1 = performance.now();
    const strong = boxes.filter((b) => b.score >= s.scoreThreshold);
    const marked = await nets.landmarks(img, strong);
    t2 = performance.now();
    found = boxes.map((box) => ({ box, landmarks: marked.find((m) => m.box === box)?.landmarks ?? null }));
  }
  const faces: FaceResult[] = [];
  for (const { box, landmarks } of found) {
    const prediction = model && landmarks ? await predictFace(model, img, landmarks) : null;
    faces.push({ box, aboveThreshold: landmarks !== null, landmarks, prediction, cropToImage: landmarks ? cropTransform(landmarks) : null });
  }
  const t3 = performance.now();
  return { faces, times: { detect: t1 - t0, landmarks: t2 - t1, classify: t3 - t2, total: t3 - t0 } };
}
