// Fine-tuning OAENet in the page on the faces the user collected, with the steps train.js takes: a face
// batch (host flip, the weighted mask, the photometric augmentation, src/data/face_batch.ts) → the OAENet
// objective (cross-entropy + island + Lovász, src/training/objective.ts) → backward → SGD with momentum.
// `whole` trains every parameter in train mode; `head` trains the classifier alone on the frozen network
// (eval mode, so batch norm keeps its statistics), where only the cross-entropy reaches the classifier.
// Before the first epoch and after each, the training faces (un-augmented) and the held-out faces are
// evaluated: the curves and the held-out check.

import { UserError } from '../../errors.js';
import { faceBatchOf } from '../../data/face_batch.js';
import { loadSet, type FaceSet } from './face_set.js';
import { NUM_CLASSES } from '../../data/labels.js';
import { backward, noGrad } from '../../graph/tape.js';
import { Tensor, scope } from '../../graph/tensor.js';
import type { OAENet } from '../../model/oaenet.js';
import { seededRandom, shuffled } from '../../nn/init.js';
import { argmaxRows } from '../../training/metrics.js';
import { oaenetObjective, type ObjectiveWeights } from '../../training/objective.js';
import { SGD } from '../../training/optim/sgd.js';

export type TrainedPart = 'head' | 'whole';

export interface FineTuneSettings {
  part: TrainedPart;
  lr: number;
  epochs: number;
  batchSize: number;
  seed: number;
}

/** train.js's defaults: island 0.1, Lovász 1. */
export const WHOLE_WEIGHTS: ObjectiveWeights = { island: 0.1, lovasz: 1 };
/** Neither the island loss (on the pooled feature) nor the Lovász loss (on the attention branch) reaches the classifier. */
const HEAD_WEIGHTS: ObjectiveWeights = { island: 0, lovasz: 0 };
const MOMENTUM = 0.9;

export interface StepRecord {
  epoch: number;
  step: number;
  loss: number;
}

export interface SetScore {
  /** Mean cross-entropy. */
  loss: number;
  accuracy: number;
  /** [n, 7] row-major. */
  logits: Float32Array;
}

export interface EpochRecord {
  /** 0: before training. */
  epoch: number;
  train: SetScore;
  heldOut: SetScore | null;
}

export interface FineTuneHooks {
  onStep(r: StepRecord): void;
  onEpoch(r: EpochRecord): void;
  /** Asked before each step; true ends the run after a last evaluation. */
  stopRequested(): boolean;
}

/**
 * The last `fraction` of each class's faces (rounded, at least one of a class with two or more) are held
 * out; the rest train.
 */
export function heldOutSplit(labels: readonly number[], fraction: number): { train: number[]; heldOut: number[] } {
  const train: number[] = [];
  const heldOut: number[] = [];
  for (let c = 0; c < NUM_CLASSES; c++) {
    const of = labels.flatMap((l, i) => (l === c ? [i] : []));
    const n = fraction > 0 && of.length >= 2 ? Math.min(of.length - 1, Math.max(1, Math.round(fraction * of.length))) : 0;
    train.push(...of.slice(0, of.length - n));
    heldOut.push(...of.slice(of.length - n));
  }
  return { train: train.sort((a, b) => a - b), heldOut: heldOut.sort((a, b) => a - b) };
}

/** Cross-entropy, accuracy and logits of eval-mode OAENet on un-augmented faces. */
export async function scoreSet(model: OAENet, crops: FaceSet, indices: readonly number[], batchSize: number): Promise<SetScore> {
  model.eval();
  const logits = new Float32Array(indices.length * NUM_CLASSES);
  let lossSum = 0;
  for (let at = 0; at < indices.length; at += batchSize) {
    const chunk = indices.slice(at, at + batchSize);
    const [out, loss] = noGrad(() =>
      scope(() => {
        const b = faceBatchOf(loadSet(crops, chunk), model.inputSize, null);
        const { logits } = model.forward(b.image, b.attn);
        return [logits, oaenetObjective.crossEntropyOnly(logits, b.labels)];
      }),
    );
    try {
      const [o, l] = await Tensor.readAll([out, loss]);
      logits.set(o!, at * NUM_CLASSES);
      lossSum += l![0]! * chunk.length;
    } finally {
      out.dispose();
      loss.dispose();
    }
  }
  const predicted = argmaxRows(logits, NUM_CLASSES);
  const hits = indices.filter((i, k) => crops.samples[i]!.label === predicted[k]).length;
  return { loss: lossSum / indices.length, accuracy: hits / indices.length, logits };
}

export async function fineTune(model: OAENet, crops: FaceSet, split: { train: number[]; heldOut: number[] }, s: FineTuneSettings, hooks: FineTuneHooks): Promise<'done' | 'stopped'> {
  const named = [...model.namedParameters()];
  const head = new Set(named.filter(([k]) => k.startsWith('classifier.')).map(([, t]) => t));
  const params = named.map(([, t]) => t).filter((t) => s.part === 'whole' || head.has(t));
  // A frozen parameter gets no gradient: the tape then records nothing below the classifier.
  for (const [, t] of named) t.requiresGrad = params.includes(t);
  const opt = new SGD(params, { lr: s.lr, momentum: MOMENTUM });
  const weights = s.part === 'whole' ? WHOLE_WEIGHTS : HEAD_WEIGHTS;
  const evaluate = async (epoch: number): Promise<void> =>
    hooks.onEpoch({
      epoch,
      train: await scoreSet(model, crops, split.train, s.batchSize),
      heldOut: split.heldOut.length > 0 ? await scoreSet(model, crops, split.heldOut, s.batchSize) : null,
    });
  let outcome: 'done' | 'stopped' = 'done';
  try {
    await evaluate(0);
    const steps = Math.ceil(split.train.length / s.batchSize);
    epochs: for (let epoch = 1; epoch <= s.epochs; epoch++) {
      const order = shuffled(split.train, s.seed * 7919 + epoch);
      if (s.part === 'whole') model.train();
      else model.eval();
      for (let step = 0; step < steps; step++) {
        if (hooks.stopRequested()) {
          outcome = 'stopped';
          await evaluate(epoch);
          break epochs;
        }
        const chunk = order.slice(step * s.batchSize, (step + 1) * s.batchSize);
        const rand = seededRandom((s.seed * 1_000_003 + epoch * 10_007 + step) >>> 0);
        const loss = scope(() => {
          const b = faceBatchOf(loadSet(crops, chunk), model.inputSize, rand);
          return oaenetObjective.total(model.forward(b.image, b.attn), b.labels, b.mask, weights);
        });
        try {
          backward(loss);
          opt.step();
          opt.zeroGrad();
          const [l] = await Tensor.readAll([loss]);
          if (!Number.isFinite(l![0])) throw new UserError(`the loss became ${l![0]} at epoch ${epoch}, step ${step + 1}; lower the learning rate`);
          hooks.onStep({ epoch, step: step + 1, loss: l![0]! });
        } finally {
          loss.dispose();
        }
      }
      await evaluate(epoch);
    }
  } finally {
    opt.zeroGrad();
    opt.dispose();
    for (const [, t] of named) t.requiresGrad = true;
    model.eval();
  }
  return outcome;
}
