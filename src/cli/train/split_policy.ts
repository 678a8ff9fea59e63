// Which faces train, validate and test in one fold: train.js's split flags handed to splitSamples
// (src/data/splits.ts), which follows the data (an official split, subject folds, or class-stratified
// folds of faces). Flags that cannot apply to a dataset are refused up front, before its reading and
// preprocessing, which can take hours.

import type { FaceCache } from '../../data/cache.js';
import { OFFICIALLY_SPLIT } from '../../data/datasets/index.js';
import { DEFAULT_VAL_FRACTION, splitSamples, type Split } from '../../data/splits.js';
import { UserError } from '../../errors.js';

/** How train.js's flags ask for faces to be split (see SplitOptions). */
export interface SplitPolicy {
  /** k of the k-fold split of data without an official one. */
  folds: number;
  /** The held-out test subjects, instead of a fold. */
  holdout: string[] | undefined;
  /** Training subjects moved to validation; undefined: valFraction of them, at least 1. */
  valSubjects: number | undefined;
  /** Share of the training subjects or faces held out for validation; undefined: the default. */
  valFraction: number | undefined;
  seed: number;
}

/** The split of `fold`; `source` (the cache file) names the data in errors. */
export function foldSplit(cache: FaceCache, source: string, policy: SplitPolicy, fold: number): Split {
  const { folds, holdout, valSubjects, valFraction, seed } = policy;
  return splitSamples(cache.samples, holdout ? { testSubjects: holdout, valSubjects, valFraction, seed } : { folds, fold, valSubjects, valFraction, seed }, source);
}

/** Throws when a split flag cannot apply to `dataset`. */
export function checkSplitFlags(dataset: string, policy: SplitPolicy, crossValidate: boolean): void {
  const share = policy.valFraction;
  if (share !== undefined && !(share > 0 && share < 1)) throw new UserError(`--val-fraction ${share}: pass a share between 0 and 1 (default ${DEFAULT_VAL_FRACTION})`);
  if (!OFFICIALLY_SPLIT.has(dataset)) return;
  if (policy.valSubjects !== undefined) throw new UserError(`--val-subjects: ${dataset} has no subject ids; pass --val-fraction F instead (the share of training faces held out for validation, default ${DEFAULT_VAL_FRACTION})`);
  if (policy.holdout) throw new UserError(`--holdout-subjects: ${dataset} has no subject ids and its own test split; drop the flag`);
  if (crossValidate) throw new UserError(`--cross-validate deals folds, but ${dataset} has its own test split; train without the flag`);
}
