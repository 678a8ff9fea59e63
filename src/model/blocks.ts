// OAENet's reusable modules, named like their PyTorch counterparts so that state-dict keys match the
// official checkpoint: Sequential children are `0`, `1`, …; ConvBNAct is Sequential(conv, bn, act);
// InvertedResidual keeps MobileNetV2's `conv.<j>` layout; Decoder has `up` and `conv_relu.0`.
// Every forward runs in a scope, so a block's temporaries are released as soon as it returns (the
// autograd tape keeps its own handles to what the backward needs). Inference (eval mode under noGrad)
// runs conv → BN → activation as one conv kernel: BN folded into the weights, the activation fused
// into the kernel's store.

import { Tensor, scope } from '../graph/tensor.js';
import { isGradEnabled } from '../graph/tape.js';
import { add, concat, conv2d, maxPool2d, relu, relu6, upsampleBilinear2x } from '../graph/ops/index.js';
import { foldBatchNorm } from '../graph/ops/batch_norm2d.js';
import { normal } from '../nn/init.js';
import { BatchNorm2d, Conv2d, ConvTranspose2d } from '../nn/layers.js';
import { Module } from '../nn/module.js';

/** A module with a one-tensor forward (what Sequential chains). */
export interface Layer extends Module {
  forward(x: Tensor): Tensor;
}

export interface Init {
  /** Host RNG for the initial weights. */
  rand: () => number;
  /** Kaiming-normal (fan_out) conv weights, as torchvision's MobileNetV2 does; else PyTorch's default. */
  kaiming?: boolean;
}

export type ActKind = 'relu' | 'relu6';

/** Inference fusion on or off (on by default; off gives the unfused kernels, for benchmarks and checks). */
export const inferenceFusion = { enabled: true };

/** Whether a module's forward may fuse: eval mode and nothing recorded for autograd. */
const fusing = (m: Module): boolean => inferenceFusion.enabled && !m.training && !isGradEnabled();

/**
 * Each conv's weights with the eval-mode BN after it folded in, made on first use and kept until the
 * owner's state changes (mode switch, checkpoint load: Module.stateChanged), since folding every
 * forward would cost a pass over all the weights.
 */
class FoldedWeights {
  private readonly cache = new Map<Conv2d, [Tensor, Tensor]>();
  get(c: Conv2d, bn: BatchNorm2d | null): [Tensor, Tensor | null] {
    if (!bn) return [c.weight, c.bias];
    let f = this.cache.get(c);
    if (!f) {
      f = foldBatchNorm(c.weight, c.bias, bn.weight, bn.bias, bn.runningMean, bn.runningVar, bn.eps);
      for (const t of f) t.keep();
      this.cache.set(c, f);
    }
    return f;
  }
  clear(): void {
    for (const f of this.cache.values()) for (const t of f) t.dispose();
    this.cache.clear();
  }
}

/** conv → [eval BN] → [activation] as one conv kernel (inference only). */
function fusedConv(x: Tensor, folded: FoldedWeights, c: Conv2d, bn: BatchNorm2d | null, act: ActKind | undefined): Tensor {
  const [w, b] = folded.get(c, bn);
  return conv2d(x, w, b, { ...c.opts, ...(act ? { activation: act } : {}) });
}

export class Sequential extends Module implements Layer {
  private readonly folded = new FoldedWeights();
  constructor(readonly layers: readonly Layer[]) {
    super();
    layers.forEach((l, i) => this.child(String(i), l));
  }
  forward(x: Tensor): Tensor {
    return scope(() => (fusing(this) ? this.fusedForward(x) : this.layers.reduce((h, l) => l.forward(h), x)));
  }
  /** Each Conv2d with the BatchNorm2d and Activation right after it, if any, as one kernel. */
  private fusedForward(x: Tensor): Tensor {
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      const c = this.layers[i];
      if (!(c instanceof Conv2d)) {
        h = c!.forward(h);
        continue;
      }
      const bn = this.layers[i + 1] instanceof BatchNorm2d ? (this.layers[++i] as BatchNorm2d) : null;
      const act = this.layers[i + 1] instanceof Activation ? (this.layers[++i] as Activation).kind : undefined;
      h = fusedConv(h, this.folded, c, bn, act);
    }
    return h;
  }
  protected override dropDerived(): void {
    this.folded.clear();
  }
}

/** A parameter-free activation (holds a Sequential index, as nn.ReLU does in PyTorch). */
export class Activation extends Module implements Layer {
  constructor(readonly kind: ActKind) {
    super();
  }
  forward(x: Tensor): Tensor {
    return this.kind === 'relu6' ? relu6(x) : relu(x);
  }
}

/** Bilinear ×2 upsampling with align_corners = true, as a Sequential entry. */
export class Upsample2x extends Module implements Layer {
  forward(x: Tensor): Tensor {
    return upsampleBilinear2x(x);
  }
}

/**
 * BatchNorm2d with PyTorch's `num_batches_tracked` in its state (an i32 0-d buffer). The host counter
 * `numBatchesTracked` is authoritative; the buffer mirrors it for state dicts and is synchronised by
 * the checkpoint code (model/checkpoint.ts), so that training forwards issue no extra writes.
 */
export class TrackedBatchNorm2d extends BatchNorm2d {
  readonly batchesTracked: Tensor;
  constructor(channels: number) {
    super(channels);
    this.batchesTracked = this.buffer('num_batches_tracked', Tensor.from([0], [], 'i32'));
  }
}

/** A conv without bias for the MobileNet parts, re-initialised Kaiming-normal (fan_out) when asked. */
function conv(inC: number, outC: number, k: number, init: Init, opts: { stride?: number; padding?: number; groups?: number; bias?: boolean } = {}): Conv2d {
  const c = new Conv2d(inC, outC, k, { ...opts, rand: init.rand });
  // kaiming_normal_(mode='fan_out'): fan_out = out channels × kernel area (groups do not divide it).
  if (init.kaiming) c.weight.write(normal(init.rand, c.weight.size, Math.sqrt(2 / (outC * k * k))));
  return c;
}

export interface ConvBNActOptions extends Init {
  act: ActKind;
  stride?: number;
  groups?: number;
}

/** conv (padding ⌊(k − 1)/2⌋, no bias) → BN → ReLU or ReLU6: `.0` conv, `.1` bn. */
export class ConvBNAct extends Sequential {
  constructor(inC: number, outC: number, k: number, opts: ConvBNActOptions) {
    const c = conv(inC, outC, k, opts, { stride: opts.stride ?? 1, padding: (k - 1) >> 1, groups: opts.groups ?? 1 });
    super([c, new TrackedBatchNorm2d(outC), new Activation(opts.act)]);
  }
}

/**
 * MobileNetV2's block: [1×1 expand ConvBNReLU6 if t ≠ 1] → 3×3 depthwise ConvBNReLU6 (stride s) → 1×1
 * linear projection + BN; residual add when s = 1 and in = out.
 */
export class InvertedResidual extends Module implements Layer {
  readonly residual: boolean;
  private readonly conv: Sequential;
  constructor(inC: number, outC: number, stride: number, expand: number, init: Init) {
    super();
    const hidden = inC * expand;
    const layers: Layer[] = expand === 1 ? [] : [new ConvBNAct(inC, hidden, 1, { ...init, act: 'relu6' })];
    layers.push(
      new ConvBNAct(hidden, hidden, 3, { ...init, act: 'relu6', stride, groups: hidden }),
      conv(hidden, outC, 1, init),
      new TrackedBatchNorm2d(outC),
    );
    this.conv = this.child('conv', new Sequential(layers));
    this.residual = stride === 1 && inC === outC;
  }
  forward(x: Tensor): Tensor {
    return this.residual ? scope(() => add(x, this.conv.forward(x))) : this.conv.forward(x);
  }
}

/**
 * ResNet's basic block: conv3×3 (stride) → BN → ReLU → conv3×3 → BN, + shortcut, → ReLU. No conv
 * biases. The stride-2 shortcut is a 2×2 max-pool (OAENet's `resblock.0`), the stride-1 one the identity.
 */
export class BasicBlock extends Module implements Layer {
  private readonly folded = new FoldedWeights();
  private readonly conv1: Conv2d;
  private readonly bn1: TrackedBatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: TrackedBatchNorm2d;
  constructor(channels: number, readonly stride: 1 | 2, rand: () => number) {
    super();
    this.conv1 = this.child('conv1', new Conv2d(channels, channels, 3, { stride, padding: 1, rand }));
    this.bn1 = this.child('bn1', new TrackedBatchNorm2d(channels));
    this.conv2 = this.child('conv2', new Conv2d(channels, channels, 3, { padding: 1, rand }));
    this.bn2 = this.child('bn2', new TrackedBatchNorm2d(channels));
  }
  forward(x: Tensor): Tensor {
    return scope(() => {
      const fuse = fusing(this);
      const h = fuse ? fusedConv(x, this.folded, this.conv1, this.bn1, 'relu') : relu(this.bn1.forward(this.conv1.forward(x)));
      const y = fuse ? fusedConv(h, this.folded, this.conv2, this.bn2, undefined) : this.bn2.forward(this.conv2.forward(h));
      return relu(add(y, this.stride === 2 ? maxPool2d(x, { kernel: 2, stride: 2 }) : x));
    });
  }
  protected override dropDerived(): void {
    this.folded.clear();
  }
}

/**
 * U-Net decoder step: ConvTranspose2d(in → out, k4 s2 p1, bias) → concat [upsampled, skip] → conv3×3
 * (mid → out, bias) → ReLU, where mid = out + the skip's channels.
 */
export class Decoder extends Module {
  private readonly up: ConvTranspose2d;
  private readonly convRelu: Sequential;
  constructor(inC: number, midC: number, outC: number, rand: () => number) {
    super();
    this.up = this.child('up', new ConvTranspose2d(inC, outC, 4, { stride: 2, padding: 1, bias: true, rand }));
    this.convRelu = this.child('conv_relu', new Sequential([new Conv2d(midC, outC, 3, { padding: 1, bias: true, rand }), new Activation('relu')]));
  }
  forward(x: Tensor, skip: Tensor): Tensor {
    return scope(() => this.convRelu.forward(concat([this.up.forward(x), skip])));
  }
}
