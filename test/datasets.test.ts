import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import sharp from 'sharp';
import { repoRoot } from './fixtures.js';
import { setupGpu, userErrorOf } from './util.js';
import { buildCache } from '../src/data/cache.js';
import { DATASET_NAMES, readDataset, type Dataset, type Sample } from '../src/data/datasets/index.js';
import { CLASS_NAMES, LABEL_MAPS, mapLabel } from '../src/data/labels.js';
import { DEFAULT_DETECT, detectorKey } from '../src/data/landmark_source.js';
import { splitSamples, subjectFolds, subjectsOf } from '../src/data/splits.js';

const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const ck = (rel: string): string => join(CKPLUS, rel);
const cls = (name: (typeof CLASS_NAMES)[number]): number => CLASS_NAMES.indexOf(name);

let tmp = '';
let ckplus: Dataset;

test.before(async () => {
  await setupGpu(); // samples without landmarks get them from the landmark nets
  tmp = await mkdtemp(join(tmpdir(), 'oaenet-datasets-'));
  ckplus = await readDataset('ckplus', CKPLUS);
});
test.after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes text files (creating folders) under a fresh temp folder; returns that folder. */
async function tree(name: string, files: Record<string, string>): Promise<string> {
  const root = join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), text);
  }
  await mkdir(root, { recursive: true });
  return root;
}

async function copyInto(root: string, pairs: [from: string, to: string][]): Promise<void> {
  for (const [from, to] of pairs) {
    await mkdir(dirname(join(root, to)), { recursive: true });
    await copyFile(from, join(root, to));
  }
}

const countBy = (samples: readonly Sample[], f: (s: Sample) => string): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of samples) out[f(s)] = (out[f(s)] ?? 0) + 1;
  return out;
};

// ---------------------------------------------------------------------------------------------
// Labels.

test('label maps send every dataset code to the 7-class order by name', () => {
  assert.equal([...CLASS_NAMES], ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'anger']);
  const map = (m: keyof typeof LABEL_MAPS, codes: string[]): (number | null)[] => codes.map((c) => mapLabel(LABEL_MAPS[m], c, 'x'));
  assert.equal(map('ckplus', ['0', '1', '2', '3', '4', '5', '6', '7']), [0, 6, null, 5, 4, 1, 2, 3]);
  assert.equal(map('ckplus', ['   3.0000000e+00', '7.0']), [5, 3]);
  assert.equal(map('ckFolders', ['anger', 'contempt', 'disgust', 'fear', 'happy', 'neutral', 'sadness', 'surprise']), [6, null, 5, 4, 1, 0, 2, 3]);
  assert.equal(map('rafdb', ['1', '2', '3', '4', '5', '6', '7']), [3, 4, 5, 1, 2, 6, 0]);
  assert.equal(map('affectnet', ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10']), [0, 1, 2, 3, 4, 5, 6, null, null, null, null]);
  assert.equal(map('fer2013', ['0', '1', '2', '3', '4', '5', '6']), [6, 5, 4, 1, 2, 3, 0]);
  assert.equal(map('list', ['0', '6']), [0, 6]);
});

test('an out-of-range code is a UserError naming the place and the valid codes', async () => {
  await userErrorOf(async () => mapLabel(LABEL_MAPS.rafdb, '8', 'list.txt:3'), 'list.txt:3', 'label "8" is out of range', '7 neutral');
  await userErrorOf(async () => mapLabel(LABEL_MAPS.list, '1.5', 'l:1'), 'l:1', '"1.5"');
});

// ---------------------------------------------------------------------------------------------
// CK+.

test('CK+ class folders: 484 images, per-class counts, 94 subjects, landmark files', () => {
  const s = ckplus.samples;
  assert.is(s.length, 484);
  assert.equal(countBy(s, (x) => CLASS_NAMES[x.label]!), { anger: 38, disgust: 43, fear: 20, happy: 52, neutral: 249, sad: 18, surprise: 64 });
  assert.is(subjectsOf(s).length, 94);
  for (const x of s) {
    assert.type(x.landmarks, 'string');
    assert.is(x.subject, /^(S\d+)_/.exec(basename(x.source))![1]);
    assert.is(x.split, null);
  }
});

test('CK+ class folders: every neutral first frame pairs with its sequence\'s peak-frame landmarks', () => {
  const neutral = ckplus.samples.filter((x) => x.label === cls('neutral'));
  assert.is(neutral.length, 249);
  for (const x of neutral) {
    const [, seq, frame] = /^(S\d+_\d+)_(\d+)\.png$/.exec(basename(x.source))!;
    assert.is(Number(frame), 1, x.source);
    const lm = x.landmarks as string;
    const m = /^(S\d+_\d+)_(\d+)_landmarks\.txt$/.exec(basename(lm));
    assert.ok(m && m[1] === seq && Number(m[2]) > 1, `${x.source} → ${lm}`);
    assert.is(dirname(lm), dirname(x.source));
    assert.ok(existsSync(lm));
  }
  // Expression frames keep their own file.
  for (const x of ckplus.samples.filter((y) => y.label !== cls('neutral'))) assert.is(x.landmarks, (x.source as string).replace(/\.png$/, '_landmarks.txt'));
});

test('CK+ official layout: peak frames labelled, first frames neutral, contempt dropped', async () => {
  const root = await tree('official', {
    'Emotion/S005/001/S005_001_00000011_emotion.txt': '   3.0000000e+00\n',
    'Emotion/S010/002/S010_002_00000014_emotion.txt': '   2.0000000e+00\n', // contempt: only its neutral frame stays
    'Emotion/S010/004/.keep': '', // an unlabelled sequence
  });
  await copyInto(root, [
    [ck('neutral/S005_001_00000001.png'), 'cohn-kanade-images/S005/001/S005_001_00000001.png'],
    [ck('disgust/S005_001_00000011.png'), 'cohn-kanade-images/S005/001/S005_001_00000011.png'],
    [ck('neutral/S005_001_00000011_landmarks.txt'), 'Landmarks/S005/001/S005_001_00000001_landmarks.txt'],
    [ck('disgust/S005_001_00000011_landmarks.txt'), 'Landmarks/S005/001/S005_001_00000011_landmarks.txt'],
    [ck('neutral/S010_002_00000001.png'), 'cohn-kanade-images/S010/002/S010_002_00000001.png'],
    [ck('surprise/S010_002_00000014.png'), 'cohn-kanade-images/S010/002/S010_002_00000014.png'],
    [ck('neutral/S010_002_00000014_landmarks.txt'), 'Landmarks/S010/002/S010_002_00000001_landmarks.txt'],
    [ck('surprise/S010_002_00000014_landmarks.txt'), 'Landmarks/S010/002/S010_002_00000014_landmarks.txt'],
    [ck('neutral/S010_004_00000001.png'), 'cohn-kanade-images/S010/004/S010_004_00000001.png'],
  ]);
  const ds = await readDataset('ckplus', root);
  const got = ds.samples.map((s) => [basename(s.source), CLASS_NAMES[s.label], s.subject, basename(s.landmarks as string)]);
  assert.equal(got, [
    ['S005_001_00000001.png', 'neutral', 'S005', 'S005_001_00000001_landmarks.txt'],
    ['S005_001_00000011.png', 'disgust', 'S005', 'S005_001_00000011_landmarks.txt'],
    ['S010_002_00000001.png', 'neutral', 'S010', 'S010_002_00000001_landmarks.txt'],
  ]);
  // End to end: the official layout builds a cache.
  const cache = await buildCache(ds, { size: 32 });
  assert.is(cache.count, 3);

  await rm(join(root, 'Landmarks/S005/001/S005_001_00000011_landmarks.txt'));
  await userErrorOf(() => readDataset('ckplus', root), 'S005_001_00000011_landmarks.txt', 'landmark file not found', 'Landmarks.zip');
});

test('CK+ class folders: an unknown folder, a missing landmark file', async () => {
  const root = await tree('ckfolders', {});
  await copyInto(root, [[ck('happy/S010_006_00000015.png'), 'happy/S010_006_00000015.png']]);
  await userErrorOf(() => readDataset('ckplus', root), 'happy/S010_006_00000015.png', 'no landmark file', 'beside the image');
  await mkdir(join(root, 'joy'));
  await userErrorOf(() => readDataset('ckplus', root), join(root, 'joy'), 'unknown class folder', 'anger, contempt, disgust');
});

// ---------------------------------------------------------------------------------------------
// The other formats (synthetic files).

test('unknown dataset names and missing folders', async () => {
  await userErrorOf(() => readDataset('ckplus2', CKPLUS), 'dataset "ckplus2"', DATASET_NAMES.join(', '));
  const nowhere = join(tmp, 'nowhere');
  for (const name of ['ckplus', 'ck48', 'rafdb', 'affectnet']) await userErrorOf(() => readDataset(name, nowhere), nowhere, 'folder not found');
  await userErrorOf(() => readDataset('fer2013', nowhere), nowhere, 'not found', 'pass the folder holding fer2013.csv');
  await userErrorOf(() => readDataset('list', join(tmp, 'nowhere.txt')), 'nowhere.txt', 'list file not found');
});

/** A 48×48 grey face crop of a CK+ frame, as CK+48 ships them. */
async function face48(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  await sharp(from).extract({ left: 190, top: 110, width: 310, height: 310 }).resize(48, 48).greyscale().png().toFile(to);
}

test('CK+48: class folders without landmarks, contempt dropped; cached with detected landmarks', async () => {
  const root = await tree('ck48', { 'contempt/S138_008_00000007.png': 'x', 'surprise/notes.txt': 'x' });
  await face48(ck('anger/S010_004_00000019.png'), join(root, 'anger/S010_004_00000017.png'));
  await face48(ck('surprise/S011_001_00000016.png'), join(root, 'surprise/S011_001_00000016.png'));
  const ds = await readDataset('ck48', root);
  assert.equal(ds.samples.map((s) => [CLASS_NAMES[s.label], s.subject, s.landmarks]), [['anger', 'S010', null], ['surprise', 'S011', null]]);
  const cache = await buildCache(ds, { size: 32 });
  assert.is(cache.count, 2);
  assert.is(cache.key.detector, detectorKey(DEFAULT_DETECT));
});

test('RAF-DB basic: labels, train_/test_ split, no landmarks', async () => {
  const root = await tree('rafdb', {
    'EmoLabel/list_patition_label.txt': 'train_00001.jpg 5\ntrain_00002.jpg 7\r\ntest_0001.jpg 1\n\n',
    'Image/aligned/.keep': '',
  });
  const ds = await readDataset('rafdb', root);
  assert.equal(ds.samples.map((s) => [basename(s.source), CLASS_NAMES[s.label], s.split, s.landmarks]), [
    ['train_00001_aligned.jpg', 'sad', 'train', null],
    ['train_00002_aligned.jpg', 'neutral', 'train', null],
    ['test_0001_aligned.jpg', 'surprise', 'test', null],
  ]);
  // Two training faces of two classes: none to spare for a validation set, and that is said.
  await userErrorOf(async () => splitSamples(ds.samples, {}, root), root, '2 training faces are too few to hold some out for validation');
  // Landmarks are detected on the image itself, so a missing image is the first problem.
  await userErrorOf(() => buildCache(ds), join(root, 'Image/aligned/train_00001_aligned.jpg'), 'cannot decode the image');
  // With the images there (RAF-DB's aligned faces: 100×100 colour JPEGs), every face is cached in list order,
  // with detected landmarks inside the crop.
  const faces = { train_00001: 'sadness/S011_002_00000022.png', train_00002: 'neutral/S010_002_00000001.png', test_0001: 'surprise/S011_001_00000016.png' };
  for (const [stem, face] of Object.entries(faces)) {
    await sharp(ck(face)).extract({ left: 190, top: 110, width: 310, height: 310 }).resize(100, 100).jpeg().toFile(join(root, `Image/aligned/${stem}_aligned.jpg`));
  }
  const cache = await buildCache(await readDataset('rafdb', root), { size: 32 });
  assert.equal([cache.count, cache.skipped], [3, []]);
  assert.equal(cache.samples.map((s) => [s.source, CLASS_NAMES[s.label]]), [
    [join('Image/aligned/train_00001_aligned.jpg'), 'sad'], [join('Image/aligned/train_00002_aligned.jpg'), 'neutral'], [join('Image/aligned/test_0001_aligned.jpg'), 'surprise'],
  ]);
  assert.ok(cache.landmarks.every((v) => v >= 0 && v <= 32), 'landmarks inside the 32-pixel crop');
  await writeFile(join(root, 'EmoLabel/list_patition_label.txt'), 'train_00001.jpg 5\ntrain_00002.jpg 0\n');
  await userErrorOf(() => readDataset('rafdb', root), 'list_patition_label.txt:2', 'label "0" is out of range', '1 surprise');
});

const ferPixels = (v: number): string => Array.from({ length: 48 * 48 }, (_, i) => (v + i) % 256).join(' ');

test('FER2013: pixels, Usage splits, label map; bad labels and pixel rows', async () => {
  const root = await tree('fer', {
    'fer2013.csv': `emotion,pixels,Usage\n0,${ferPixels(0)},Training\n6,${ferPixels(7)},PublicTest\n3,${ferPixels(9)},PrivateTest\n`,
  });
  for (const path of [root, join(root, 'fer2013.csv')]) {
    const ds = await readDataset('fer2013', path);
    assert.equal(ds.samples.map((s) => [CLASS_NAMES[s.label], s.split, basename(s.source)]), [['anger', 'train', 'fer2013.csv:2'], ['neutral', 'val', 'fer2013.csv:3'], ['happy', 'test', 'fer2013.csv:4']]);
    const img = ds.samples[1]!.image;
    assert.ok(typeof img !== 'string' && img.width === 48 && img.data[0] === 7 && img.data[300] === (307 % 256));
    assert.equal(splitSamples(ds.samples, {}, path), { train: [0], val: [1], test: [2], how: 'test: the official test split; validation: the official validation split' });
  }
  // 48×48 crops: the landmark net sees the whole image as the face. On these patterns its landmarks give
  // no face crop, so none is a face; a real face (a CK+ crop) is, and the pattern beside it is left out.
  const patterns = await readDataset('fer2013', root);
  await userErrorOf(() => buildCache(patterns, { size: 32 }), `${join(root, 'fer2013.csv')}: no face found in any of its 3 images`);
  await face48(ck('happy/S010_006_00000015.png'), join(root, 'face.png'));
  const { data } = await sharp(join(root, 'face.png')).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  await writeFile(join(root, 'fer2013.csv'), `emotion,pixels,Usage\n3,${Array.from(data).join(' ')},Training\n0,${ferPixels(0)},Training\n`);
  const warnings: string[] = [];
  const cache = await buildCache(await readDataset('fer2013', root), { size: 32, warn: (l) => warnings.push(l) });
  assert.equal([cache.count, cache.skipped], [1, ['fer2013.csv:3']]);
  assert.is(cache.key.detector, detectorKey(DEFAULT_DETECT));
  assert.ok(warnings[0]!.includes(`${join(root, 'fer2013.csv')}:3: no face found`), warnings.join('\n'));
  const csv = join(root, 'fer2013.csv');
  await writeFile(csv, `emotion,pixels,Usage\n0,${ferPixels(0)},Training\n7,${ferPixels(0)},Training\n`);
  await userErrorOf(() => readDataset('fer2013', root), `${csv}:3`, 'label "7" is out of range', '6 neutral');
  await writeFile(csv, `emotion,pixels,Usage\n0,1 2 3,Training\n`);
  await userErrorOf(() => readDataset('fer2013', root), `${csv}:2`, '3 values, not 2304');
});

test('AffectNet: CSV landmarks inline, dropped codes, official train/val, end-to-end cache', async () => {
  const lmFile = ck('happy/S010_006_00000015_landmarks.txt');
  const pts = (await readFile(lmFile, 'utf8')).trim().split(/\s+/).map(Number);
  const header = 'subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal';
  const row = (file: string, expr: number, p = pts): string => `${file},0,0,640,490,${p.join(';')},${expr},0.5,0.1`;
  const root = await tree('affectnet', {
    'Manually_Annotated_file_lists/training.csv': `${header}\n${row('1/a.png', 1)}\n${row('1/b.png', 7)}\n${row('1/c.png', 10)}\n`,
    'Manually_Annotated_file_lists/validation.csv': `${header}\n"${'2/d.png'}",0,0,1,1,"${pts.join(';')}",6,0,0\n`,
  });
  await copyInto(root, [[ck('happy/S010_006_00000015.png'), 'Manually_Annotated_Images/1/a.png'], [ck('happy/S010_006_00000015.png'), 'Manually_Annotated_Images/2/d.png']]);
  const ds = await readDataset('affectnet', root);
  assert.equal(ds.samples.map((s) => [basename(s.source), CLASS_NAMES[s.label], s.split]), [['a.png', 'happy', 'train'], ['d.png', 'anger', 'val']]);
  assert.equal(ds.notes, [`${join(root, 'Manually_Annotated_file_lists/training.csv')}: 2 of 3 rows left out, their classes not among the 7: 1 contempt (7), 1 not a face (10)`]);
  assert.equal(Array.from(ds.samples[0]!.landmarks as Float64Array), pts);
  const cache = await buildCache(ds, { size: 32 });
  assert.equal(cache.samples.map((s) => s.source), ['Manually_Annotated_Images/1/a.png', 'Manually_Annotated_Images/2/d.png']);

  const train = join(root, 'Manually_Annotated_file_lists/training.csv');
  await writeFile(train, `${header}\n${row('1/a.png', 11)}\n`);
  await userErrorOf(() => readDataset('affectnet', root), `${train}:2`, 'label "11" is out of range', '7 contempt (left out), 8 none (left out)');
  await writeFile(train, `${header}\n${row('1/a.png', 1, pts.slice(0, 134))}\n`);
  await userErrorOf(() => readDataset('affectnet', root), `${train}:2`, '134 numbers, not 136');
});

test('list files: relative paths, landmarks beside the image, comments, bad lines', async () => {
  const root = await tree('list', {});
  await copyInto(root, [
    [ck('happy/S010_006_00000015.png'), 'img/S010_006_00000015.png'],
    [ck('happy/S010_006_00000015_landmarks.txt'), 'img/S010_006_00000015_landmarks.txt'],
    [ck('anger/S010_004_00000019.png'), 'img/other.png'],
  ]);
  const list = join(root, 'train.txt');
  await writeFile(list, '# path\tlabel\nimg/S010_006_00000015.png\t1\n\nimg/other.png\t6\tP7\n');
  const ds = await readDataset('list', list);
  assert.equal(ds.samples.map((s) => [basename(s.source), s.label, s.subject, s.landmarks && basename(s.landmarks as string)]), [
    ['S010_006_00000015.png', 1, 'S010', 'S010_006_00000015_landmarks.txt'],
    ['other.png', 6, 'P7', null],
  ]);
  // The image without a landmark file gets detected ones; with every file, no detector is involved.
  const both = await buildCache(ds, { size: 32 });
  assert.is(both.count, 2);
  assert.is(both.key.detector, detectorKey(DEFAULT_DETECT));
  const one = await buildCache({ ...ds, samples: ds.samples.slice(0, 1) }, { size: 32 });
  assert.is(one.count, 1);
  assert.is(one.key.detector, undefined);

  await writeFile(list, 'img/S010_006_00000015.png\t7\n');
  await userErrorOf(() => readDataset('list', list), `${list}:1`, 'label "7" is out of range', '0 neutral');
  await writeFile(list, 'img/S010_006_00000015.png\t1\nimg/missing.png\t1\n');
  await userErrorOf(() => readDataset('list', list), `${list}:2`, 'missing.png not found', 'relative to');
  await writeFile(list, 'img/S010_006_00000015.png 1\n');
  await userErrorOf(() => readDataset('list', list), `${list}:1`, 'expected "path<TAB>label');
});

test('bad images and landmark files are UserErrors naming the file', async () => {
  const root = await tree('bad', {});
  const png = await readFile(ck('happy/S010_006_00000015.png'));
  await writeFile(join(root, 'trunc.png'), png.subarray(0, png.length >> 2));
  await copyFile(ck('happy/S010_006_00000015_landmarks.txt'), join(root, 'trunc_landmarks.txt'));
  await copyFile(ck('happy/S010_006_00000015.png'), join(root, 'short.png'));
  const lines = (await readFile(ck('happy/S010_006_00000015_landmarks.txt'), 'utf8')).trim().split('\n');
  await writeFile(join(root, 'short_landmarks.txt'), lines.slice(0, 67).join('\n'));
  await writeFile(join(root, 'a.txt'), 'trunc.png\t1\n');
  await writeFile(join(root, 'b.txt'), 'short.png\t1\n');
  const a = await readDataset('list', join(root, 'a.txt'));
  await userErrorOf(() => buildCache(a, { size: 32 }), join(root, 'trunc.png'), 'cannot decode the image', 'intact PNG/JPEG');
  const b = await readDataset('list', join(root, 'b.txt'));
  await userErrorOf(() => buildCache(b, { size: 32 }), join(root, 'short_landmarks.txt'), '67 landmarks, expected 68', '68 lines "x y"');
});

// ---------------------------------------------------------------------------------------------
// Splits.

const sideOf = (split: { train: number[]; val: number[]; test: number[] }, samples: readonly Sample[]): Map<string, Set<string>> => {
  const side = new Map<string, Set<string>>();
  for (const k of ['train', 'val', 'test'] as const) for (const i of split[k]) side.set(samples[i]!.subject!, (side.get(samples[i]!.subject!) ?? new Set()).add(k));
  return side;
};

test('CK+ k-fold by subject: no subject on two sides, folds partition the subjects, seeded', () => {
  const s = ckplus.samples;
  const subjects = subjectsOf(s);
  const seen = new Set<string>();
  for (let fold = 0; fold < 5; fold++) {
    const sp = splitSamples(s, { folds: 5, fold, valSubjects: 10, seed: 3 }, 'ck');
    assert.equal([...sp.train, ...sp.val, ...sp.test].sort((a, b) => a - b), s.map((_, i) => i), 'every sample on one side');
    for (const [subj, sides] of sideOf(sp, s)) assert.is(sides.size, 1, `${subj} on ${[...sides]}`);
    assert.is(subjectsOf(s, sp.val).length, 10);
    const test = subjectsOf(s, sp.test);
    assert.ok(test.length === 18 || test.length === 19, `fold of ${test.length} subjects`);
    for (const t of test) {
      assert.not.ok(seen.has(t), `${t} in two folds`);
      seen.add(t);
    }
  }
  assert.equal([...seen].sort(), subjects, 'the folds cover every subject');
  assert.equal(splitSamples(s, { folds: 5, fold: 2, valSubjects: 10, seed: 3 }, 'ck'), splitSamples(s, { folds: 5, fold: 2, valSubjects: 10, seed: 3 }, 'ck'));
  assert.not.equal(subjectFolds(subjects, 5, 3), subjectFolds(subjects, 5, 4));
});

test('CK+ held-out subject list, and empty or impossible splits', async () => {
  const s = ckplus.samples;
  const sp = splitSamples(s, { testSubjects: ['S005', 'S010'] }, 'ck');
  assert.equal(subjectsOf(s, sp.test), ['S005', 'S010']);
  assert.is(sp.test.length, s.filter((x) => x.subject === 'S005' || x.subject === 'S010').length);
  assert.is(subjectsOf(s, sp.val).length, Math.round(0.12 * 92), '12% of the training subjects validate');
  await userErrorOf(async () => splitSamples(s, { testSubjects: ['S005', 'S777'] }, 'ck'), 'ck:', 'S777', 'not in the data');
  await userErrorOf(async () => splitSamples(s, { testSubjects: subjectsOf(s) }, 'ck'), 'ck:', 'training split is empty');
  await userErrorOf(async () => splitSamples(s, { folds: 95 }, 'ck'), 'ck:', 'empty test splits', '--folds 94 or fewer');
  await userErrorOf(async () => splitSamples(s, { folds: 5, fold: 5 }, 'ck'), 'fold 5 is not in 0…4');
  await userErrorOf(async () => splitSamples(s, { testSubjects: ['S005'], valSubjects: 93 }, 'ck'), 'empty split');
  // Without flags, data without an official split is dealt into the default 5 folds.
  assert.equal(splitSamples(s, {}, 'ck'), splitSamples(s, { folds: 5, fold: 0 }, 'ck'));
  const onlyTrain = [{ source: 'a', label: 0, subject: null, split: 'train' as const }];
  await userErrorOf(async () => splitSamples(onlyTrain, { folds: 2 }, 'x'), 'x:', 'holds out no samples');
  await userErrorOf(async () => splitSamples([{ ...onlyTrain[0]!, split: null }, { ...onlyTrain[0]!, split: null, subject: 'P1' }], {}, 'x'), 'x:', '1 of 2 samples have no subject id', 'or none');
});

test.run();
