// The training command's flags and the run config read from them, checked once, before any work.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATASET_NAMES } from '../../data/datasets/index.js';
import { UserError } from '../../errors.js';
import type { LoopSettings } from '../../training/loop.js';
import type { Flags, FlagTable } from '../flags.js';

export const TRAIN_FLAGS = {
  dataset: { type: 'string', help: `dataset format: ${DATASET_NAMES.join(', ')}`, default: 'synthetic', choices: DATASET_NAMES },
  'data-dir': { type: 'string', help: 'dataset folder (or list/CSV file); not needed for synthetic' },
  epochs: { type: 'int', help: 'epochs', default: 50, range: { min: 1 } },
  'batch-size': { type: 'int', help: 'images per step', default: 60, range: { min: 2 } },
  lr: { type: 'number', help: 'SGD learning rate', default: 1e-2, range: { above: 0 } },
  momentum: { type: 'number', help: 'SGD momentum', default: 0.9, range: { min: 0, below: 1 } },
  'image-size': { type: 'int', help: 'network input side (multiple of 16; the mask is computed at 224 and resized)', default: 224 },
  out: { type: 'string', help: 'run folder (checkpoints, metrics.jsonl, plots)' },
  resume: { type: 'bool', help: 'continue the run in --out where it stopped' },
  seed: { type: 'int', help: 'seed of initialisation, split, shuffling and augmentation', default: 0 },
  folds: { type: 'int', help: 'subject k-fold: number of folds', default: 5, range: { min: 2 } },
  fold: { type: 'int', help: 'subject k-fold: the held-out test fold', default: 0, range: { min: 0 } },
  'cross-validate': { type: 'bool', help: 'train every fold in turn (<out>/fold-<i>), then report the mean test accuracy and the pooled confusion matrix' },
  'holdout-subjects': { type: 'string', help: 'comma-separated test subjects (e.g. S010,S011) instead of folds' },
  'val-subjects': { type: 'int', help: 'training subjects moved to validation (checkpoint selection; default: 12% of them, at least 1)', range: { min: 0 } },
  'island-weight': { type: 'number', help: 'weight of the island loss', default: 0.1, range: { min: 0 } },
  'lovasz-weight': { type: 'number', help: 'weight of the Lovász-softmax segmentation loss', default: 1, range: { min: 0 } },
  cache: { type: 'string', help: 'preprocessed face cache file (default: <out>/../cache-<dataset>.safetensors)' },
  'max-steps': { type: 'int', help: 'stop (saving, resumable) after this many steps', range: { min: 1 } },
  'preprocess-only': { type: 'bool', help: 'build the face cache and stop (e.g. to carry it to a GPU host)' },
} satisfies FlagTable;

/** How faces are split when the data has subject ids (otherwise the dataset's official split holds). */
export interface SplitPolicy {
  /** Subject k-fold: the number of folds. */
  folds: number;
  /** The held-out test subjects, instead of a fold. */
  holdout: string[] | undefined;
  /** Training subjects moved to validation; undefined: 12% of them, at least 1. */
  valSubjects: number | undefined;
  seed: number;
}

/** One training run of the command: the held-out fold and the run's folder. */
export interface FoldRun {
  fold: number;
  out: string;
}

export interface TrainConfig {
  dataset: string;
  /** Undefined: the preprocessed face cache must exist already (a GPU host may carry only that). */
  dataDir: string | undefined;
  cachePath: string;
  /** The run folder; a cross-validation's folds are runs in its fold-<i> folders. */
  out: string;
  resume: boolean;
  preprocessOnly: boolean;
  crossValidate: boolean;
  runs: FoldRun[];
  split: SplitPolicy;
  sgd: { lr: number; momentum: number };
  /** Every run's loop settings but its folder. */
  loop: Omit<LoopSettings, 'out'>;
}

export function trainConfig(f: Flags<typeof TRAIN_FLAGS>): TrainConfig {
  const dataset = f.dataset;
  const imageSize = f['image-size'];
  if (imageSize % 16 !== 0 || imageSize < 32 || imageSize > 224) throw new UserError(`--image-size ${imageSize}: use a multiple of 16 from 32 to 224`);
  const out = resolve(f.out ?? join('runs', dataset));
  const cachePath = resolve(f.cache ?? join(out, '..', `cache-${dataset}.safetensors`));
  if (f['data-dir'] === undefined && dataset !== 'synthetic' && !existsSync(cachePath)) {
    throw new UserError(`--data-dir is required for --dataset ${dataset} (or --cache naming a preprocessed face cache)`);
  }
  const crossValidate = f['cross-validate'];
  if (crossValidate && (f['holdout-subjects'] !== undefined || f.fold !== 0)) throw new UserError('--cross-validate trains every fold: drop --fold and --holdout-subjects');
  return {
    dataset,
    dataDir: f['data-dir'],
    cachePath,
    out,
    resume: f.resume,
    preprocessOnly: f['preprocess-only'],
    crossValidate,
    runs: crossValidate ? Array.from({ length: f.folds }, (_, i) => ({ fold: i, out: join(out, `fold-${i}`) })) : [{ fold: f.fold, out }],
    split: {
      folds: f.folds,
      holdout: f['holdout-subjects']?.split(',').map((s) => s.trim()).filter(Boolean),
      valSubjects: f['val-subjects'],
      seed: f.seed,
    },
    sgd: { lr: f.lr, momentum: f.momentum },
    loop: {
      epochs: f.epochs,
      batchSize: f['batch-size'],
      imageSize,
      seed: f.seed,
      weights: { island: f['island-weight'], lovasz: f['lovasz-weight'] },
      maxSteps: f['max-steps'],
    },
  };
}
