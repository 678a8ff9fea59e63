// The training and evaluation CLIs end to end, as child processes on a handful of real CK+ images at
// 32 px: the loss falls; a run stopped mid-epoch and resumed matches an uninterrupted one exactly;
// bad input gives one line and a non-zero exit without leaving a checkpoint.

import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from './harness.js';
import sharp from 'sharp';
import * as assert from 'uvu/assert';
import { repoRoot } from './fixtures.js';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { checkpointImageSize } from '../src/model/checkpoint.js';

const root = repoRoot();
/** The compiled CLIs beside this compiled test (build/src/*.js). */
const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const ckplus = join(root, '..', 'shared', 'data', 'ckplus');
const work = mkdtempSync(join(tmpdir(), 'train-cli-'));
const data = join(work, 'ckplus');

function run(script: 'train' | 'evaluate', args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(built, `${script}.js`), ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.split('\n').filter((l) => !l.startsWith('Warning:')).join('\n').trim() };
}

// 3 images of 3 classes from each of 4 subjects: enough for a subject split into train/val/test.
test.before(() => {
  const subjects = ['S010', 'S011', 'S014', 'S022'];
  for (const cls of ['happy', 'surprise', 'neutral']) {
    mkdirSync(join(data, cls), { recursive: true });
    const files = readdirSync(join(ckplus, cls));
    for (const s of subjects) {
      const png = files.filter((f) => f.startsWith(s + '_') && f.endsWith('.png')).sort()[0];
      if (!png) continue;
      copyFileSync(join(ckplus, cls, png), join(data, cls, png));
      for (const lm of files.filter((f) => f.startsWith(png.slice(0, 9)) && f.endsWith('_landmarks.txt'))) copyFileSync(join(ckplus, cls, lm), join(data, cls, lm));
    }
  }
});

test.after(() => rmSync(work, { recursive: true, force: true }));

const common = ['--dataset', 'ckplus', '--data-dir', data, '--image-size', '32', '--batch-size', '4', '--lr', '0.01', '--folds', '4', '--val-subjects', '1', '--epochs', '3'];
const history = (dir: string): { trainLoss: number; valLoss: number }[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('train: loss falls, checkpoints, plots, test report', () => {
  const out = join(work, 'full');
  const r = run('train', [...common, '--out', out]);
  assert.is(r.code, 0, r.out + r.err);
  const h = history(out);
  assert.is(h.length, 3);
  assert.ok(h[2]!.trainLoss < h[0]!.trainLoss, `train loss ${h.map((e) => e.trainLoss)}`);
  for (const f of ['best.safetensors', 'last.safetensors', 'curves.png', 'confusion_test.png', 'test_metrics.json']) assert.ok(existsSync(join(out, f)), f);
  assert.match(r.out, /test set \(\d+ faces/);
  assert.match(r.out, /recall per class/);
});

test('train: a stopped run resumed with --resume matches an uninterrupted one exactly', () => {
  const out = join(work, 'resumed');
  const first = run('train', [...common, '--out', out, '--max-steps', '4']);
  assert.is(first.code, 0, first.out + first.err);
  assert.match(first.out, /continue with the same flags plus --resume/);
  const again = run('train', [...common, '--out', out]);
  assert.is(again.code, 1);
  assert.match(again.err, /already holds a run; pass --resume/);
  const second = run('train', [...common, '--out', out, '--resume']);
  assert.is(second.code, 0, second.out + second.err);
  assert.equal(history(out), history(join(work, 'full')));
});

test('train: Ctrl-C finishes the step, saves, exits 130, and the run resumes', async () => {
  const out = join(work, 'interrupted');
  const child = spawn(process.execPath, [join(built, 'train.js'), ...common, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // The first status line means a training step is under way.
      if (/epoch 1\/3 +step/.test(stdout) && !child.killed) child.kill('SIGINT');
    });
    child.on('exit', (c) => resolve(c));
  });
  assert.is(code, 130, stdout);
  assert.match(stdout, /stopping after this step and saving/);
  assert.match(stdout, /saved .*last\.safetensors after step \d+ of epoch \d/);
  const resumed = run('train', [...common, '--out', out, '--resume']);
  assert.is(resumed.code, 0, resumed.out + resumed.err);
  assert.equal(history(out), history(join(work, 'full')));
});

test('evaluate.js: evaluates a folder and predicts one image as JSON (and as a picture)', async () => {
  const model = join(work, 'full', 'best.safetensors');
  const folder = run('evaluate', ['--model', model, '--dataset', 'ckplus', '--data-dir', data, '--out', join(work, 'eval')]);
  assert.is(folder.code, 0, folder.err);
  assert.match(folder.out, /accuracy +[\d.]+% \(\d+\/\d+\)/);
  assert.ok(existsSync(join(work, 'eval', 'confusion_ckplus_all.png')));
  const png = readdirSync(join(data, 'happy')).find((f) => f.endsWith('.png'))!;
  const stem = png.slice(0, -4);
  const one = run('evaluate', ['--model', model, '--image', join(data, 'happy', png), '--landmarks', join(data, 'happy', `${stem}_landmarks.txt`)]);
  assert.is(one.code, 0, one.err);
  const json = JSON.parse(one.out);
  const p = Object.values(json.faces[0].probabilities) as number[];
  assert.is(p.length, 7);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-4);
  // A training checkpoint works too: its momentum is ignored, its input size read from its loop state.
  const last = join(work, 'full', 'last.safetensors');
  assert.is(checkpointImageSize((await readSafetensorsFile(last)).metadata), 32);
  const fromLast = run('evaluate', ['--model', last, '--image', join(data, 'happy', png), '--landmarks', join(data, 'happy', `${stem}_landmarks.txt`)]);
  assert.is(fromLast.code, 0, fromLast.err);
  const detected = run('evaluate', ['--model', model, '--image', join(data, 'happy', png), '--out', join(work, 'predict')]);
  assert.is(detected.code, 0, detected.err);
  const picture = JSON.parse(detected.out);
  assert.is(picture.faces[0].landmarks, 'detected');
  assert.is(picture.picture, join(work, 'predict', `${png}.prediction.png`));
  const meta = await sharp(picture.picture).metadata();
  // The 640×490 photo drawn 360 px high, then the face's row of panels.
  assert.equal([meta.format, meta.width, meta.height], ['png', 3 * 224 + 4 * 8 + 200 + 8, 22 + 360 + 8 + 22 + 224 + 40]);
});

test('train --cross-validate: every fold, a summary, and a resume that trains nothing again', () => {
  const out = join(work, 'cv');
  const cv = [...common.filter((_, i) => common[i - 1] !== '--epochs' && common[i] !== '--epochs'), '--epochs', '1', '--cross-validate', '--out', out];
  const r = run('train', cv);
  assert.is(r.code, 0, r.out + r.err);
  const summary = JSON.parse(readFileSync(join(out, 'cv_summary.json'), 'utf8'));
  assert.equal(summary.folds.map((f: { fold: number }) => f.fold), [0, 1, 2, 3]);
  const faces = readdirSync(data).reduce((n, cls) => n + readdirSync(join(data, cls)).filter((f) => f.endsWith('.png')).length, 0);
  assert.is(summary.folds.reduce((n: number, f: { faces: number }) => n + f.faces, 0), faces, 'each face is tested once');
  const perFold = summary.folds.map((f: { accuracy: number }) => f.accuracy);
  assert.ok(Math.abs(summary.mean - perFold.reduce((a: number, b: number) => a + b, 0) / 4) < 1e-12);
  for (let i = 0; i < 4; i++) assert.ok(existsSync(join(out, `fold-${i}`, 'test_metrics.json')));
  assert.ok(existsSync(join(out, 'confusion_cv.png')));
  assert.match(r.out, /mean [\d.]+% ± [\d.]+%/);
  const again = run('train', [...cv, '--resume']);
  assert.is(again.code, 0, again.out + again.err);
  assert.is((again.out.match(/finished earlier/g) ?? []).length, 4);
  assert.not.match(again.out, /epoch 1\/1/);
  assert.equal(JSON.parse(readFileSync(join(out, 'cv_summary.json'), 'utf8')), summary);
  const clash = run('train', [...cv.filter((a) => a !== out && a !== '--out'), '--out', join(work, 'cv2'), '--fold', '1']);
  assert.is(clash.code, 1);
  assert.match(clash.err, /--cross-validate trains every fold/);
});

test('bad input: one line, non-zero exit, no checkpoint', () => {
  const cases: [string[], RegExp][] = [
    [['--dataset', 'nope', '--data-dir', data], /unknown dataset|known/i],
    [['--dataset', 'ckplus', '--data-dir', join(work, 'missing')], /missing/],
    [['--dataset', 'ckplus', '--data-dir', data, '--epochs', 'ten'], /--epochs "ten" is not an integer/],
    [['--dataset', 'ckplus', '--data-dir', data, '--resume'], /no run to resume/],
    [['--dataset', 'ckplus', '--data-dir', data, '--image-size', '50'], /multiple of 16/],
    [['--dataset', 'ckplus', '--data-dir', data, '--bogus'], /unknown flag --bogus/],
  ];
  cases.forEach(([args, re], i) => {
    const out = join(work, `bad${i}`);
    const r = run('train', [...args, '--out', out]);
    assert.is(r.code, 1, `${args.join(' ')}: exit ${r.code}\n${r.out}\n${r.err}`);
    assert.match(r.err, re);
    assert.is(r.err.split('\n').length, 1, r.err);
    assert.not.match(r.err, /\n\s+at /);
    assert.not.ok(existsSync(join(out, 'last.safetensors')));
  });
});

test.run();
