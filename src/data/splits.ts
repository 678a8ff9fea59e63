// Train / validation / test partitions as sample indices. CK+ (or any data with subject ids) is split
// by subject so that no person is on both sides (a face seen in training would inflate the test score): k folds dealt from a seeded shuffle of the
// subjects, or an explicit held-out list; a number of training subjects can be moved to validation
// for checkpoint selection. Other datasets use their official split. Works on dataset samples and on
// cache rows alike (both are SampleMeta).

import { shuffled } from '../nn/init.js';
import type { SampleMeta } from './datasets/common.js';
import { userError } from '../errors.js';

export interface SplitOptions {
  /** Subject k-fold: the subjects, shuffled with `seed`, are dealt into `folds` groups. */
  folds?: number;
  /** The fold held out as the test set, 0 ≤ fold < folds (default 0). */
  fold?: number;
  /** Or the held-out subjects themselves (e.g. ["S005", "S010"]). */
  testSubjects?: readonly string[];
  /** Subject splits only: this many training subjects (seeded) form the validation set. */
  valSubjects?: number;
  /** Default 0. */
  seed?: number;
}

export interface SplitIndices {
  train: number[];
  val: number[];
  test: number[];
}

/** The sorted distinct subjects of the samples. */
export function subjectsOf(samples: readonly SampleMeta[], indices?: readonly number[]): string[] {
  const set = new Set((indices ?? samples.map((_, i) => i)).map((i) => samples[i]!.subject).filter((s) => s !== null));
  return [...set].sort();
}

/** `folds` disjoint groups covering every subject, sizes differing by at most one. */
export function subjectFolds(subjects: readonly string[], folds: number, seed = 0): string[][] {
  const groups: string[][] = Array.from({ length: folds }, () => []);
  shuffled([...new Set(subjects)].sort(), seed).forEach((s, i) => groups[i % folds]!.push(s));
  return groups.map((g) => g.sort());
}

/**
 * Splits `samples`; `source` (the dataset or cache path) names the data in errors. With `folds` or
 * `testSubjects` by subject, otherwise by the samples' official split.
 */
export function splitSamples(samples: readonly SampleMeta[], opts: SplitOptions, source: string): SplitIndices {
  const bySubject = opts.folds !== undefined || opts.testSubjects !== undefined;
  const out = bySubject ? subjectSplit(samples, opts, source) : officialSplit(samples, opts, source);
  if (out.train.length === 0) throw userError(source, 'the training split is empty', 'hold out fewer subjects or fewer validation subjects');
  return out;
}

function subjectSplit(samples: readonly SampleMeta[], opts: SplitOptions, source: string): SplitIndices {
  const seed = opts.seed ?? 0;
  const unnamed = samples.filter((s) => s.subject === null).length;
  if (unnamed > 0) throw userError(source, `${unnamed} of ${samples.length} samples have no subject id`, 'use the official split, or give subjects in a list file\'s third column');
  const subjects = subjectsOf(samples);
  let test: Set<string>;
  if (opts.testSubjects !== undefined) {
    if (opts.folds !== undefined) throw userError(source, 'both folds and held-out subjects were given', 'pass one of them');
    const unknown = opts.testSubjects.filter((s) => !subjects.includes(s));
    if (unknown.length > 0) throw userError(source, `held-out subjects ${unknown.join(', ')} are not in the data`, `choose among ${subjects.slice(0, 8).join(', ')}${subjects.length > 8 ? ', …' : ''}`);
    if (opts.testSubjects.length === 0) throw userError(source, 'the held-out subject list is empty', 'name at least one subject');
    test = new Set(opts.testSubjects);
  } else {
    const k = opts.folds!, fold = opts.fold ?? 0;
    if (!Number.isInteger(k) || k < 2) throw userError(source, `folds ${k} is not an integer ≥ 2`, 'pass --folds 2 or more');
    if (!Number.isInteger(fold) || fold < 0 || fold >= k) throw userError(source, `fold ${fold} is not in 0…${k - 1}`, `pass a fold index below ${k}`);
    if (k > subjects.length) throw userError(source, `${k} folds leave empty test splits: the data has ${subjects.length} subjects`, `pass --folds ${subjects.length} or fewer`);
    test = new Set(subjectFolds(subjects, k, seed)[fold]);
  }
  const rest = subjects.filter((s) => !test.has(s));
  if (rest.length === 0) throw userError(source, 'the training split is empty: every subject is held out', 'hold out fewer subjects');
  const nVal = opts.valSubjects ?? 0;
  if (!Number.isInteger(nVal) || nVal < 0 || nVal >= rest.length) {
    throw userError(source, `${nVal} validation subjects out of ${rest.length} training subjects leaves an empty split`, `pass a validation subject count from 0 to ${rest.length - 1}`);
  }
  const val = new Set(shuffled(rest, seed + 1).slice(0, nVal));
  const out: SplitIndices = { train: [], val: [], test: [] };
  samples.forEach((s, i) => out[test.has(s.subject!) ? 'test' : val.has(s.subject!) ? 'val' : 'train'].push(i));
  return out;
}

function officialSplit(samples: readonly SampleMeta[], opts: SplitOptions, source: string): SplitIndices {
  if (opts.valSubjects) throw userError(source, 'validation subjects need a subject split', 'pass folds or held-out subjects too, or drop the validation subject count');
  if (samples.every((s) => s.split === null)) throw userError(source, 'the dataset has no official split', 'split it by subject: pass --folds k (and a fold index) or held-out subjects');
  const out: SplitIndices = { train: [], val: [], test: [] };
  samples.forEach((s, i) => {
    if (s.split !== null) out[s.split].push(i);
  });
  if (out.val.length + out.test.length === 0) throw userError(source, 'the official split holds out no samples (no validation or test lines)', 'use the complete dataset files');
  return out;
}

/** "train 412 (80 subjects), val 0, test 72 (14 subjects)" for logs. */
export function describeSplit(samples: readonly SampleMeta[], split: SplitIndices): string {
  return (['train', 'val', 'test'] as const)
    .map((k) => {
      const n = subjectsOf(samples, split[k]).length;
      return `${k} ${split[k].length}${n > 0 ? ` (${n} subjects)` : ''}`;
    })
    .join(', ');
}
