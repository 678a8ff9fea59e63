// The dataset forms users download besides the official ones, built from CK+ faces at their real sizes
// and formats: FER2013 as Kaggle's class folders, RAF-DB's DATASET/ folders, AffectNet's newer release
// with per-image .npy annotations; a parent folder answered with "did you mean"; CK+ unpacked into
// Landmarks/Landmarks; telling a dataset by its layout; and list files in the original project's label order.

import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { test } from './harness.js';
import { affectnetSets, ckFaces, CKPLUS, faceJpeg, ferFolders, npyBytes, rafdbBasic, rafdbDataset, type Face } from './replicas.js';
import { setupGpu, userErrorOf } from './util.js';
import { buildCache } from '../src/data/cache.js';
import { readDataset, readOptions } from '../src/data/datasets/index.js';
import { detectDataset } from '../src/data/datasets/detect.js';
import { parseNpy, readNpy } from '../src/data/datasets/npy.js';
import { CLASS_NAMES } from '../src/data/labels.js';
import { UserError } from '../src/errors.js';

let tmp = '';
let faces: Face[] = [];
const [train, held] = [(): Face[] => faces.filter((_, i) => i % 2 === 0), (): Face[] => faces.filter((_, i) => i % 2 === 1)];

test.before(async () => {
  await setupGpu(); // faces without landmarks get them from the landmark nets
  tmp = await mkdtemp(join(tmpdir(), 'oaenet-variants-'));
  faces = await ckFaces(2);
});
test.after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const labelsAndSplits = (ds: { samples: { label: number; split: string | null }[] }): string[] => ds.samples.map((s) => `${CLASS_NAMES[s.label]}/${s.split}`);
const expected = (): string[] => [...train().map((f) => `${f.cls}/train`), ...held().map((f) => `${f.cls}/test`)].sort();

test('.npy: strings, floats, integers, either byte order and Fortran order; anything else refused naming the file', async () => {
  assert.equal(parseNpy(npyBytes('<U1', [], ['3'])), { shape: [], data: ['3'] });
  assert.equal(parseNpy(npyBytes('<U2', [2], ['10', '7'])), { shape: [2], data: ['10', '7'] });
  assert.equal(parseNpy(npyBytes('<f8', [3], [1.5, -2, 1e-3])), { shape: [3], data: [1.5, -2, 1e-3] });
  assert.equal(parseNpy(npyBytes('>i8', [2], [-5, 7])).data, [-5, 7]);
  assert.equal(parseNpy(npyBytes('|u1', [1], [200])).data, [200]);
  // (3, 2) points written column by column come back as x0, y0, x1, y1, …
  assert.equal(parseNpy(npyBytes('<f4', [3, 2], [1, 2, 3, 10, 20, 30], true)), { shape: [3, 2], data: [1, 10, 2, 20, 3, 30] });
  const odd = join(tmp, 'odd.npy');
  await writeFile(odd, Buffer.from(npyBytes('<f8', [1], [0]).toString('latin1').replace("'<f8'", "'|O8'"), 'latin1'));
  await userErrorOf(() => readNpy(odd, 'restore it'), odd, 'is not a readable .npy file (dtype |O8 is not a number or fixed-width string type); restore it');
  await writeFile(odd, 'not numpy');
  await userErrorOf(() => readNpy(odd, 'restore it'), odd, 'no .npy magic');
});

test('FER2013 as class folders (train/angry/*.jpg, 48×48 grey): labels, splits, detected landmarks; train/ alone gets "did you mean"', async () => {
  const root = join(tmp, 'fer');
  await ferFolders(root, train(), held());
  const ds = await readDataset('fer2013', root);
  assert.equal(labelsAndSplits(ds).sort(), expected());
  assert.ok(ds.samples.every((s) => s.landmarks === null && typeof s.image === 'string' && /\/(train|test)\/[a-z]+\/(Training|PrivateTest)_\d+\.jpg$/.test(s.image)));
  const cache = await buildCache(ds, { size: 32 });
  assert.is(cache.count + cache.skipped.length, faces.length);
  assert.ok(cache.count >= faces.length - 2, `${cache.count} of ${faces.length} faces cached`);
  await userErrorOf(() => readDataset('fer2013', join(root, 'train')), `${join(root, 'train')}: holds neither fer2013.csv nor train/ and test/ class folders; did you mean its parent ${root}`);
  await mkdir(join(root, 'train', 'joy'));
  await userErrorOf(() => readDataset('fer2013', root), join(root, 'train', 'joy'), 'unknown class folder "joy"', 'angry, disgust, fear');
  await userErrorOf(() => readDataset('fer2013', tmp), `${tmp}: is not a FER2013 folder`, `did you mean ${root}?`);
});

test('RAF-DB as DATASET/train/1…7 (100×100 colour JPEGs); a parent of DATASET/ or basic/ gets "did you mean"', async () => {
  const root = join(tmp, 'raf-kaggle', 'DATASET');
  await rafdbDataset(root, train(), held());
  const ds = await readDataset('rafdb', root);
  assert.equal(labelsAndSplits(ds).sort(), expected());
  assert.ok(ds.samples.every((s) => /\/(train|test)\/[1-7]\/(train_\d{5}|test_\d{4})_aligned\.jpg$/.test(s.source)));
  await writeFile(join(tmp, 'raf-kaggle', 'train_labels.csv'), 'image,label\n');
  await userErrorOf(() => readDataset('rafdb', dirname(root)), `${dirname(root)}: is not a RAF-DB folder`, `did you mean ${root}?`);
  const basic = join(tmp, 'RAF-DB', 'basic');
  await rafdbBasic(basic, train().slice(0, 2), held().slice(0, 1));
  await mkdir(join(tmp, 'RAF-DB', 'compound'));
  await userErrorOf(() => readDataset('rafdb', dirname(basic)), `did you mean ${basic}?`);
});

test('CK+48 behind a parent folder gets "did you mean"; CK+ unpacked into Landmarks/Landmarks/ reads', async () => {
  const ck48 = join(tmp, 'archive', 'CK+48');
  for (const f of faces.slice(0, 3)) await faceJpeg(f, join(ck48, f.cls === 'sad' ? 'sadness' : f.cls, basename(f.png)), 48, false);
  await userErrorOf(() => readDataset('ck48', dirname(ck48)), `${dirname(ck48)}: is not a CK+48 folder`, `did you mean ${ck48}?`);
  assert.is((await readDataset('ck48', ck48)).samples.length, 3);

  const ck = join(tmp, 'CK+');
  await mkdir(join(ck, 'Emotion', 'S005', '001'), { recursive: true });
  await writeFile(join(ck, 'Emotion', 'S005', '001', 'S005_001_00000011_emotion.txt'), '   3.0000000e+00\n');
  for (const [from, to] of [
    ['neutral/S005_001_00000001.png', 'cohn-kanade-images/S005/001/S005_001_00000001.png'],
    ['disgust/S005_001_00000011.png', 'cohn-kanade-images/S005/001/S005_001_00000011.png'],
    ['neutral/S005_001_00000011_landmarks.txt', 'Landmarks/Landmarks/S005/001/S005_001_00000001_landmarks.txt'],
    ['disgust/S005_001_00000011_landmarks.txt', 'Landmarks/Landmarks/S005/001/S005_001_00000011_landmarks.txt'],
  ]) {
    await mkdir(dirname(join(ck, to)), { recursive: true });
    await copyFile(join(CKPLUS, from), join(ck, to));
  }
  const ds = await readDataset('ckplus', ck);
  assert.equal(ds.samples.map((s) => [CLASS_NAMES[s.label], s.landmarks]), [
    ['neutral', join(ck, 'Landmarks/Landmarks/S005/001/S005_001_00000001_landmarks.txt')],
    ['disgust', join(ck, 'Landmarks/Landmarks/S005/001/S005_001_00000011_landmarks.txt')],
  ]);
  await userErrorOf(() => readDataset('ckplus', tmp), `${tmp}: is not a CK+ folder`, `did you mean ${ck}`);
});

test('AffectNet\'s newer release (train_set/images + annotations/<n>_exp.npy, _lnd.npy): labels, landmarks, codes 7–10 counted', async () => {
  const root = join(tmp, 'affectnet-sets');
  await affectnetSets(root, train(), held(), [7, 10]);
  await copyFile(join(root, 'train_set', 'images', '0.jpg'), join(root, 'train_set', 'images', '999.jpg')); // no annotations
  const ds = await readDataset('affectnet', root);
  assert.equal(labelsAndSplits(ds).sort(), expected().map((s) => s.replace('/test', '/val')).sort());
  assert.ok(ds.samples.every((s) => s.landmarks instanceof Float64Array && s.landmarks.length === 136));
  assert.equal(ds.notes, [
    `${join(root, 'train_set')}: 2 of 9 images left out, their classes not among the 7: 1 contempt (7), 1 not a face (10)`,
    `${join(root, 'train_set', 'annotations')}: no <n>_exp.npy for 1 image (999.jpg), left out`,
  ]);
  const cache = await buildCache(ds, { size: 32 });
  assert.equal([cache.count, cache.skipped.length, cache.key.detector], [faces.length, 0, undefined]);
  await writeFile(join(root, 'train_set', 'annotations', '1_lnd.npy'), npyBytes('<f8', [10], new Array(10).fill(1)));
  await userErrorOf(() => readDataset('affectnet', root), `${join(root, 'train_set', 'annotations', '1_lnd.npy')}: holds 10 values, not 136 (68 points)`);
});

test('a folder is told by its layout; a parent folder gets "did you mean"; other folders name the choices', async () => {
  const fer = join(tmp, 'fer'), csv = join(tmp, 'fer2013.csv'), list = join(tmp, 'faces.txt');
  await writeFile(csv, 'emotion,pixels,Usage\n');
  await writeFile(list, '');
  const layouts = [
    ['ckplus', CKPLUS], ['ckplus', join(tmp, 'CK+')], ['ck48', join(tmp, 'archive', 'CK+48')], ['rafdb', join(tmp, 'RAF-DB', 'basic')],
    ['rafdb', join(tmp, 'raf-kaggle', 'DATASET')], ['affectnet', join(tmp, 'affectnet-sets')], ['fer2013', fer], ['fer2013', csv], ['list', list],
  ];
  assert.equal(layouts.map(([, path]) => detectDataset(path!)), layouts.map(([name]) => name));
  assert.throws(() => detectDataset(join(tmp, 'RAF-DB')), (e: Error) => e instanceof UserError && e.message === `${join(tmp, 'RAF-DB')}: holds no dataset layout this project reads; did you mean ${join(tmp, 'RAF-DB', 'basic')} (rafdb)? Else pass --dataset NAME (ckplus, ck48, rafdb, affectnet, fer2013, list, synthetic)`);
  const empty = join(tmp, 'empty');
  await mkdir(empty);
  assert.throws(() => detectDataset(empty), (e: Error) => e.message.startsWith(`${empty}: holds no dataset layout this project reads; pass --dataset NAME`));
  assert.throws(() => detectDataset(join(tmp, 'nowhere')), /nowhere: not found; check --data-dir/);
});

test('list files in the original project\'s label order (0 surprise … 6 neutral), a stated choice', async () => {
  const list = join(tmp, 'original.txt');
  await copyFile(join(CKPLUS, 'happy', 'S010_006_00000015.png'), join(tmp, 'S010_006_00000015.png'));
  await copyFile(join(CKPLUS, 'happy', 'S010_006_00000015_landmarks.txt'), join(tmp, 'S010_006_00000015_landmarks.txt'));
  await writeFile(list, [0, 1, 2, 3, 4, 5, 6].map((code) => `S010_006_00000015.png\t${code}`).join('\n'));
  const names = async (opts: object): Promise<string[]> => (await readDataset('list', list, opts)).samples.map((s) => CLASS_NAMES[s.label]!);
  assert.equal(await names(readOptions('list', 'original')), ['surprise', 'fear', 'disgust', 'happy', 'sad', 'anger', 'neutral']);
  assert.equal(await names(readOptions('list', undefined)), [...CLASS_NAMES]);
  assert.equal(await names(readOptions('list', 'ours')), [...CLASS_NAMES]);
  assert.throws(() => readOptions('ckplus', 'original'), /--label-order original: applies to list files, and ckplus names its labels itself; drop the flag/);
  assert.throws(() => readOptions('list', 'paper'), /--label-order paper: is not a label order; use ours \(0 neutral, 1 happy, .*\) or original \(0 surprise, 1 fear/);
});

test.run();
