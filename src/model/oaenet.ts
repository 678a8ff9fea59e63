// OAENet (Wang et al., Pattern Recognition 2021), layer for layer as the official PyTorch module and named
// as its state dict: a MobileNetV2 "maintenance" branch on the face and a U-Net-like attention
// branch on the masked face, both 32 × S/4 × S/4, fused as x_m · (1 + x_a), then the MobileNetV2 body
// without its stem ("stack block"), global average pooling and a linear classifier. In train mode the
// attention branch also runs its segmentation head (for the Lovász loss on the weighted mask).

import { Tensor, scope } from '../graph/tensor.js';
import { fusion, globalAvgPool, reshape } from '../graph/ops/index.js';
import { seededRandom } from '../nn/init.js';
import { Conv2d, Linear } from '../nn/layers.js';
import { Module } from '../nn/module.js';
import { BasicBlock, ConvBNAct, Decoder, InvertedResidual, Sequential, Upsample2x, type Init, type Layer } from './blocks.js';

export interface OAENetOptions {
  /** Default 7 (neutral, happy, sad, surprise, fear, disgust, anger). */
  numClasses?: number;
  /** Side of the square inputs forward() accepts, a multiple of 16 (the decoders' skips must align); default 224. */
  inputSize?: number;
  /** Seed of the initial weights. */
  seed?: number;
}

/** Eval mode: logits. Train mode also: the pooled 1280-d feature (island loss) and seg_out [N, 2, S, S]. */
export type OAENetOutput = { logits: Tensor; pooled?: Tensor; segOut?: Tensor };

/** Intermediates forward() hands out when asked (the caller owns them, like the outputs). */
export type OAENetTaps = { maintenanceOut?: Tensor; attentionOut?: Tensor; backboneOut?: Tensor; pooled?: Tensor };

/** MobileNetV2's inverted-residual settings (t, c, n, s) after its stem. */
const STACK: readonly [number, number, number, number][] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

/** A slice of MobileNetV2 under its `features.<i>` names. */
class MobileNetFeatures extends Module implements Layer {
  private readonly features: Sequential;
  constructor(layers: Layer[]) {
    super();
    this.features = this.child('features', new Sequential(layers));
  }
  forward(x: Tensor): Tensor {
    return this.features.forward(x);
  }
}

/** Stem + stages (1,16,1,1), (6,24,2,2) + 1×1 ConvBNReLU6 to 32 channels: 3 × S → 32 × S/4. */
function maintenanceBranch(init: Init): MobileNetFeatures {
  return new MobileNetFeatures([
    new ConvBNAct(3, 32, 3, { ...init, act: 'relu6', stride: 2 }),
    new InvertedResidual(32, 16, 1, 1, init),
    new InvertedResidual(16, 24, 2, 6, init),
    new InvertedResidual(24, 24, 1, 6, init),
    new ConvBNAct(24, 32, 1, { ...init, act: 'relu6' }),
  ]);
}

/** The MobileNetV2 body from 32 channels, then ConvBNReLU6 320 → 1280: 32 × S/4 → 1280 × S/32 (ceil). */
function stackBlock(init: Init): MobileNetFeatures {
  const layers: Layer[] = [];
  let inC = 32;
  for (const [t, c, n, s] of STACK) {
    for (let i = 0; i < n; i++) {
      layers.push(new InvertedResidual(inC, c, i === 0 ? s : 1, t, init));
      inC = c;
    }
  }
  layers.push(new ConvBNAct(inC, 1280, 1, { ...init, act: 'relu6' }));
  return new MobileNetFeatures(layers);
}

/** Encoder e1..e3, six 256-channel basic blocks at S/16, two decoders, 1×1 to 32 channels; + segmentation head. */
class AttentionBranch extends Module {
  private readonly layer1: ConvBNAct;
  private readonly layer2: ConvBNAct;
  private readonly layer3: ConvBNAct;
  private readonly resblock: Sequential;
  private readonly layer4: Decoder;
  private readonly layer5: Decoder;
  private readonly layer6: ConvBNAct;
  private readonly decode1: Decoder;
  private readonly decode0: Sequential;
  private readonly convLast: Conv2d;

  constructor(rand: () => number) {
    super();
    const init = { rand, act: 'relu' } as const;
    this.layer1 = this.child('layer1', new ConvBNAct(3, 64, 7, { ...init, stride: 2 }));
    this.layer2 = this.child('layer2', new ConvBNAct(64, 128, 4, { ...init, stride: 2 }));
    this.layer3 = this.child('layer3', new ConvBNAct(128, 256, 4, { ...init, stride: 2 }));
    this.resblock = this.child('resblock', new Sequential(Array.from({ length: 6 }, (_, i) => new BasicBlock(256, i === 0 ? 2 : 1, rand))));
    this.layer4 = this.child('layer4', new Decoder(256, 384, 128, rand));
    this.layer5 = this.child('layer5', new Decoder(128, 192, 64, rand));
    this.layer6 = this.child('layer6', new ConvBNAct(64, 32, 1, init));
    this.decode1 = this.child('decode1', new Decoder(32, 96, 32, rand));
    this.decode0 = this.child('decode0', new Sequential([
      new Upsample2x(),
      new Conv2d(32, 32, 3, { padding: 1, rand }),
      new Conv2d(32, 32, 3, { padding: 1, rand }),
    ]));
    this.convLast = this.child('conv_last', new Conv2d(32, 2, 1, { bias: true, rand }));
  }

  /** x_a [N, 32, S/4, S/4]; seg_out [N, 2, S, S] in train mode only. */
  forward(x: Tensor): { out: Tensor; segOut: Tensor | null } {
    return scope(() => {
      const e1 = this.layer1.forward(x);
      const e2 = this.layer2.forward(e1);
      const e3 = this.layer3.forward(e2);
      const d4 = this.layer4.forward(this.resblock.forward(e3), e3);
      const out = this.layer6.forward(this.layer5.forward(d4, e2));
      const segOut = this.training ? this.convLast.forward(this.decode0.forward(this.decode1.forward(out, e1))) : null;
      return { out, segOut };
    });
  }
}

export class OAENet extends Module {
  readonly numClasses: number;
  readonly inputSize: number;
  private readonly maintenance: MobileNetFeatures;
  private readonly attention: AttentionBranch;
  private readonly backbone: MobileNetFeatures;
  private readonly classifier: Linear;

  constructor(opts: OAENetOptions = {}) {
    super();
    this.numClasses = opts.numClasses ?? 7;
    this.inputSize = opts.inputSize ?? 224;
    if (!Number.isInteger(this.numClasses) || this.numClasses < 1) throw new Error(`OAENet: numClasses must be a positive integer, got ${this.numClasses}`);
    if (!Number.isInteger(this.inputSize) || this.inputSize < 16 || this.inputSize % 16) {
      throw new Error(`OAENet: inputSize must be a positive multiple of 16 (the decoders' skip connections must align), got ${this.inputSize}`);
    }
    const rand = seededRandom(opts.seed ?? 0);
    const mobilenet = { rand, kaiming: true };
    this.maintenance = this.child('maintenance_branch', maintenanceBranch(mobilenet));
    this.attention = this.child('attention_branch', new AttentionBranch(rand));
    this.backbone = this.child('backbone', stackBlock(mobilenet));
    this.classifier = this.child('classifier', new Linear(1280, this.numClasses, rand));
  }

  /**
   * image, attnInput: [N, 3, S, S] with S = inputSize (the normalised face and masked face). Use noGrad()
   * for inference. `taps`, when given, receives the branch outputs, the stack block's output and the pooled
   * feature; those tensors then belong to the caller, like the outputs.
   */
  forward(image: Tensor, attnInput: Tensor, taps?: OAENetTaps): OAENetOutput {
    this.checkInput(image, 'image');
    this.checkInput(attnInput, 'attnInput');
    if (attnInput.shape[0] !== image.shape[0]) throw new Error(`OAENet: image ${image} and attnInput ${attnInput} differ in batch size`);
    const { out, tapped } = scope(() => {
      const xm = this.maintenance.forward(image);
      const { out: xa, segOut } = this.attention.forward(attnInput);
      const features = this.backbone.forward(fusion(xm, xa));
      const pooled = reshape(globalAvgPool(features), features.shape.slice(0, 2));
      const logits = this.classifier.forward(pooled);
      const out: OAENetOutput = this.training ? { logits, pooled, segOut: segOut! } : { logits };
      return { out, tapped: taps ? { maintenanceOut: xm, attentionOut: xa, backboneOut: features, pooled } : null };
    });
    if (taps) Object.assign(taps, tapped);
    return out;
  }

  private checkInput(x: Tensor, what: string): void {
    const s = this.inputSize;
    const [n, c, h, w] = x.shape;
    if (x.shape.length !== 4 || !(n! >= 1) || c !== 3 || h !== s || w !== s || x.dtype !== 'f32') {
      throw new Error(`OAENet: ${what} must be an f32 [N, 3, ${s}, ${s}] tensor (inputSize ${s}), got ${x}`);
    }
  }
}
