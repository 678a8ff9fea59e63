import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { argmaxRows, classificationMetrics } from '../src/training/metrics.js';
import { ReduceLROnPlateau } from '../src/training/schedule.js';
import { parseFlags, usage, type FlagTable } from '../src/cli/flags.js';
import { checkSameRun, type RunIdentity } from '../src/cli/train/resume.js';
import { stepsPerEpoch, trainLoop, type TrainLoopOptions } from '../src/training/loop.js';
import { UserError } from '../src/errors.js';

const FLAGS = {
  name: { type: 'string', help: 'a name' },
  epochs: { type: 'int', help: 'epochs', default: 50 },
  lr: { type: 'number', help: 'learning rate' },
  resume: { type: 'bool', help: 'continue' },
} satisfies FlagTable;

test('flags: typed by their table, defaults and absent bools filled in', () => {
  const f = parseFlags([], FLAGS, 'cmd');
  // The types follow the table: a default makes a flag present, a bool is always a boolean.
  const typed: { name: string | undefined; epochs: number; lr: number | undefined; resume: boolean } = f;
  // @ts-expect-error a string flag without a default may be absent
  const name: string = f.name;
  assert.equal({ ...typed, name }, { name: undefined, epochs: 50, lr: undefined, resume: false });
  assert.equal(parseFlags(['--name', 'x', '--epochs=3', '--lr', '1e-3', '--resume'], FLAGS, 'cmd'), { name: 'x', epochs: 3, lr: 1e-3, resume: true });
  assert.is(parseFlags(['--resume=false'], FLAGS, 'cmd').resume, false);
  assert.match(usage('cmd', FLAGS), /--epochs INT +epochs \(default 50\)\n +--lr NUMBER +learning rate\n +--resume +continue$/);
  for (const [argv, message] of [
    [['--epochs', '2.5'], 'cmd: --epochs "2.5" is not an integer'],
    [['--lr', 'x'], 'cmd: --lr "x" is not a number'],
    [['--name'], 'cmd: --name needs a value (a name)'],
    [['--bogus'], 'cmd: unknown flag --bogus; known flags: --name, --epochs, --lr, --resume'],
    [['name'], 'cmd: unexpected argument "name"; flags look like --epochs 10 (see --help)'],
  ] as [string[], string][]) {
    assert.throws(() => parseFlags(argv, FLAGS, 'cmd'), (e: unknown) => e instanceof UserError && e.message === message, argv.join(' '));
  }
});

test('flags: a number outside its range, or a string not among its choices, is one line naming the flag', () => {
  const RANGED = {
    epochs: { type: 'int', help: 'epochs', default: 50, range: { min: 1 } },
    lr: { type: 'number', help: 'learning rate', default: 0.01, range: { above: 0 } },
    momentum: { type: 'number', help: 'momentum', default: 0.9, range: { min: 0, below: 1 } },
  } satisfies FlagTable;
  assert.equal(parseFlags(['--epochs', '1', '--lr', '1e-9', '--momentum', '0'], RANGED, 'cmd'), { epochs: 1, lr: 1e-9, momentum: 0 });
  for (const [argv, message] of [
    [['--epochs', '0'], 'cmd: --epochs 0 is out of range; pass an integer ≥ 1 (epochs)'],
    [['--lr', '-1'], 'cmd: --lr -1 is out of range; pass a number > 0 (learning rate)'],
    [['--lr=0'], 'cmd: --lr 0 is out of range; pass a number > 0 (learning rate)'],
    [['--momentum', '-5'], 'cmd: --momentum -5 is out of range; pass a number ≥ 0 and < 1 (momentum)'],
    [['--momentum', '1'], 'cmd: --momentum 1 is out of range; pass a number ≥ 0 and < 1 (momentum)'],
  ] as [string[], string][]) {
    assert.throws(() => parseFlags(argv, RANGED, 'cmd'), (e: unknown) => e instanceof UserError && e.message === message, argv.join(' '));
  }
  assert.match(usage('cmd', RANGED), /--momentum NUMBER +momentum \(≥ 0 and < 1, default 0\.9\)$/);
  const CHOICE = { dataset: { type: 'string', help: 'dataset', choices: ['ckplus', 'rafdb'] } } satisfies FlagTable;
  assert.is(parseFlags(['--dataset', 'rafdb'], CHOICE, 'cmd').dataset, 'rafdb');
  assert.throws(() => parseFlags(['--dataset', 'nope'], CHOICE, 'cmd'), (e: unknown) => e instanceof UserError && e.message === 'cmd: --dataset "nope" is not one of ckplus, rafdb');
});

test('an epoch never ends in a batch of one image (batch norm cannot train on it): it joins the batch before', async () => {
  assert.equal([[6, 5], [9, 4], [8, 4], [5, 4], [3, 4], [1, 4], [12, 60]].map(([n, b]) => stepsPerEpoch(n!, b!)), [1, 2, 2, 1, 1, 1, 1]);
  // A training split of one face cannot be trained at all: refused before any work.
  const one = { split: { train: [0], val: [] } } as unknown as TrainLoopOptions;
  let refused: unknown;
  await trainLoop(one).catch((e: unknown) => (refused = e));
  assert.ok(refused instanceof UserError && /^the training split has 1 face\(s\): batch norm needs two or more/.test(refused.message), String(refused));
});

test('--resume names every setting that changed, and checks only those the checkpoint records', () => {
  const started: RunIdentity = { dataset: 'ckplus', dataDir: '/data/ck', imageSize: 32, batchSize: 4, epochs: 3, seed: 0, folds: 4, fold: 0, holdout: null, valSubjects: 1, valFraction: null, labelOrder: null, lr: 0.01, momentum: 0.9, islandWeight: 0.1, lovaszWeight: 1 };
  checkSameRun('last.safetensors', started, { ...started });
  const now = { ...started, dataDir: '/data/other', lr: 0.02, momentum: 0.5, lovaszWeight: 0 };
  assert.throws(
    () => checkSameRun('last.safetensors', started, now),
    (e: unknown) =>
      e instanceof UserError &&
      e.message === 'last.safetensors: the run was started with --data-dir /data/ck (now /data/other), --lr 0.01 (now 0.02), --momentum 0.9 (now 0.5), --lovasz-weight 1 (now 0); resume it with the flags it was started with, or start a new run in another --out',
  );
  const { lr: _, momentum: __, ...older } = started;
  checkSameRun('last.safetensors', older, { ...started, lr: 0.5, momentum: 0 });
});

test('metrics: accuracy, recall with an absent class, confusion', () => {
  const pred = argmaxRows(new Float32Array([0.1, 0.9, 0, 2, 1, 0, 0, 0, 3, 5, 1, 0]), 3);
  assert.equal(Array.from(pred), [1, 0, 2, 0]);
  const m = classificationMetrics(pred, [1, 0, 0, 0], 3);
  assert.is(m.accuracy, 0.75);
  assert.equal(m.confusion, [[2, 0, 1], [0, 1, 0], [0, 0, 0]]);
  assert.equal(m.recall.slice(0, 2), [2 / 3, 1]);
  assert.ok(Number.isNaN(m.recall[2]));
});

test('ReduceLROnPlateau follows PyTorch (mode min, rel threshold)', () => {
  const opt = { lr: 1e-2 };
  const s = new ReduceLROnPlateau(opt, 0.1, 2);
  const lrs = [1.0, 0.9, 0.95, 0.95, 0.95, 0.8, 0.85, 0.85, 0.85].map((v) => (s.step(v), opt.lr));
  assert.equal(lrs.map((v) => +v.toPrecision(3)), [1e-2, 1e-2, 1e-2, 1e-2, 1e-3, 1e-3, 1e-3, 1e-3, 1e-4]);
});


test.run();
