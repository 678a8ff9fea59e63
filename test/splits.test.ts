// Splits of every kind of data: an official test split with validation carved out of training
// (RAF-DB), the official validation set as the test set (AffectNet), an official validation set kept
// (FER2013), class-stratified folds of faces without subject ids (list files), and subject folds whose
// validation subjects are chosen by class (CK+). Every split is seeded, covers each sample once, and
// never leaves validation empty.

import * as assert from 'uvu/assert';
import { test } from './harness.js';
import { CKPLUS } from './replicas.js';
import { readDataset, type SampleMeta } from '../src/data/datasets/index.js';
import { CLASS_NAMES } from '../src/data/labels.js';
import { describeSplit, splitSamples, stratifiedFolds, subjectsOf, type Split } from '../src/data/splits.js';
import { UserError } from '../src/errors.js';

/** `n[c]` samples of class c in `split`, named by index; subjects from `subject(i)` when given. */
function samples(perClass: readonly number[], split: SampleMeta['split'], subject?: (i: number) => string): SampleMeta[] {
  return perClass.flatMap((n, label) => Array.from({ length: n }, () => ({ source: '', label, subject: null as string | null, split }))).map((s, i) => ({ ...s, source: `f${i}`, subject: subject ? subject(i) : null }));
}

const count = (xs: readonly SampleMeta[], idx: readonly number[]): number[] => CLASS_NAMES.map((_, c) => idx.filter((i) => xs[i]!.label === c).length);
const sorted = (xs: readonly number[]): number[] => [...xs].sort((a, b) => a - b);

function assertPartition(xs: readonly SampleMeta[], sp: Split): void {
  assert.equal(sorted([...sp.train, ...sp.val, ...sp.test]), xs.map((_, i) => i), 'each sample on exactly one side');
  assert.ok(sp.train.length > 0 && sp.val.length > 0 && sp.test.length > 0, describeSplit(xs, sp));
}

function refused(fn: () => unknown, ...parts: string[]): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, UserError);
    for (const p of parts) assert.ok((e as Error).message.includes(p), `${(e as Error).message} lacks ${p}`);
    return;
  }
  assert.unreachable('no error');
}

test('RAF-DB-like (official train/test, no subjects): validation carved out of training, class-stratified and seeded', () => {
  const train = samples([300, 150, 100, 60, 40, 20, 10], 'train');
  const xs = [...train, ...samples([30, 20, 10, 10, 5, 5, 5], 'test')];
  const sp = splitSamples(xs, {}, 'raf');
  assertPartition(xs, sp);
  assert.equal(sp.test, xs.flatMap((s, i) => (s.split === 'test' ? [i] : [])), 'the official test split');
  assert.is(sp.val.length, Math.round(0.12 * train.length));
  // Each class in proportion: 12% of 300, 150, … rounded by largest remainder.
  assert.equal(count(xs, sp.val), [36, 18, 12, 7, 5, 3, 1]);
  assert.ok(sp.val.every((i) => xs[i]!.split === 'train'));
  assert.is(sp.how, 'test: the official test split; validation: 82 training faces, class-stratified (seed 0)');
  assert.equal(splitSamples(xs, { seed: 0 }, 'raf'), sp, 'seeded');
  assert.not.equal(splitSamples(xs, { seed: 1 }, 'raf').val, sp.val, 'another seed, other faces');
  assert.is(splitSamples(xs, { valFraction: 0.25 }, 'raf').val.length, Math.round(0.25 * train.length));
  refused(() => splitSamples(xs, { valSubjects: 3 }, 'raf'), 'raf:', 'no subject ids', '--val-fraction');
  refused(() => splitSamples(xs, { valFraction: 0 }, 'raf'), 'validation fraction 0 is not between 0 and 1');
  refused(() => splitSamples(xs, { testSubjects: ['P1'] }, 'raf'), 'its own test split', 'drop --holdout-subjects');
  // A tiny set still validates on one face, from a class that can spare it.
  const tiny = [...samples([1, 2], 'train'), ...samples([1], 'test')];
  assert.equal(splitSamples(tiny, {}, 't').val.map((i) => tiny[i]!.label), [1]);
});

test('AffectNet-like (official train/val, no test): the report is on validation, selection carved out of training', () => {
  const xs = [...samples([40, 40, 20, 20, 10, 10, 10], 'train'), ...samples([5, 5, 5, 5, 5, 5, 5], 'val')];
  const sp = splitSamples(xs, {}, 'an');
  assertPartition(xs, sp);
  assert.equal(sp.test, xs.flatMap((s, i) => (s.split === 'val' ? [i] : [])));
  assert.ok(sp.val.every((i) => xs[i]!.split === 'train'));
  assert.match(sp.how, /^test: the official validation split \(the data has no public test split\); validation: 18 training faces/);
});

test('FER2013-like (official train/val/test): its own validation split is kept, and overriding it is refused', () => {
  const xs = [...samples([5, 5], 'train'), ...samples([2, 2], 'val'), ...samples([3, 3], 'test')];
  const sp = splitSamples(xs, {}, 'fer');
  assert.equal([sp.train.length, sp.val.length, sp.test.length], [10, 4, 6]);
  assert.ok(sp.val.every((i) => xs[i]!.split === 'val'));
  refused(() => splitSamples(xs, { valFraction: 0.2 }, 'fer'), 'fer:', 'its own validation split', 'drop --val-fraction');
});

test('a list file without subjects: class-stratified folds of faces that partition the data, and a validation carve-out', () => {
  const xs = samples([23, 17, 9, 11, 5, 4, 6], null);
  const folds = stratifiedFolds(xs, xs.map((_, i) => i), 5, 7);
  assert.equal(sorted(folds.flat()), xs.map((_, i) => i), 'the folds partition the faces');
  for (let c = 0; c < CLASS_NAMES.length; c++) {
    const perFold = folds.map((f) => count(xs, f)[c]!);
    assert.ok(Math.max(...perFold) - Math.min(...perFold) <= 1, `class ${c} dealt evenly: ${perFold}`);
  }
  const sizes = folds.map((f) => f.length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
  for (let fold = 0; fold < 5; fold++) {
    const sp = splitSamples(xs, { folds: 5, fold, seed: 7 }, 'list');
    assertPartition(xs, sp);
    assert.equal(sp.test, folds[fold]);
    assert.match(sp.how, new RegExp(`^test: fold ${fold} of 5, faces dealt by class \\(seed 7; the data has no subject ids\\); validation: \\d+ training faces, class-stratified`));
  }
  refused(() => splitSamples(xs, { testSubjects: ['S005'] }, 'list'), 'no subject ids to hold out', '--folds k');
  refused(() => splitSamples(xs, { folds: 76 }, 'list'), '76 folds leave empty test splits: the data has 75 faces');
  refused(() => splitSamples(xs, { valSubjects: 2 }, 'list'), 'no subject ids', '--val-fraction');
});

test('CK+ subject folds: validation subjects chosen by class, every class validated in every fold, no subject on two sides', async () => {
  const s = (await readDataset('ckplus', CKPLUS)).samples;
  for (let fold = 0; fold < 5; fold++) {
    const sp = splitSamples(s, { folds: 5, fold }, 'ck');
    assertPartition(s, sp);
    const sides = new Map<string, Set<string>>();
    for (const k of ['train', 'val', 'test'] as const) for (const i of sp[k]) sides.set(s[i]!.subject!, (sides.get(s[i]!.subject!) ?? new Set()).add(k));
    for (const [subject, on] of sides) assert.is(on.size, 1, `${subject} on ${[...on]}`);
    const trainSubjects = subjectsOf(s, [...sp.train, ...sp.val]).length;
    assert.is(subjectsOf(s, sp.val).length, Math.round(0.12 * trainSubjects));
    // Sad (18 faces) and fear (20) are rare: picked by class, validation still holds each of the 7.
    assert.ok(count(s, sp.val).every((n) => n > 0), `fold ${fold}: validation classes ${count(s, sp.val)}`);
    assert.match(sp.how, new RegExp(`^test: fold ${fold} of 5 by subject \\(seed 0\\); validation: \\d+ training subjects, class-stratified \\(seed 0\\)$`));
  }
  assert.match(describeSplit(s, splitSamples(s, {}, 'ck')), /^train \d+ \(\d+ subjects\), val \d+ \(9 subjects\), test \d+ \(19 subjects\)\n {2}test: fold 0/);
});

test.run();
