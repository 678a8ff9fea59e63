// A small conv net (conv-BN-ReLU-pool, strided conv-BN-ReLU, global pool, linear) that exercises
// the engine's training path end to end; the demo and the leak test train it.

import type { Tensor } from '../graph/tensor.js';
import { globalAvgPool, maxPool2d, relu, reshape } from '../graph/ops/index.js';
import { seededRandom } from '../nn/init.js';
import { BatchNorm2d, Conv2d, Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';

export class TinyCnn extends Module {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly fc: Linear;

  constructor(inC: number, classes: number, width = 8, seed = 0) {
    super();
    const rand = seededRandom(seed);
    this.conv1 = this.child('conv1', new Conv2d(inC, width, 3, { padding: 1, rand }));
    this.bn1 = this.child('bn1', new BatchNorm2d(width));
    this.conv2 = this.child('conv2', new Conv2d(width, 2 * width, 3, { stride: 2, padding: 1, rand }));
    this.bn2 = this.child('bn2', new BatchNorm2d(2 * width));
    this.fc = this.child('fc', new Linear(2 * width, classes, rand));
  }

  forward(x: Tensor): Tensor {
    let h = maxPool2d(relu(this.bn1.forward(this.conv1.forward(x))));
    h = relu(this.bn2.forward(this.conv2.forward(h)));
    const pooled = globalAvgPool(h);
    return this.fc.forward(reshape(pooled, [pooled.shape[0]!, pooled.shape[1]!]));
  }
}
