// The training loop: epochs of shuffled batches (the shuffle and the augmentation are seeded by
// (seed, epoch, step), so a resumed run replays exactly what an uninterrupted one would), the
// OAENet objective, SGD with reduce-on-plateau, validation each epoch, last/best checkpoints written
// atomically behind the training with metrics.jsonl rewritten after each checkpoint (so it never holds
// an epoch that the checkpoint lacks), a stop request = save and stop, and plots at the end.

import { join } from 'node:path';
import { Tensor, scope } from '../graph/tensor.js';
import { backward, noGrad } from '../graph/tape.js';
import { checkpointBytes } from '../model/checkpoint.js';
import type { OAENet } from '../model/oaenet.js';
import { seededRandom, shuffled } from '../nn/init.js';
import { ReadAhead, type FaceCache } from '../data/cache.js';
import { faceBatchOf } from '../data/face_batch.js';
import { CLASS_NAMES } from '../data/labels.js';
import { argmaxRows, classificationMetrics, type Metrics } from './metrics.js';
import { oaenetObjective, type ObjectiveWeights } from './objective.js';
import type { SGD } from './optim/sgd.js';
import { confusionPng, curvesPng } from '../draw/plots.js';
import type { ReduceLROnPlateau } from './schedule.js';
import { lastCheckpointPath, trainStateBytes, type EpochRecord, type LoopState } from './train_state.js';
import { UserError } from '../errors.js';
import { WriteBehind } from './write_behind.js';

/** A run's settings: its length, batches, seeds, folder and loss weights. */
export interface LoopSettings {
  epochs: number;
  batchSize: number;
  imageSize: number;
  seed: number;
  out: string;
  weights: ObjectiveWeights;
  /** Stop after this many steps in total (tests); the run saves and can be resumed. */
  maxSteps?: number | undefined;
}

/**
 * What trainLoop works on: the model, its optimizer and schedule, where the run stands, the data, the
 * settings, and how it reports and is stopped.
 */
export interface TrainLoopOptions extends LoopSettings {
  model: OAENet;
  opt: SGD;
  plateau: ReduceLROnPlateau;
  /** Advanced in place, so that a stopped run is saved where it stands. */
  state: LoopState;
  cache: FaceCache;
  split: { train: number[]; val: number[] };
  progress: Progress;
  /** Asked before each step; true saves the run and stops it. */
  stopRequested: () => boolean;
}

export interface Progress {
  line(text: string): void;
  /** Overwrites the current status line (a TTY) or prints it now and then. */
  status(text: string): void;
}

/**
 * Steps in an epoch of `n` images: batches of `batchSize`, the last taking the rest, except that a rest of
 * one image joins the batch before it, since batch norm cannot normalise a batch of one.
 */
export function stepsPerEpoch(n: number, batchSize: number): number {
  const steps = Math.ceil(n / batchSize);
  return steps > 1 && n % batchSize === 1 ? steps - 1 : steps;
}

/** metrics.jsonl: one JSON line per finished epoch. */
const metricsText = (history: readonly EpochRecord[]): Uint8Array => new TextEncoder().encode(history.map((r) => JSON.stringify(r) + '\n').join(''));

export const fmtTime = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${Math.floor(s / 60)} min ${Math.round(s % 60)} s` : `${Math.round(s)} s`);

/** Loss and predictions over a set in eval mode (batches of `batchSize`). */
export async function evaluate(model: OAENet, cache: FaceCache, indices: readonly number[], opts: Pick<LoopSettings, 'batchSize' | 'imageSize'>): Promise<Metrics & { loss: number; logits: Float32Array }> {
  model.eval();
  const logits = new Float32Array(indices.length * CLASS_NAMES.length);
  let lossSum = 0;
  const chunks = Array.from({ length: Math.ceil(indices.length / opts.batchSize) }, (_, k) => indices.slice(k * opts.batchSize, (k + 1) * opts.batchSize));
  const ahead = new ReadAhead(cache, chunks);
  for (const [k, chunk] of chunks.entries()) {
    const at = k * opts.batchSize;
    const faces = await ahead.next();
    const [out, loss] = noGrad(() =>
      scope(() => {
        const b = faceBatchOf(faces, opts.imageSize, null);
        const { logits } = model.forward(b.image, b.attn);
        return [logits, oaenetObjective.crossEntropyOnly(logits, b.labels)];
      }),
    );
    const [o, l] = await Tensor.readAll([out, loss]);
    logits.set(o!, at * CLASS_NAMES.length);
    lossSum += l![0]! * chunk.length;
    out.dispose();
    loss.dispose();
  }
  const labels = indices.map((i) => cache.samples[i]!.label);
  return { ...classificationMetrics(argmaxRows(logits, CLASS_NAMES.length), labels, CLASS_NAMES.length), loss: lossSum / indices.length, logits };
}

export async function trainLoop(opts: TrainLoopOptions): Promise<'done' | 'stopped'> {
  const { model, opt, plateau, state, cache, split, progress, stopRequested } = opts;
  if (split.train.length < 2) throw new UserError(`the training split has ${split.train.length} face(s): batch norm needs two or more; hold out fewer subjects or use more data`);
  const steps = stepsPerEpoch(split.train.length, opts.batchSize);
  const metricsFile = join(opts.out, 'metrics.jsonl');
  const lastPath = lastCheckpointPath(opts.out);
  let stepsThisRun = 0;
  let imagesThisRun = 0;
  const t0 = performance.now();
  const files = new WriteBehind();
  /** The run as it stands; metrics.jsonl follows the checkpoint, so that both hold the same epochs. */
  const save = async (): Promise<void> => {
    state.lr = opt.lr;
    state.plateau = { ...plateau.state };
    await files.write(lastPath, await trainStateBytes(model, opt, state));
    await files.write(metricsFile, metricsText(state.history));
  };

  // Each step's loss and predictions are read back while the next step runs: the copy is queued
  // behind its step, and the host waits for it only after queueing the next one, so the GPU does not
  // idle while the host encodes. At most one step is ahead of the host's bookkeeping.
  let previous: Promise<void> = Promise.resolve();
  const tally = (step: number, chunk: number[], l: number, logits: Float32Array): void => {
    if (!Number.isFinite(l)) throw new UserError(`the loss became ${l} at epoch ${state.epoch}, step ${step + 1}; lower --lr`);
    const predicted = argmaxRows(logits, CLASS_NAMES.length);
    state.partial.loss += l * chunk.length;
    state.partial.hits += chunk.filter((i, k) => cache.samples[i]!.label === predicted[k]).length;
    state.partial.count += chunk.length;
    imagesThisRun += chunk.length;
    const elapsed = (performance.now() - t0) / 1000;
    const done = (state.epoch - 1) * steps + step + 1;
    const remaining = opts.epochs * steps - done;
    progress.status(
      `epoch ${state.epoch}/${opts.epochs}  step ${step + 1}/${steps}  ` +
        `loss ${(state.partial.loss / state.partial.count).toFixed(4)}  ` +
        `${(imagesThisRun / elapsed).toFixed(1)} img/s  ETA ${fmtTime((elapsed / stepsThisRun) * remaining)}`,
    );
  };

  // Without validation faces (an official split of train and test only, or --val-subjects 0) there is
  // nothing to choose or schedule by: the latest epoch's model is the one kept as best.
  const validated = split.val.length > 0;
  if (!validated) progress.line('no validation faces: best.safetensors is the latest epoch\'s model, and the learning rate stays as it is');
  if (state.history.length > 0) await files.write(metricsFile, metricsText(state.history)); // a kill may have cut it short
  while (state.epoch <= opts.epochs) {
    const order = shuffled(split.train, opts.seed * 7919 + state.epoch);
    const chunks = Array.from({ length: steps }, (_, k) => order.slice(k * opts.batchSize, k === steps - 1 ? order.length : (k + 1) * opts.batchSize));
    const ahead = new ReadAhead(cache, chunks.slice(state.step));
    model.train();
    for (; state.step < steps; state.step++) {
      files.throwFailure(); // a failed save stops the run now, not an epoch later
      if (stopRequested() || (opts.maxSteps !== undefined && stepsThisRun >= opts.maxSteps)) {
        await previous;
        await save();
        await files.drain();
        return 'stopped';
      }
      const chunk = chunks[state.step]!;
      const faces = await ahead.next();
      const rand = seededRandom((opts.seed * 1_000_003 + state.epoch * 10_007 + state.step) >>> 0);
      const [loss, logits] = scope(() => {
        const b = faceBatchOf(faces, opts.imageSize, rand);
        const out = model.forward(b.image, b.attn);
        return [oaenetObjective.total(out, b.labels, b.mask, opts.weights), out.logits];
      });
      backward(loss);
      opt.step();
      opt.zeroGrad();
      stepsThisRun++;
      const read = Tensor.readAll([loss, logits]);
      loss.dispose();
      logits.dispose();
      const step = state.step;
      const done = previous.then(() => read).then(([l, p]) => tally(step, chunk, l![0]!, p as Float32Array));
      done.catch(() => undefined); // handled where it is awaited, one step later
      await previous;
      previous = done;
    }
    await previous;
    files.throwFailure();
    const val = await evaluate(model, cache, split.val, opts);
    const record: EpochRecord = {
      epoch: state.epoch,
      trainLoss: state.partial.loss / state.partial.count,
      trainAccuracy: state.partial.hits / state.partial.count,
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      lr: opt.lr,
      valRecall: val.recall,
      valConfusion: val.confusion,
    };
    state.history.push(record);
    const reduced = validated && plateau.step(val.loss);
    let note = reduced ? `  lr → ${opt.lr.toExponential(1)}` : '';
    if (!validated || val.accuracy > state.bestValAccuracy) {
      if (validated) state.bestValAccuracy = val.accuracy;
      const meta = { epoch: String(state.epoch), val_accuracy: String(val.accuracy), image_size: String(opts.imageSize) };
      await files.write(join(opts.out, 'best.safetensors'), await checkpointBytes(model, meta));
      if (validated) {
        await confusionPng(join(opts.out, 'confusion_val_best.png'), val.confusion, CLASS_NAMES, `validation, epoch ${state.epoch} (best)`);
        note += '  (best so far: best.safetensors)';
      }
    }
    progress.line(
      `epoch ${state.epoch}/${opts.epochs}: train loss ${record.trainLoss.toFixed(4)} acc ${(100 * record.trainAccuracy).toFixed(1)}%  ` +
        (validated ? `val loss ${val.loss.toFixed(4)} acc ${(100 * val.accuracy).toFixed(1)}%${note}` : 'no validation'),
    );
    state.epoch++;
    state.step = 0;
    state.partial = { loss: 0, hits: 0, count: 0 };
    await save();
  }
  await files.drain();
  await plotHistory(state, opts.out);
  return 'done';
}

export async function plotHistory(state: LoopState, out: string): Promise<void> {
  const h = state.history;
  await curvesPng(join(out, 'curves.png'), [
    { title: 'loss', series: [
      { name: 'train', values: h.map((r) => r.trainLoss), color: '#1f77b4' },
      { name: 'validation (CE)', values: h.map((r) => r.valLoss), color: '#d62728' },
    ] },
    { title: 'accuracy', series: [
      { name: 'train', values: h.map((r) => r.trainAccuracy), color: '#1f77b4' },
      { name: 'validation', values: h.map((r) => r.valAccuracy), color: '#2ca02c' },
    ] },
  ]);
}

