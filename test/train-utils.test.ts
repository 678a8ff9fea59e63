import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { argmaxRows, classificationMetrics } from '../src/training/metrics.js';
import { ReduceLROnPlateau } from '../src/training/schedule.js';
import { parseFlags, usage, type FlagTable } from '../src/cli/flags.js';
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
