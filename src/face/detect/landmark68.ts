// face-api's 68-point landmark net on the engine, as in @vladmandic/face-api
// src/faceFeatureExtractor/FaceFeatureExtractor.ts (4 dense blocks + 7×7 average pool on the 7×7 map),
// src/faceFeatureExtractor/denseBlock.ts (denseBlock4), src/common/depthwiseSeparableConv.ts (bias after the
// pointwise, no activation inside) and src/faceProcessor/FaceProcessor.ts (FC 256 → 136). No batch norm:
// the manifest holds biases only.

import { add, conv2d, globalAvgPool, linear, relu, reshape } from '../../graph/ops/index.js';
import { scope, type Tensor } from '../../graph/tensor.js';
import { loadFaceModel, samePadding, separableConv, type ConvLayer, type FaceWeights, type FileReader, type SeparableConv } from './weights.js';

export const LANDMARK_INPUT = 112;
/** FaceFeatureExtractor.forwardInput: per-channel mean of the RGB input. */
export const LANDMARK_MEAN_RGB: readonly [number, number, number] = [122.782, 117.001, 104.298];

interface DenseBlock {
  /** dense0: a plain 3×3 conv; dense1..3: separable. */
  conv0: ConvLayer | SeparableConv;
  rest: [SeparableConv, SeparableConv, SeparableConv];
}

export class FaceLandmark68Net {
  private readonly blocks: DenseBlock[];
  private readonly fc: { weight: Tensor; bias: Tensor };

  private constructor(private readonly weights: FaceWeights) {
    this.blocks = [0, 1, 2, 3].map((b) => ({
      conv0: b === 0 ? weights.convLayer('dense0/conv0') : weights.separable(`dense${b}/conv0`),
      rest: [1, 2, 3].map((c) => weights.separable(`dense${b}/conv${c}`)) as DenseBlock['rest'],
    }));
    this.fc = { weight: weights.dense('fc/weights'), bias: weights.vector('fc/bias') };
  }

  /** From the installed package (node) or a reader of its model folder. */
  static async load(reader?: FileReader): Promise<FaceLandmark68Net> {
    return new FaceLandmark68Net(await loadFaceModel('face_landmark_68', reader));
  }

  /** x [N, 3, 112, 112]: (RGB − LANDMARK_MEAN_RGB) / 255 → [N, 136], (x, y) pairs in [0, 1] of the input square. */
  forward(x: Tensor): Tensor {
    const s = LANDMARK_INPUT;
    if (x.shape.length !== 4 || x.shape[1] !== 3 || x.shape[2] !== s || x.shape[3] !== s) {
      throw new Error(`FaceLandmark68Net: expects [N, 3, ${s}, ${s}], got [${x.shape}]`);
    }
    return scope(() => {
      let h = x;
      for (const block of this.blocks) h = denseBlock4(h, block); // 112 → 56 → 28 → 14 → 7
      // avgPool 7×7 stride 2 'valid' on a 7×7 map = the global mean.
      const pooled = globalAvgPool(h);
      return linear(reshape(pooled, [pooled.shape[0]!, pooled.shape[1]!]), this.fc.weight, this.fc.bias);
    });
  }

  dispose(): void {
    this.weights.dispose();
  }
}

/**
 * denseBlock4: out1 = relu(conv0 stride 2 'same'), then three stride-1 separable convs, each fed the ReLU of the
 * running sum of all earlier outputs; the block returns relu(out1 + out2 + out3 + out4) (summed from the right,
 * as the package does).
 */
function denseBlock4(x: Tensor, { conv0, rest: [c1, c2, c3] }: DenseBlock): Tensor {
  const pad = samePadding(x.shape[2]!, x.shape[3]!, 3, 2); // even sizes: 0 before, 1 after
  const out1 = relu('filters' in conv0 ? conv2d(x, conv0.filters, conv0.bias, { stride: 2, padding: pad }) : separableConv(x, conv0, 2, pad));
  const same = samePadding(out1.shape[2]!, out1.shape[3]!, 3, 1);
  const out2 = separableConv(out1, c1, 1, same);
  const out3 = separableConv(relu(add(out1, out2)), c2, 1, same);
  const out4 = separableConv(relu(add(out1, add(out2, out3))), c3, 1, same);
  return relu(add(out1, add(out2, add(out3, out4))));
}
