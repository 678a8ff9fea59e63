// The training and evaluation CLIs end to end, as child processes on a handful of real CK+ images at
// 32 px: the loss falls; a run stopped mid-epoch (by --max-steps or SIGTERM) and resumed matches an
// uninterrupted one exactly; a second run on the same --out is refused; bad input gives one line and a
// non-zero exit without leaving a checkpoint or an empty folder; nothing else reaches stderr.

import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from './harness.js';
import sharp from 'sharp';
import * as assert from 'uvu/assert';
import { ckplusSubset } from './fixtures.js';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { checkpointImageSize } from '../src/model/checkpoint.js';

/** The compiled CLIs beside this compiled test (build/src/*.js). */
const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const work = mkdtempSync(join(tmpdir(), 'train-cli-'));
const data = join(work, 'ckplus');

/**
 * Runs a CLI; `as` adds environment variables or runs it as another user. Its stderr is a pipe, as in a
 * shell (Node's own are sockets), so that what it prints there is what a user would see.
 */
function run(script: 'train' | 'evaluate', args: string[], as: { env?: Record<string, string>; uid?: number } = {}): { code: number; out: string; err: string } {
  const r = spawnSync('bash', ['-c', 'exec "$@" 2> >(cat >&2)', 'bash', process.execPath, join(built, `${script}.js`), ...args], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ...as.env },
    ...(as.uid !== undefined ? { uid: as.uid, gid: as.uid } : {}),
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.trim() };
}

// 3 images of 3 classes from each of 4 subjects: enough for a subject split into train/val/test.
test.before(() => ckplusSubset(data, ['happy', 'surprise', 'neutral'], ['S010', 'S011', 'S014', 'S022']));

test.after(() => rmSync(work, { recursive: true, force: true }));

const common = ['--dataset', 'ckplus', '--data-dir', data, '--image-size', '32', '--batch-size', '4', '--lr', '0.01', '--folds', '4', '--val-subjects', '1', '--epochs', '3'];
const history = (dir: string): { trainLoss: number; valLoss: number }[] =>
  readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('train: loss falls, checkpoints, plots, test report', () => {
  const out = join(work, 'full');
  const r = run('train', [...common, '--out', out]);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(r.err, '', 'nothing on stderr, Dawn\'s start-up warnings included');
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

test('train: SIGTERM finishes the step, saves and exits 143; meanwhile a second run on its --out is refused; the run resumes exactly', async () => {
  const out = join(work, 'interrupted');
  const child = spawn(process.execPath, [join(built, 'train.js'), ...common, '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let second: ReturnType<typeof run> | undefined;
  const code = await new Promise<number | null>((resolve) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      // The first status line means a training step is under way.
      if (/epoch 1\/3 +step/.test(stdout) && !child.killed) {
        second = run('train', [...common, '--out', out]);
        child.kill('SIGTERM');
      }
    });
    child.on('exit', (c) => resolve(c));
  });
  assert.is(second?.code, 1, second?.out);
  assert.match(second!.err, new RegExp(`^error: ${out}: another training run \\(pid ${child.pid} on ${hostname()}, started [^)]*\\) is using this folder; wait for it`));
  assert.is(code, 143, stdout);
  assert.match(stdout, /SIGTERM: stopping after this step and saving/);
  assert.match(stdout, /saved .*last\.safetensors after (step \d+ of epoch \d|epoch \d)/);
  assert.not.ok(existsSync(join(out, 'train.lock')), 'the lock goes with the run');
  // A record the checkpoint lacks, as a run killed between writing metrics and its checkpoint left it:
  // the resumed run's metrics.jsonl follows the checkpoint, with no duplicate epoch.
  appendFileSync(join(out, 'metrics.jsonl'), JSON.stringify({ epoch: 1, trainLoss: 0 }) + '\n');
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
  // Without validation subjects the latest model is kept as best. With 4 of the 11 faces' subjects, 9
  // faces train in the fold that tests S022 (2 faces): batches of 4, 4 and 1, and batch norm cannot train
  // on one image, so the last joins the batch before it.
  const without = (flag: string, args: string[]): string[] => args.filter((_, i) => args[i - 1] !== flag && args[i] !== flag);
  const cv = [...without('--val-subjects', without('--epochs', common)), '--val-subjects', '0', '--epochs', '1', '--cross-validate', '--out', out];
  const r = run('train', cv);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /no validation faces: best\.safetensors is the latest epoch's model/);
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

test('bad input: one line, non-zero exit, no checkpoint, no folder left behind', () => {
  const nested = join(work, 'nested'); // no face cache beside these runs
  const cases: [string[], RegExp, Record<string, string>?][] = [
    [['--dataset', 'nope', '--data-dir', data], /--dataset "nope" is not one of ckplus, /],
    [['--dataset', 'ckplus', '--data-dir', join(work, 'missing')], /missing/],
    [['--dataset', 'ckplus', '--data-dir', data, '--epochs', 'ten'], /--epochs "ten" is not an integer/],
    [['--dataset', 'ckplus', '--data-dir', data, '--resume'], /no run to resume/],
    [['--dataset', 'ckplus', '--data-dir', data, '--image-size', '50'], /multiple of 16/],
    [['--dataset', 'ckplus', '--data-dir', data, '--bogus'], /unknown flag --bogus/],
    [['--dataset', 'ckplus', '--data-dir', data, '--epochs', '0'], /--epochs 0 is out of range; pass an integer ≥ 1/],
    [['--dataset', 'ckplus', '--data-dir', data, '--batch-size', '0'], /--batch-size 0 is out of range; pass an integer ≥ 2/],
    [['--dataset', 'ckplus', '--data-dir', data, '--lr', '-1'], /--lr -1 is out of range; pass a number > 0/],
    [['--dataset', 'ckplus', '--data-dir', data, '--momentum', '-5'], /--momentum -5 is out of range; pass a number ≥ 0 and < 1/],
    [['--dataset', 'ckplus'], /data\/ckplus: no ckplus data found there \(the default --data-dir\); put the dataset there, or pass --data-dir DIR/],
    [['--dataset', 'ckplus', '--data-dir', data], /OAENET_BACKEND=bogus is not a backend; use auto, vulkan or opengles/, { OAENET_BACKEND: 'bogus' }],
    [['--dataset', 'ckplus', '--data-dir', data], /no WebGPU adapter found.*; .*run `bash scripts\/setup\.sh`/, { OAENET_BACKEND: 'vulkan', VK_ICD_FILENAMES: '/nonexistent.json', VK_DRIVER_FILES: '/nonexistent.json' }],
  ];
  cases.forEach(([args, re, env], i) => {
    const out = join(nested, `bad${i}`);
    const r = run('train', [...args, '--out', out], { env });
    assert.is(r.code, 1, `${args.join(' ')}: exit ${r.code}\n${r.out}\n${r.err}`);
    assert.match(r.err, re);
    assert.is(r.err.split('\n').length, 1, r.err);
    assert.not.match(r.err, /\n\s+at |\.ci\/run|Warning:/);
    assert.not.ok(existsSync(out), `${args.join(' ')}: the folder it made is gone`);
  });
  assert.not.ok(existsSync(nested), 'and so are the parents it made');

  const file = join(work, 'a-file');
  writeFileSync(file, 'x');
  assert.match(run('train', [...common, '--out', file]).err, new RegExp(`^error: ${file}: is a file, not a folder; choose a folder for --out$`));

  // A folder the user cannot write in is refused before any work (as root, the run drops to nobody).
  const shared = mkdtempSync(join(tmpdir(), 'train-cli-ro-'));
  try {
    chmodSync(shared, 0o755);
    const readOnly = join(shared, 'out');
    mkdirSync(readOnly, { mode: 0o555 });
    const r = run('train', ['--dataset', 'synthetic', '--out', readOnly], process.getuid?.() === 0 ? { uid: 65534 } : {});
    assert.is(r.code, 1, r.out + r.err);
    assert.match(r.err, new RegExp(`^error: ${readOnly}: cannot write in the folder \\(EACCES[^\n]*\\); choose a writable --out$`));
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }
});

test('--resume: a damaged checkpoint, or one started with other settings, is one line before any work; a dead run\'s lock and temp files are cleared', () => {
  const last = readFileSync(join(work, 'full', 'last.safetensors'));
  const damaged = join(work, 'damaged');
  mkdirSync(damaged);
  writeFileSync(join(damaged, 'last.safetensors'), last.subarray(0, 5000));
  const d = run('train', [...common, '--out', damaged, '--resume']);
  assert.is(d.code, 1);
  assert.match(d.err, new RegExp(`^error: ${damaged}/last\\.safetensors: is damaged \\(header length \\d+ runs past the end of the 5000-byte file\\); it cannot be resumed`));

  // A run killed with -9 mid-save: its lock and its half-written temp file are still there.
  const changed = join(work, 'changed');
  mkdirSync(changed);
  writeFileSync(join(changed, 'last.safetensors'), last);
  writeFileSync(join(changed, 'train.lock'), JSON.stringify({ pid: 4_194_305, host: hostname(), started: 'earlier' }));
  const temp = join(changed, '.last.safetensors.4194305.0.tmp');
  writeFileSync(temp, last.subarray(0, 1000));
  const c = run('train', [...common, '--out', changed, '--resume', '--data-dir', join(work, 'elsewhere'), '--lr', '0.02', '--momentum', '0.5']);
  assert.is(c.code, 1, c.out + c.err);
  assert.is(
    c.err,
    `error: ${changed}/last.safetensors: the run was started with --data-dir ${data} (now ${join(work, 'elsewhere')}), --lr 0.01 (now 0.02), --momentum 0.9 (now 0.5); ` +
      'resume it with the flags it was started with, or start a new run in another --out',
  );
  assert.match(c.out, new RegExp(`removed what an interrupted run left half-written: ${temp}`));
  assert.equal(readdirSync(changed), ['last.safetensors'], 'the stale lock was taken over and released, the temp file removed');
});

test('a checkpoint that cannot be written stops the run with one line; what was written stays', () => {
  const out = join(work, 'unwritable');
  mkdirSync(join(out, 'metrics.jsonl', 'in-the-way'), { recursive: true });
  const r = run('train', [...common, '--out', out, '--max-steps', '1']);
  assert.is(r.code, 1, r.out + r.err);
  assert.match(r.err, new RegExp(`^error: ${out}/metrics\\.jsonl: cannot write the file \\([^\n]*; the run stopped there and continues with --resume once that is fixed$`));
  assert.ok(existsSync(join(out, 'last.safetensors')));
});

test.run();
