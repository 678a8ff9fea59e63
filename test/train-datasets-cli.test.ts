// train.js and evaluate.js on small replicas of RAF-DB and AffectNet, built from CK+ faces at their real
// sizes and formats: one epoch at 32 px trains to a test report (RAF-DB's validation set carved out of
// its training part; AffectNet's selection set carved out of training.csv, its report on validation.csv,
// the rows of codes 7–10 counted); a folder without --dataset is told by its layout; --dataset alone
// finds data/<dataset>; split flags that cannot apply are refused in one line before any work; and
// evaluate.js splits by the same --folds/--fold as train.js.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { test } from './harness.js';
import { affectnetLists, CKPLUS, ckFaces, rafdbBasic } from './replicas.js';
import { readDataset } from '../src/data/datasets/index.js';
import { splitSamples } from '../src/data/splits.js';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const work = mkdtempSync(join(tmpdir(), 'train-datasets-'));
const rafdb = join(work, 'RAF-DB', 'basic');
const affectnet = join(work, 'AffectNet');
const small = ['--image-size', '32', '--batch-size', '4', '--epochs', '1'];

function run(script: 'train' | 'evaluate', args: string[], cwd = work): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(built, `${script}.js`), ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Warning:')).join('\n') };
}

// 3 faces of each class: 2 to train, 1 to test (RAF-DB) or validate (AffectNet).
test.before(async () => {
  const faces = await ckFaces(3);
  const [train, held] = [faces.filter((_, i) => i % 3 !== 2), faces.filter((_, i) => i % 3 === 2)];
  await rafdbBasic(rafdb, train, held);
  await affectnetLists(affectnet, train, held, [7, 8, 9, 10]);
});
test.after(() => rmSync(work, { recursive: true, force: true }));

/** The faces and accuracy of a run's test_metrics.json. */
function testReport(out: string): { count: number; accuracy: number } {
  const m = JSON.parse(readFileSync(join(out, 'test_metrics.json'), 'utf8')) as { accuracy: number; confusion: number[][] };
  return { count: m.confusion.flat().reduce((a, b) => a + b, 0), accuracy: m.accuracy };
}
const epochs = (out: string): { valAccuracy: number }[] => readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('train.js --dataset rafdb --data-dir …/basic: validation carved out of training, best checkpoint, a test report', () => {
  const out = join(work, 'runs', 'rafdb');
  const r = run('train', ['--dataset', 'rafdb', '--data-dir', rafdb, ...small, '--out', out]);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /train 12, val 2, test 7\n {2}test: the official test split; validation: 2 training faces, class-stratified \(seed 0\)/);
  assert.ok(Number.isFinite(epochs(out)[0]!.valAccuracy), 'a validation accuracy');
  assert.ok(existsSync(join(out, 'best.safetensors')));
  assert.match(r.out, /test set \(7 faces, best-by-validation checkpoint\)/);
  const m = testReport(out);
  assert.is(m.count, 7);
  assert.ok(m.accuracy >= 0 && m.accuracy <= 1);
});

test('train.js --dataset affectnet: selection set from training.csv, the report on validation.csv, codes 7–10 counted', () => {
  const out = join(work, 'runs', 'affectnet');
  const r = run('train', ['--dataset', 'affectnet', '--data-dir', affectnet, ...small, '--out', out]);
  assert.is(r.code, 0, r.out + r.err);
  assert.ok(r.out.includes(`${join(affectnet, 'Manually_Annotated_file_lists', 'training.csv')}: 4 of 18 rows left out, their classes not among the 7: 1 contempt (7), 1 none (8), 1 uncertain (9), 1 not a face (10)`), r.out);
  assert.match(r.out, /train 12, val 2, test 7\n {2}test: the official validation split \(the data has no public test split\); validation: 2 training faces/);
  assert.is(testReport(out).count, 7);
  assert.ok(Number.isFinite(epochs(out)[0]!.valAccuracy));
});

test('train.js --data-dir without --dataset: told by the layout, or "did you mean" for a parent folder', () => {
  const told = run('train', ['--data-dir', rafdb, ...small, '--out', join(work, 'runs', 'told'), '--preprocess-only']);
  assert.is(told.code, 0, told.out + told.err);
  assert.match(told.out, new RegExp(`dataset: rafdb, told from the layout of ${rafdb}`));
  assert.match(told.out, /faces: 21 from /);
  const parent = run('train', ['--data-dir', dirname(rafdb), ...small, '--out', join(work, 'runs', 'parent')]);
  assert.is(parent.code, 1, parent.out + parent.err);
  assert.is(parent.err, `error: ${dirname(rafdb)}: holds no dataset layout this project reads; did you mean ${rafdb} (rafdb)? Else pass --dataset NAME (ckplus, ck48, rafdb, affectnet, fer2013, list, synthetic)`);
  const reader = run('train', ['--dataset', 'rafdb', '--data-dir', dirname(rafdb), ...small, '--out', join(work, 'runs', 'parent2')]);
  assert.is(reader.code, 1);
  assert.match(reader.err, /^error: .*RAF-DB: is not a RAF-DB folder: basic\/ .*; did you mean .*RAF-DB\/basic\?$/);
});

test('train.js --dataset ckplus alone reads data/ckplus, and names that folder when it is missing', () => {
  const cwd = join(work, 'project');
  mkdirSync(join(cwd, 'data', 'ckplus'), { recursive: true });
  for (const cls of ['happy', 'surprise']) cpSync(join(CKPLUS, cls), join(cwd, 'data', 'ckplus', cls), { recursive: true, filter: (f) => !/S0[2-9]\d|S[1-9]\d\d/.test(f) });
  const faces = readdirSync(join(cwd, 'data', 'ckplus'), { recursive: true }).filter((f) => String(f).endsWith('.png')).length;
  const r = run('train', ['--dataset', 'ckplus', '--image-size', '32', '--preprocess-only'], cwd);
  assert.is(r.code, 0, r.out + r.err);
  assert.ok(r.out.includes(`faces: ${faces} from ${join(cwd, 'data', 'ckplus')}`), r.out);
  const bare = join(work, 'bare');
  mkdirSync(bare);
  const missing = run('train', ['--dataset', 'ckplus'], bare);
  assert.is(missing.code, 1);
  assert.is(missing.err, `error: ${join(bare, 'data', 'ckplus')}: no ckplus data found there (the default --data-dir); put the dataset there, or pass --data-dir DIR (or --cache FILE of preprocessed faces)`);
  const help = spawnSync(process.execPath, [join(built, 'train.js'), '--help'], { encoding: 'utf8' }).stdout;
  assert.match(help, /--data-dir .*default data\/<dataset> under the current folder/);
  assert.match(help, /--label-order .*ours \(0 neutral, 1 happy.*original \(the original project's: 0 surprise, 1 fear, 2 disgust, 3 happy, 4 sad, 5 anger, 6 neutral\); default ours/);
});

test('flags that cannot apply to the data are refused in one line, before any work', () => {
  const cases: [string[], string][] = [
    [['--dataset', 'rafdb', '--data-dir', rafdb, '--val-subjects', '2'], '--val-subjects: rafdb has no subject ids; pass --val-fraction F instead'],
    [['--dataset', 'affectnet', '--data-dir', affectnet, '--cross-validate'], '--cross-validate deals folds, but affectnet has its own test split'],
    [['--dataset', 'rafdb', '--data-dir', rafdb, '--holdout-subjects', 'S010'], '--holdout-subjects: rafdb has no subject ids'],
    [['--dataset', 'rafdb', '--data-dir', rafdb, '--val-fraction', '1.5'], '--val-fraction 1.5: pass a share between 0 and 1'],
    [['--dataset', 'rafdb', '--data-dir', rafdb, '--label-order', 'original'], '--label-order original: applies to list files, and rafdb names its labels itself'],
    [['--dataset', 'list', '--data-dir', rafdb, '--label-order', 'paper'], '--label-order paper: is not a label order; use ours (0 neutral'],
  ];
  for (const [args, message] of cases) {
    const out = join(work, 'runs', 'refused');
    const r = run('train', [...args, '--out', out]);
    assert.is(r.code, 1, `${args.join(' ')}: ${r.out}${r.err}`);
    assert.ok(r.err.startsWith(`error: ${message}`), r.err);
    assert.is(r.err.split('\n').length, 1, r.err);
    assert.not.ok(r.out.includes('adapter:'), 'refused before the GPU is opened');
  }
});

test('evaluate.js --split test takes --folds/--fold as train.js does', async () => {
  const data = join(work, 'project', 'data', 'ckplus');
  const ds = await readDataset('ckplus', data);
  const expected = splitSamples(ds.samples, { folds: 2, fold: 1 }, data).test.length;
  const r = run('evaluate', ['--model', join(work, 'runs', 'rafdb', 'best.safetensors'), '--dataset', 'ckplus', '--data-dir', data, '--split', 'test', '--folds', '2', '--fold', '1', '--out', join(work, 'eval')]);
  assert.is(r.code, 0, r.out + r.err);
  assert.ok(r.out.includes(`ckplus (test, ${expected} faces)`), r.out);
  assert.ok(expected > 0 && expected < ds.samples.length);
});

test.run();
