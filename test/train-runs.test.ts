// train.js over many epochs and on its other inputs, as child processes at 32 px: a run stopped in the
// middle of an epoch and resumed is the uninterrupted run, bit for bit, through a reduce-on-plateau cut
// (its patience and its state across the resume checked against the rule), with best.safetensors from the
// first epoch of the highest validation accuracy; a run from the face cache alone (a GPU host's case) trains
// as one with the data; and the generated faces of `npm start` train to a test report.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { ckplusSubset } from './fixtures.js';
import { test } from './harness.js';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const work = mkdtempSync(join(tmpdir(), 'train-runs-'));
const data = join(work, 'ckplus');

function train(args: string[]): { code: number; out: string } {
  const r = spawnSync(process.execPath, [join(built, 'train.js'), ...args], { encoding: 'utf8', timeout: 600_000 });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}
const read = (dir: string, f: string): Buffer => readFileSync(join(dir, f));
type Epoch = { epoch: number; valLoss: number; valAccuracy: number; lr: number };
const epochs = (dir: string): Epoch[] => read(dir, 'metrics.jsonl').toString().trim().split('\n').map((l) => JSON.parse(l));

test.before(() => ckplusSubset(data, ['happy', 'surprise', 'neutral'], ['S010', 'S011', 'S014', 'S022']));
test.after(() => rmSync(work, { recursive: true, force: true }));

// 6 training faces at batch 4: 2 steps an epoch, so 9 steps stop in the middle of epoch 5.
const args = ['--dataset', 'ckplus', '--data-dir', data, '--image-size', '32', '--batch-size', '4', '--lr', '0.01', '--folds', '4', '--val-subjects', '1', '--epochs', '12'];

test('stopped mid-epoch and resumed = uninterrupted, through a plateau cut; best = first epoch of the highest validation accuracy', () => {
  const whole = join(work, 'whole'), parts = join(work, 'parts');
  const a = train([...args, '--out', whole]);
  assert.is(a.code, 0, a.out);
  const stopped = train([...args, '--out', parts, '--max-steps', '9']);
  assert.is(stopped.code, 0, stopped.out);
  assert.match(stopped.out, /after step 1 of epoch 5/);
  assert.is(epochs(parts).length, 4);
  const resumed = train([...args, '--out', parts, '--resume']);
  assert.is(resumed.code, 0, resumed.out);
  for (const f of ['metrics.jsonl', 'last.safetensors', 'best.safetensors', 'test_metrics.json']) assert.ok(read(whole, f).equals(read(parts, f)), `${f} differs`);

  // The lr of each epoch follows reduce-on-plateau on the validation loss: ×0.1 after 7 epochs without a value
  // below best·(1 − 1e-4).
  const h = epochs(whole);
  let lr = 0.01, best = Infinity, bad = 0, cuts = 0;
  for (const e of h) {
    assert.ok(Math.abs(e.lr - lr) <= 1e-12 * lr, `epoch ${e.epoch}: lr ${e.lr}, the rule gives ${lr}`);
    if (e.valLoss < best * (1 - 1e-4)) [best, bad] = [e.valLoss, 0];
    else if (++bad > 7) [lr, bad, cuts] = [lr * 0.1, 0, cuts + 1];
  }
  assert.ok(cuts >= 1, `no plateau cut in ${h.map((e) => e.valLoss.toFixed(4))}`);

  const top = Math.max(...h.map((e) => e.valAccuracy));
  const first = h.find((e) => e.valAccuracy === top)!;
  return readSafetensorsFile(join(whole, 'best.safetensors')).then(({ metadata }) => assert.is(metadata.epoch, String(first.epoch)));
});

test('from the face cache alone (no --data-dir) a run trains as it does with the data', () => {
  const cache = join(work, 'faces-cache');
  const built = train([...args, '--cache', cache, '--preprocess-only', '--out', join(work, 'pre')]);
  assert.is(built.code, 0, built.out);
  const one = (out: string, withData: boolean) => {
    const rest = ['--image-size', '32', '--batch-size', '4', '--lr', '0.01', '--folds', '4', '--val-subjects', '1', '--epochs', '1'];
    const r = train(['--dataset', 'ckplus', ...(withData ? ['--data-dir', data] : []), '--cache', cache, ...rest, '--out', out]);
    assert.is(r.code, 0, r.out);
    return read(out, 'metrics.jsonl');
  };
  assert.ok(one(join(work, 'cache-only'), false).equals(one(join(work, 'with-data'), true)));
});

test('the generated faces (npm start) train to a test report', () => {
  const out = join(work, 'synthetic');
  const r = train(['--dataset', 'synthetic', '--image-size', '32', '--batch-size', '14', '--epochs', '1', '--lr', '0.001', '--out', out]);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /faces: 140 /);
  const report = JSON.parse(read(out, 'test_metrics.json').toString());
  assert.ok(report.count > 0 || report.confusion?.flat().reduce((a: number, b: number) => a + b, 0) > 0, JSON.stringify(report).slice(0, 200));
});

test.run();
