// face-api's tiny face detector on the engine: a tiny-YOLOv2 with depthwise-separable convs, as in
// @vladmandic/face-api src/tinyYolov2/TinyYolov2Base.ts (runMobilenet, extractBoxes), with the configuration
// of src/tinyFaceDetector/TinyFaceDetector.ts (separable convs, first layer a plain conv, filters 3→16→…→512,
// no conv6/conv7, no batch norm: the manifest holds biases only) and NMS from src/ops/nonMaxSuppression.ts.

import { conv2d, leakyRelu, maxPool2d } from '../../graph/ops/index.js';
import { scope, type Tensor } from '../../graph/tensor.js';
import { loadFaceModel, samePadding, separableConv, type ConvLayer, type FaceWeights, type FileReader, type SeparableConv } from './weights.js';

/** src/tinyFaceDetector/const.ts: anchor (w, h) in grid cells, the per-channel mean of the RGB input. */
export const ANCHORS: readonly (readonly [number, number])[] = [
  [1.603231, 2.094468],
  [6.041143, 7.080126],
  [2.882459, 3.518061],
  [4.266906, 5.178857],
  [9.041765, 10.66308],
];
export const DETECTOR_MEAN_RGB: readonly [number, number, number] = [117.001, 114.697, 97.404];
export const IOU_THRESHOLD = 0.4;
/** Per anchor: tx, ty, tw, th, score logit (one class, so no class scores). */
const BOX_ENCODING = 5;
/** src/tinyYolov2/leaky.ts: relu(x − 0.1·x) + 0.1·x, i.e. a leaky ReLU with slope 0.1. */
const LEAKY_SLOPE = 0.1;

export interface DetectorOptions {
  /** Side of the square network input, a multiple of 32 (src/tinyYolov2/TinyYolov2Options.ts: 416). */
  inputSize?: number;
  /** Keep boxes scoring above this (0.5). */
  scoreThreshold?: number;
}

/** A detection in image pixels (face-api's FaceDetection.box). */
export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
  score: number;
}

export class TinyFaceDetector {
  private readonly conv0: ConvLayer;
  private readonly seps: SeparableConv[];
  private readonly conv8: ConvLayer;

  private constructor(private readonly weights: FaceWeights) {
    this.conv0 = weights.convLayer('conv0');
    this.seps = [1, 2, 3, 4, 5].map((i) => weights.separable(`conv${i}`));
    this.conv8 = weights.convLayer('conv8');
  }

  /** From the installed package (node) or a reader of its model folder. */
  static async load(reader?: FileReader): Promise<TinyFaceDetector> {
    return new TinyFaceDetector(await loadFaceModel('tiny_face_detector', reader));
  }

  /**
   * x [N, 3, S, S]: (RGB − DETECTOR_MEAN_RGB) / 255, S a multiple of 32 → the raw head [N, 25, S/32, S/32],
   * channel = anchor · 5 + (tx, ty, tw, th, score logit).
   */
  forward(x: Tensor): Tensor {
    if (x.shape.length !== 4 || x.shape[1] !== 3 || x.shape[2] !== x.shape[3] || x.shape[2]! % 32) {
      throw new Error(`TinyFaceDetector: expects [N, 3, S, S] with S a multiple of 32, got [${x.shape}]`);
    }
    return scope(() => {
      // conv0 is 'valid' (S → S − 2); every max pool is 2×2 'same' (odd sizes pad one −∞ row/column after).
      let h = leakyRelu(conv2d(x, this.conv0.filters, this.conv0.bias), LEAKY_SLOPE);
      for (const sep of this.seps) {
        h = maxPool2d(h, { kernel: 2, stride: 2, padding: samePadding(h.shape[2]!, h.shape[3]!, 2, 2) });
        // src/tinyYolov2/depthwiseSeparableConv.ts: pad 1, separable conv 'valid', bias, leaky.
        h = leakyRelu(separableConv(h, sep, 1, [1, 1, 1, 1]), LEAKY_SLOPE);
      }
      h = maxPool2d(h, { kernel: 2, stride: 1, padding: samePadding(h.shape[2]!, h.shape[3]!, 2, 1) });
      return conv2d(h, this.conv8.filters, this.conv8.bias); // no activation
    });
  }

  dispose(): void {
    this.weights.dispose();
  }
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Boxes of one image from its head output `head` ([25, g, g], CHW) for an image of width × height that was
 * padded at the bottom/right to a square and resized to inputSize (TinyYolov2Base.extractBoxes): YOLOv2
 * decoding, centre = (cell + σ(t)) / g, size = anchor · e^t / g, both in units of the padded square, scaled
 * to image pixels; scores σ(logit) > threshold; then NMS (IoU > 0.4 suppressed), highest score first.
 */
export function decodeDetections(head: Float32Array, width: number, height: number, inputSize: number, scoreThreshold = 0.5): FaceBox[] {
  const cells = BOX_ENCODING * ANCHORS.length;
  const g = Math.round(Math.sqrt(head.length / cells));
  if (g * g * cells !== head.length) throw new Error(`decodeDetections: ${head.length} values are not [${cells}, g, g]`);
  // computeReshapedDimensions (src/utils/index.ts): the image's size inside the network input, rounded.
  const scale = inputSize / Math.max(width, height);
  const corrX = inputSize / Math.round(width * scale);
  const corrY = inputSize / Math.round(height * scale);
  const boxes: { rel: [number, number, number, number]; score: number }[] = [];
  const at = (a: number, k: number, row: number, col: number): number => head[((a * BOX_ENCODING + k) * g + row) * g + col]!;
  for (let row = 0; row < g; row++)
    for (let col = 0; col < g; col++)
      for (let a = 0; a < ANCHORS.length; a++) {
        const score = sigmoid(at(a, 4, row, col));
        if (!(score > scoreThreshold)) continue;
        const cx = ((col + sigmoid(at(a, 0, row, col))) / g) * corrX;
        const cy = ((row + sigmoid(at(a, 1, row, col))) / g) * corrY;
        const w = ((Math.exp(at(a, 2, row, col)) * ANCHORS[a]![0]) / g) * corrX;
        const h = ((Math.exp(at(a, 3, row, col)) * ANCHORS[a]![1]) / g) * corrY;
        boxes.push({ rel: [cx - w / 2, cy - h / 2, w, h], score });
      }
  // NMS runs on the boxes in network-input pixels (box.rescale(inputSize)), as the package does.
  const keep = nonMaxSuppression(boxes.map((b) => b.rel.map((v) => v * inputSize) as [number, number, number, number]), boxes.map((b) => b.score), IOU_THRESHOLD);
  return keep.map((i) => {
    const [x, y, w, h] = boxes[i]!.rel;
    return { x: x * width, y: y * height, width: w * width, height: h * height, score: boxes[i]!.score };
  });
}

/** Overlap of two [x, y, w, h] boxes: intersection over union. */
export type Overlap = (a: readonly number[], b: readonly number[]) => number;

function intersection(a: readonly number[], b: readonly number[]): number {
  const w = Math.max(0, Math.min(a[0]! + a[2]!, b[0]! + b[2]!) - Math.max(a[0]!, b[0]!));
  const h = Math.max(0, Math.min(a[1]! + a[3]!, b[1]! + b[3]!) - Math.max(a[1]!, b[1]!));
  return w * h;
}

export const iou: Overlap = (a, b) => {
  const inter = intersection(a, b);
  return inter / (a[2]! * a[3]! + b[2]! * b[3]! - inter);
};

/** Intersection over the smaller box: 1 for a box inside another, whatever their sizes. */
export const overlapOfSmaller: Overlap = (a, b) => intersection(a, b) / Math.min(a[2]! * a[3]!, b[2]! * b[3]!);

/**
 * Greedy NMS over [x, y, w, h] boxes: take the best remaining box, drop those overlapping it by more than
 * `threshold` (IoU unless `overlap` says otherwise). Ties go to the later index (the package sorts
 * ascending, stably, and pops from the end). Returns kept indices.
 */
export function nonMaxSuppression(boxes: readonly (readonly number[])[], scores: readonly number[], threshold: number, overlap: Overlap = iou): number[] {
  let order = scores.map((score, i) => ({ score, i })).sort((p, q) => p.score - q.score).map((c) => c.i);
  const pick: number[] = [];
  while (order.length > 0) {
    const cur = order.pop()!;
    pick.push(cur);
    order = order.filter((j) => overlap(boxes[cur]!, boxes[j]!) <= threshold);
  }
  return pick;
}
