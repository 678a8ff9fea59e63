// Train / validation / test partitions as sample indices; works on dataset samples and on cache rows
// alike (both are SampleMeta).
// - Test: a dataset's official test split where it has one; its official validation split where that is
//   all it holds out (AffectNet, whose test set is not public: papers report on validation); otherwise
//   one of k seeded folds, dealt by subject where the samples have subject ids (so that no person is on
//   both sides: a face seen in training would inflate the score) and by class-stratified faces where
//   they have none; or named held-out subjects.
// - Validation (checkpoint selection): the official validation split where it is distinct from the test
//   set (FER2013's PublicTest), otherwise carved out of the training part, seeded and stratified by
//   class: whole subjects where there are subjects, faces where there are none. Never empty, since an
//   empty one would select no checkpoint.

import { shuffled } from '../nn/init.js';
import type { SampleMeta } from './datasets/common.js';
import { userError } from '../errors.js';
import { NUM_CLASSES } from './labels.js';

export const DEFAULT_FOLDS = 5;
export const DEFAULT_VAL_FRACTION = 0.12;

export interface SplitOptions {
  /** k of the k-fold split of data without an official one (default DEFAULT_FOLDS). */
  folds?: number;
  /** The fold held out as the test set, 0 ≤ fold < folds (default 0). */
  fold?: number;
  /** Or the held-out subjects themselves (e.g. ["S005", "S010"]). */
  testSubjects?: readonly string[];
  /** Data with subject ids: this many training subjects form the validation set. */
  valSubjects?: number;
  /** Or this share of the training subjects (data with subject ids) or faces (without); default DEFAULT_VAL_FRACTION. */
  valFraction?: number;
  /** Default 0. */
  seed?: number;
}

export interface SplitIndices {
  train: number[];
  val: number[];
  test: number[];
}

export interface Split extends SplitIndices {
  /** How the test and validation sets were chosen, for the log. */
  how: string;
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

/** `folds` disjoint groups of the indices, each class dealt evenly over them (seeded), sizes differing by at most one. */
export function stratifiedFolds(samples: readonly SampleMeta[], indices: readonly number[], folds: number, seed = 0): number[][] {
  const groups: number[][] = Array.from({ length: folds }, () => []);
  byClass(samples, indices).flatMap((members) => shuffled(members, seed)).forEach((i, k) => groups[k % folds]!.push(i));
  return groups.map((g) => g.sort((a, b) => a - b));
}

/**
 * Splits `samples` as the header says; `source` (the dataset or cache path) names the data in errors,
 * which name the flags of train.js and evaluate.js that fix them.
 */
export function splitSamples(samples: readonly SampleMeta[], opts: SplitOptions, source: string): Split {
  const seed = opts.seed ?? 0;
  const held = samples.some((s) => s.split !== null) ? officialTest(samples, opts, source) : foldTest(samples, opts, source, seed);
  let val: number[], valHow: string;
  if (held.officialVal.length > 0) {
    if (opts.valSubjects !== undefined || opts.valFraction !== undefined) throw userError(source, 'the dataset has its own validation split', 'drop --val-fraction and --val-subjects');
    [val, valHow] = [held.officialVal, 'the official validation split'];
  } else [val, valHow] = carveValidation(samples, held.pool, opts, source, seed);
  const inVal = new Set(val);
  const train = held.pool.filter((i) => !inVal.has(i));
  if (train.length === 0) throw userError(source, 'the training split is empty', 'hold out fewer subjects or fewer validation subjects');
  return { train, val, test: held.test, how: `test: ${held.how}; validation: ${valHow}` };
}

interface HeldOut {
  test: number[];
  /** What training and a carved validation set share. */
  pool: number[];
  officialVal: number[];
  how: string;
}

function officialTest(samples: readonly SampleMeta[], opts: SplitOptions, source: string): HeldOut {
  if (opts.testSubjects !== undefined) throw userError(source, 'the dataset has its own test split', 'drop --holdout-subjects');
  const part = (k: SampleMeta['split']): number[] => samples.flatMap((s, i) => (s.split === k ? [i] : []));
  const [train, val, test] = [part('train'), part('val'), part('test')];
  if (test.length > 0) return { test, pool: train, officialVal: val, how: 'the official test split' };
  if (val.length > 0) return { test: val, pool: train, officialVal: [], how: 'the official validation split (the data has no public test split)' };
  throw userError(source, 'the official split holds out no samples (no validation or test lines)', 'use the complete dataset files');
}

function foldTest(samples: readonly SampleMeta[], opts: SplitOptions, source: string, seed: number): HeldOut {
  const named = samples.filter((s) => s.subject !== null).length;
  if (named > 0 && named < samples.length) {
    throw userError(source, `${samples.length - named} of ${samples.length} samples have no subject id`, 'give every sample a subject (a list file\'s third column), or none: faces are then dealt into class-stratified folds');
  }
  const all = samples.map((_, i) => i);
  const subjects = subjectsOf(samples);
  let test: number[], how: string;
  if (opts.testSubjects !== undefined) {
    if (named === 0) throw userError(source, 'the samples have no subject ids to hold out', 'drop --holdout-subjects: faces are then dealt into class-stratified folds (--folds k --fold i)');
    if (opts.folds !== undefined) throw userError(source, 'both folds and held-out subjects were given', 'pass one of them');
    const unknown = opts.testSubjects.filter((s) => !subjects.includes(s));
    if (unknown.length > 0) throw userError(source, `held-out subjects ${unknown.join(', ')} are not in the data`, `choose among ${subjects.slice(0, 8).join(', ')}${subjects.length > 8 ? ', …' : ''}`);
    if (opts.testSubjects.length === 0) throw userError(source, 'the held-out subject list is empty', 'name at least one subject');
    const held = new Set(opts.testSubjects);
    test = all.filter((i) => held.has(samples[i]!.subject!));
    how = `held-out subjects ${[...held].join(', ')}`;
  } else {
    const k = opts.folds ?? DEFAULT_FOLDS, fold = opts.fold ?? 0;
    if (!Number.isInteger(k) || k < 2) throw userError(source, `folds ${k} is not an integer ≥ 2`, 'pass --folds 2 or more');
    if (!Number.isInteger(fold) || fold < 0 || fold >= k) throw userError(source, `fold ${fold} is not in 0…${k - 1}`, `pass a --fold below ${k}`);
    if (named > 0) {
      if (k > subjects.length) throw userError(source, `${k} folds leave empty test splits: the data has ${subjects.length} subjects`, `pass --folds ${subjects.length} or fewer`);
      const held = new Set(subjectFolds(subjects, k, seed)[fold]);
      test = all.filter((i) => held.has(samples[i]!.subject!));
      how = `fold ${fold} of ${k} by subject (seed ${seed})`;
    } else {
      if (k > samples.length) throw userError(source, `${k} folds leave empty test splits: the data has ${samples.length} faces`, `pass --folds ${samples.length} or fewer`);
      test = stratifiedFolds(samples, all, k, seed)[fold]!;
      how = `fold ${fold} of ${k}, faces dealt by class (seed ${seed}; the data has no subject ids)`;
    }
  }
  const held = new Set(test);
  const pool = all.filter((i) => !held.has(i));
  if (pool.length === 0) throw userError(source, 'the training split is empty: every subject is held out', 'hold out fewer subjects');
  return { test, pool, officialVal: [], how };
}

/** The validation part of `pool` and how it was chosen. */
function carveValidation(samples: readonly SampleMeta[], pool: readonly number[], opts: SplitOptions, source: string, seed: number): [number[], string] {
  if (opts.valSubjects !== undefined && opts.valFraction !== undefined) throw userError(source, 'both a validation subject count and a validation fraction were given', 'pass one of --val-subjects and --val-fraction');
  if (opts.valSubjects === 0) return [[], 'none asked for (--val-subjects 0): the last epoch\'s model is kept as best'];
  const fraction = opts.valFraction ?? DEFAULT_VAL_FRACTION;
  if (!(fraction > 0 && fraction < 1)) throw userError(source, `validation fraction ${fraction} is not between 0 and 1`, `pass --val-fraction ${DEFAULT_VAL_FRACTION} or another share`);
  if (pool.some((i) => samples[i]!.subject === null)) {
    if (opts.valSubjects !== undefined) throw userError(source, 'the samples have no subject ids to choose validation subjects from', `pass --val-fraction instead (the share of training faces held out, default ${DEFAULT_VAL_FRACTION})`);
    const groups = byClass(samples, pool);
    const counts = stratifiedCounts(groups.map((g) => g.length), Math.max(1, Math.round(fraction * pool.length)));
    const val = groups.flatMap((g, c) => shuffled(g, seed + 1).slice(0, counts[c])).sort((a, b) => a - b);
    if (val.length === 0) throw userError(source, `${pool.length} training faces are too few to hold some out for validation`, 'add faces: a class needs two or more to spare one');
    return [val, `${val.length} training faces, class-stratified (seed ${seed})`];
  }
  const subjects = subjectsOf(samples, pool);
  if (subjects.length < 2) throw userError(source, `the training part has ${subjects.length} subject, none to spare for validation`, 'hold out fewer subjects (fewer --folds, or a shorter --holdout-subjects)');
  const n = opts.valSubjects ?? Math.max(1, Math.round(fraction * subjects.length));
  if (!Number.isInteger(n) || n < 1 || n >= subjects.length) {
    throw userError(source, `${n} validation subjects out of ${subjects.length} training subjects leaves an empty split`, `pass a validation subject count from 1 to ${subjects.length - 1} (or 0 for no validation)`);
  }
  const chosen = stratifiedSubjects(samples, pool, subjects, n, seed + 1);
  return [pool.filter((i) => chosen.has(samples[i]!.subject!)), `${n} training subjects, class-stratified (seed ${seed})`];
}

/** The indices of each class, in class order. */
function byClass(samples: readonly SampleMeta[], indices: readonly number[]): number[][] {
  const groups: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  for (const i of indices) groups[samples[i]!.label]!.push(i);
  return groups;
}

/**
 * How many of each class to take so that `total` are taken in the classes' proportions (largest
 * remainders round up), leaving every class at least one.
 */
function stratifiedCounts(counts: readonly number[], total: number): number[] {
  const n = counts.reduce((a, b) => a + b, 0);
  const room = counts.map((c) => Math.max(0, c - 1));
  const quota = counts.map((c) => (c * total) / n);
  const out = quota.map((q, c) => Math.min(room[c]!, Math.floor(q)));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = counts.map((_, c) => c).filter((c) => out[c]! < room[c]!).sort((a, b) => quota[b]! - out[b]! - (quota[a]! - out[a]!) || a - b);
  for (const c of order) {
    if (left-- <= 0) break;
    out[c]!++;
  }
  return out;
}

/**
 * `n` subjects whose faces together come closest to the pool's class proportions: picked one at a
 * time, each the subject that brings the per-class counts nearest their targets (a chi-square-like
 * distance), ties going to the earlier in a seeded shuffle.
 */
function stratifiedSubjects(samples: readonly SampleMeta[], pool: readonly number[], subjects: readonly string[], n: number, seed: number): Set<string> {
  const counts = new Map(subjects.map((s) => [s, new Array<number>(NUM_CLASSES).fill(0)]));
  const total = new Array<number>(NUM_CLASSES).fill(0);
  for (const i of pool) {
    const { subject, label } = samples[i]!;
    counts.get(subject!)![label]!++;
    total[label]!++;
  }
  const target = total.map((t) => (t * n) / subjects.length);
  const have = new Array<number>(NUM_CLASSES).fill(0);
  const distance = (add: readonly number[]): number => target.reduce((d, t, c) => d + (have[c]! + add[c]! - t) ** 2 / (t + 1), 0);
  const left = shuffled(subjects, seed);
  const chosen = new Set<string>();
  while (chosen.size < n) {
    let best = 0, nearest = Infinity;
    left.forEach((s, j) => {
      const d = distance(counts.get(s)!);
      if (d < nearest) [best, nearest] = [j, d];
    });
    const [s] = left.splice(best, 1);
    counts.get(s!)!.forEach((v, c) => (have[c]! += v));
    chosen.add(s!);
  }
  return chosen;
}

/** "train 412 (80 subjects), val 56 (9 subjects), test 72 (14 subjects)" and how they were chosen, for logs. */
export function describeSplit(samples: readonly SampleMeta[], split: SplitIndices & { how?: string }): string {
  const counts = (['train', 'val', 'test'] as const)
    .map((k) => {
      const n = subjectsOf(samples, split[k]).length;
      return `${k} ${split[k].length}${n > 0 ? ` (${n} subjects)` : ''}`;
    })
    .join(', ');
  return split.how ? `${counts}\n  ${split.how}` : counts;
}
