// Faces and 68 landmarks for raw images (photos without landmark files) with face-api's tiny face detector and 68-point landmark net
// running on the engine. Images are H×W×3 uint8 **BGR** (the project's BgrImage, as decodeBgr gives them);
// the nets see RGB. Everything around the nets follows @vladmandic/face-api so that results match its own
// pipeline (detectAllFaces(img, TinyFaceDetectorOptions).withFaceLandmarks() on an image tensor):
// - network inputs: src/dom/NetInput.ts toBatchTensor (src/ops/padToSquare.ts, then tf.image.resizeBilinear
//   without align-corners or half-pixel centres), src/ops/normalize.ts, then / 255, in float32;
// - face crops: src/dom/extractFaceTensors.ts (box clipped at the image borders, then floored);
// - landmark coordinates: src/faceLandmarkNet/FaceLandmark68NetBase.ts postProcess (the square's padding taken
//   as |w − h| / 2, as the package does). Landmarks are placed at the crop's origin; the package's own
//   `landmarks` add the unfloored box origin instead (src/factories/WithFaceLandmarks.ts), < 1 px away except
//   for boxes that leave the image.

import { Tensor, scope } from '../../graph/tensor.js';
import type { BgrImage } from '../image.js';
import { DETECTOR_MEAN_RGB, TinyFaceDetector, decodeDetections, nonMaxSuppression, overlapOfSmaller, type DetectorOptions, type FaceBox } from './detector.js';
import { FaceLandmark68Net, LANDMARK_INPUT, LANDMARK_MEAN_RGB } from './landmark68.js';
import type { FileReader } from './weights.js';

export type { DetectorOptions, FaceBox } from './detector.js';

/** An integer pixel rectangle. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How a photo is searched for every face: the detector input sizes whose boxes are pooled, and the smallest score kept. */
export interface FindSettings {
  inputSizes: readonly number[];
  scoreThreshold: number;
}

/**
 * Input 320 finds the faces that fill part of a photo (CK+'s 640×490 frames, a group), 160 those that fill
 * the frame (face crops of 48 to 256 px, where 320 finds nothing or boxes part of the face). 0.3 is the
 * data pipeline's threshold: every CK+ face scores above it, blank and noise images stay below 0.15.
 */
export const FIND_FACES: Readonly<FindSettings> = { inputSizes: [320, 160], scoreThreshold: 0.3 };

/** A box more than half inside a better one is the same face seen at another input size (or a part of it). */
const SAME_FACE = 0.5;

export interface Face {
  box: FaceBox;
  /** The region the landmark net saw. */
  crop: Rect;
  /** [x0, y0, x1, y1, …] for the 68 iBUG points, image pixels. */
  landmarks: Float64Array;
}

/**
 * Network input for `rect` of a BGR image: RGB planes [3, side, side]. The rect is padded with zeros to a
 * square (`centred`: the odd pixel after, else all padding after), resized bilinearly to side × side with
 * source = destination · S / side (tf's legacy resizeBilinear: taps floor/ceil, clamped), then
 * (v − mean) / 255 with tf's float32 roundings.
 */
export function squareInput(img: BgrImage, rect: Rect, side: number, centred: boolean, mean: readonly [number, number, number]): Float32Array {
  const { x: rx, y: ry, width: w, height: h } = rect;
  const size = Math.max(w, h);
  const diff = size - Math.min(w, h);
  const before = centred ? diff - Math.round(diff * 0.5) : 0;
  // Per output row (column): byte offsets of the two source rows (columns) in the image, −1 for padding,
  // and the interpolation weight.
  const taps = (n: number, off: number, len: number, base: (i: number) => number): [Int32Array, Int32Array, Float64Array] => {
    const lo = new Int32Array(side);
    const hi = new Int32Array(side);
    const frac = new Float64Array(side);
    const at = (p: number): number => (p - off >= 0 && p - off < len ? base(p - off) : -1);
    const ratio = n / side;
    for (let d = 0; d < side; d++) {
      const f = ratio * d;
      const p0 = Math.max(0, Math.floor(f));
      lo[d] = at(p0);
      hi[d] = at(Math.min(n - 1, Math.ceil(f)));
      frac[d] = f - p0;
    }
    return [lo, hi, frac];
  };
  const [r0, r1, fr] = taps(size, h < w ? before : 0, h, (y) => (ry + y) * img.width * 3);
  const [c0, c1, fc] = taps(size, w < h ? before : 0, w, (x) => (rx + x) * 3);
  const px = (row: number, col: number, ch: number): number => (row < 0 || col < 0 ? 0 : img.data[row + col + ch]!);
  const out = new Float32Array(3 * side * side);
  const m = mean.map(Math.fround);
  const plane = side * side;
  for (let r = 0; r < side; r++)
    for (let q = 0; q < side; q++)
      for (let c = 0; c < 3; c++) {
        const ch = 2 - c; // BGR bytes → RGB planes
        // Same arithmetic as tfjs-backend-cpu's ResizeBilinear (float64, one float32 rounding).
        const tl = px(r0[r]!, c0[q]!, ch);
        const bl = px(r1[r]!, c0[q]!, ch);
        const top = tl + (px(r0[r]!, c1[q]!, ch) - tl) * fc[q]!;
        const bottom = bl + (px(r1[r]!, c1[q]!, ch) - bl) * fc[q]!;
        const v = Math.fround(top + (bottom - top) * fr[r]!);
        out[c * plane + r * side + q] = Math.fround(Math.fround(v - m[c]!) / 255);
      }
  return out;
}

/** Box.clipAtImageBorders(width, height): clip to the image, then floor x, y, width and height separately. */
export function cropRect(box: FaceBox, width: number, height: number): Rect {
  const x = Math.max(box.x, 0);
  const y = Math.max(box.y, 0);
  const w = Math.min(box.x + box.width - x, width - x);
  const h = Math.min(box.y + box.height - y, height - y);
  return { x: Math.floor(x), y: Math.floor(y), width: Math.floor(w), height: Math.floor(h) };
}

/** Landmark-net output for one face (136 values in [0, 1] of the padded square) → image pixels. */
export function landmarksToImage(out: ArrayLike<number>, crop: Rect): Float64Array {
  const s = LANDMARK_INPUT / Math.max(crop.width, crop.height);
  const [w, h] = [crop.width * s, crop.height * s];
  const padX = w < h ? (h - w) / 2 : 0;
  const padY = h < w ? (w - h) / 2 : 0;
  const pts = new Float64Array(136);
  for (let i = 0; i < 68; i++) {
    pts[2 * i] = crop.x + ((out[2 * i]! * LANDMARK_INPUT - padX) / w) * crop.width;
    pts[2 * i + 1] = crop.y + ((out[2 * i + 1]! * LANDMARK_INPUT - padY) / h) * crop.height;
  }
  return pts;
}

/** Runs a net on a host-side input and reads its output back, releasing every tensor on the way. */
async function run(net: { forward(x: Tensor): Tensor }, input: Float32Array, shape: number[]): Promise<Float32Array> {
  const y = scope(() => net.forward(Tensor.from(input, shape)));
  try {
    return await y.readF32();
  } finally {
    y.dispose();
  }
}

export class FaceLandmarker {
  private constructor(readonly detector: TinyFaceDetector, readonly landmarkNet: FaceLandmark68Net) {}

  /** Both models, from the installed @vladmandic/face-api (node) or a reader of its model folder. */
  static async load(reader?: FileReader): Promise<FaceLandmarker> {
    const [d, l] = await Promise.all([TinyFaceDetector.load(reader), FaceLandmark68Net.load(reader)]);
    return new FaceLandmarker(d, l);
  }

  /** Face boxes, best first. */
  async detectFaces(img: BgrImage, opts: DetectorOptions = {}): Promise<FaceBox[]> {
    const side = opts.inputSize ?? 416;
    if (!(Number.isInteger(side) && side > 0 && side % 32 === 0)) throw new Error(`detectFaces: inputSize ${side} is not a positive multiple of 32`);
    const input = squareInput(img, { x: 0, y: 0, width: img.width, height: img.height }, side, false, DETECTOR_MEAN_RGB);
    const head = await run(this.detector, input, [1, 3, side, side]);
    return decodeDetections(head, img.width, img.height, side, opts.scoreThreshold ?? 0.5);
  }

  /** 68 landmarks for each box, all faces in one batch; boxes whose crop is empty are dropped. */
  async landmarks(img: BgrImage, boxes: FaceBox[]): Promise<Face[]> {
    const faces = boxes.map((box) => ({ box, crop: cropRect(box, img.width, img.height) })).filter((f) => f.crop.width > 0 && f.crop.height > 0);
    if (faces.length === 0) return [];
    const side = LANDMARK_INPUT;
    const plane = 3 * side * side;
    const batch = new Float32Array(faces.length * plane);
    faces.forEach((f, i) => batch.set(squareInput(img, f.crop, side, true, LANDMARK_MEAN_RGB), i * plane));
    const out = await run(this.landmarkNet, batch, [faces.length, 3, side, side]);
    return faces.map((f, i) => ({ ...f, landmarks: landmarksToImage(out.subarray(i * 136, (i + 1) * 136), f.crop) }));
  }

  /**
   * Every face of a photo, best score first: the boxes of each input size pooled, a box more than half
   * inside a better one dropped, then 68 landmarks for each.
   */
  async findFaces(img: BgrImage, s: Readonly<FindSettings> = FIND_FACES): Promise<Face[]> {
    const boxes: FaceBox[] = [];
    for (const inputSize of s.inputSizes) boxes.push(...(await this.detectFaces(img, { inputSize, scoreThreshold: s.scoreThreshold })));
    const keep = nonMaxSuppression(boxes.map((b) => [b.x, b.y, b.width, b.height]), boxes.map((b) => b.score), SAME_FACE, overlapOfSmaller);
    return this.landmarks(img, keep.map((i) => boxes[i]!));
  }

  /** Detection at one input size, then landmarks for every face found. */
  async detect(img: BgrImage, opts: DetectorOptions = {}): Promise<Face[]> {
    return this.landmarks(img, await this.detectFaces(img, opts));
  }

  dispose(): void {
    this.detector.dispose();
    this.landmarkNet.dispose();
  }
}
