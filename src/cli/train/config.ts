// The training command's flags and the run config read from them, checked once, before any work.

import { join, resolve } from 'node:path';
import { defaultCachePath } from '../../data/cache.js';
import { DATASET_NAMES, readOptions, type ReadOptions } from '../../data/datasets/index.js';
import { dataDirFor, detectDataset } from '../../data/datasets/detect.js';
import { LABEL_ORDER_HELP } from '../../data/labels.js';
import { DEFAULT_FOLDS, DEFAULT_VAL_FRACTION } from '../../data/splits.js';
import { UserError } from '../../errors.js';
import type { LoopSettings } from '../../training/loop.js';
import type { Flags, FlagTable } from '../flags.js';
import { checkSplitFlags, type SplitPolicy } from './split_policy.js';

export const TRAIN_FLAGS = {
  dataset: { type: 'string', help: `dataset format: ${DATASET_NAMES.join(', ')} (default: told from the layout of --data-dir; synthetic without one)`, choices: DATASET_NAMES },
  'data-dir': { type: 'string', help: 'dataset folder (or list/CSV file); default data/<dataset> under the current folder, e.g. data/ckplus; not needed for synthetic' },
  'label-order': { type: 'string', help: LABEL_ORDER_HELP },
  epochs: { type: 'int', help: 'epochs', default: 50, range: { min: 1 } },
  'batch-size': { type: 'int', help: 'images per step', default: 60, range: { min: 2 } },
  lr: { type: 'number', help: 'SGD learning rate', default: 1e-2, range: { above: 0 } },
  momentum: { type: 'number', help: 'SGD momentum', default: 0.9, range: { min: 0, below: 1 } },
  'image-size': { type: 'int', help: 'network input side (multiple of 16; the mask is computed at 224 and resized)', default: 224 },
  out: { type: 'string', help: 'run folder (checkpoints, metrics.jsonl, plots)' },
  resume: { type: 'bool', help: 'continue the run in --out where it stopped' },
  seed: { type: 'int', help: 'seed of initialisation, split, shuffling and augmentation', default: 0 },
  folds: { type: 'int', help: 'k-fold of data without an official test split (by subject where it has subject ids, else class-stratified faces): number of folds', default: DEFAULT_FOLDS, range: { min: 2 } },
  fold: { type: 'int', help: 'k-fold: the held-out test fold', default: 0, range: { min: 0 } },
  'cross-validate': { type: 'bool', help: 'train every fold in turn (<out>/fold-<i>), then report the mean test accuracy and the pooled confusion matrix' },
  'holdout-subjects': { type: 'string', help: 'comma-separated test subjects (e.g. S010,S011) instead of folds' },
  'val-subjects': { type: 'int', help: 'data with subject ids: training subjects moved to validation (checkpoint selection; default: --val-fraction of them, at least 1)', range: { min: 0 } },
  'val-fraction': { type: 'number', help: `share of the training subjects (or faces, where there are no subject ids) held out for validation, class-stratified, unless the data has its own validation split (default ${DEFAULT_VAL_FRACTION})` },
  'island-weight': { type: 'number', help: 'weight of the island loss', default: 0.1, range: { min: 0 } },
  'lovasz-weight': { type: 'number', help: 'weight of the Lovász-softmax segmentation loss', default: 1, range: { min: 0 } },
  cache: { type: 'string', help: 'preprocessed face cache folder (default: <out>/../cache-<dataset>-<data folder>-<hash>)' },
  strict: { type: 'bool', help: 'stop at the first image that cannot be used (unreadable, missing, no face, landmarks off the image) instead of leaving it out' },
  'max-steps': { type: 'int', help: 'stop (saving, resumable) after this many steps', range: { min: 1 } },
  'preprocess-only': { type: 'bool', help: 'build the face cache and stop (e.g. to carry it to a GPU host)' },
} satisfies FlagTable;

/** One training run of the command: the held-out fold and the run's folder. */
export interface FoldRun {
  fold: number;
  out: string;
}

export interface TrainConfig {
  dataset: string;
  /** Undefined: the preprocessed face cache must exist already (a GPU host may carry only that). */
  dataDir: string | undefined;
  /** How the dataset is read (a list file's label order). */
  read: ReadOptions;
  cachePath: string;
  /** The run folder; a cross-validation's folds are runs in its fold-<i> folders. */
  out: string;
  resume: boolean;
  preprocessOnly: boolean;
  /** Stop the cache build at the first unusable image (--strict). */
  strict: boolean;
  crossValidate: boolean;
  runs: FoldRun[];
  split: SplitPolicy;
  sgd: { lr: number; momentum: number };
  /** Every run's loop settings but its folder. */
  loop: Omit<LoopSettings, 'out'>;
}

export function trainConfig(f: Flags<typeof TRAIN_FLAGS>): TrainConfig {
  const dataset = f.dataset ?? (f['data-dir'] === undefined ? 'synthetic' : detectDataset(f['data-dir']));
  if (f.dataset === undefined && f['data-dir'] !== undefined) console.log(`dataset: ${dataset}, told from the layout of ${f['data-dir']} (--dataset NAME chooses)`);
  const imageSize = f['image-size'];
  if (imageSize % 16 !== 0 || imageSize < 32 || imageSize > 224) throw new UserError(`--image-size ${imageSize}: use a multiple of 16 from 32 to 224`);
  const out = resolve(f.out ?? join('runs', dataset));
  const crossValidate = f['cross-validate'];
  if (crossValidate && (f['holdout-subjects'] !== undefined || f.fold !== 0)) throw new UserError('--cross-validate trains every fold: drop --fold and --holdout-subjects');
  // A data folder (given, or in its conventional place) names its own cache; without one, the dataset's single cache there.
  const cacheOf = (dir: string | undefined): string => resolve(f.cache ?? defaultCachePath(join(out, '..'), dataset, dir));
  const dataDir = dataDirFor(dataset, f['data-dir'], () => cacheOf(undefined));
  const cachePath = cacheOf(dataDir);
  const config: TrainConfig = {
    dataset,
    dataDir,
    read: readOptions(dataset, f['label-order']),
    cachePath,
    out,
    resume: f.resume,
    preprocessOnly: f['preprocess-only'],
    strict: f.strict,
    crossValidate,
    runs: crossValidate ? Array.from({ length: f.folds }, (_, i) => ({ fold: i, out: join(out, `fold-${i}`) })) : [{ fold: f.fold, out }],
    split: {
      folds: f.folds,
      holdout: f['holdout-subjects']?.split(',').map((s) => s.trim()).filter(Boolean),
      valSubjects: f['val-subjects'],
      valFraction: f['val-fraction'],
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
  checkSplitFlags(dataset, config.split, crossValidate);
  return config;
}
