// Which faces train, validate and test in one fold. Data with subject ids (CK+) is split by subject:
// the fold of k, or the named held-out subjects, with some training subjects moved to validation;
// other datasets use their official split.

import type { FaceCache } from '../../data/cache.js';
import { splitSamples, type SplitIndices } from '../../data/splits.js';
import { UserError } from '../../errors.js';
import type { SplitPolicy } from './config.js';

const hasSubjects = (cache: FaceCache): boolean => cache.samples.some((s) => s.subject !== null);

/** The split of `fold`; `source` (the cache file) names the data in errors. */
export function foldSplit(cache: FaceCache, source: string, policy: SplitPolicy, fold: number): SplitIndices {
  const { folds, holdout, seed } = policy;
  const subjects = new Set(cache.samples.map((s) => s.subject)).size;
  const trainSubjects = holdout ? subjects - holdout.length : subjects - Math.ceil(subjects / folds);
  const valSubjects = policy.valSubjects ?? Math.max(1, Math.round(0.12 * trainSubjects));
  return splitSamples(cache.samples, !hasSubjects(cache) ? {} : holdout ? { testSubjects: holdout, valSubjects, seed } : { folds, fold, valSubjects, seed }, source);
}

/** Cross-validation deals subjects into folds, so it needs data with subject ids. */
export function checkCrossValidation(cache: FaceCache, dataset: string): void {
  if (!hasSubjects(cache)) throw new UserError(`--cross-validate needs subject ids (CK+); ${dataset} has its own split: train without it`);
}
