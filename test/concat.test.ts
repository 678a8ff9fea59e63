import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, randn, rng, setupGpu } from './util.js';
import { scope, Tensor, type Shape } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { concat, reference } from '../src/graph/ops/concat.js';

test.before(async () => {
  await setupGpu();
});

/** Forward and the gradients of the inputs flagged in `grads`, exactly. */
async function check(shapes: Shape[], grads: boolean[], seed: number): Promise<void> {
  const r = rng(seed);
  const data = shapes.map((s) => randn(r, s.reduce((a, b) => a * b, 1)));
  const xs = data.map((d, i) => Tensor.from(d, shapes[i]!));
  xs.forEach((x, i) => (x.requiresGrad = grads[i]!));
  const what = shapes.map((s) => `[${s}]`).join(' + ');
  const y = scope(() => concat(xs));
  assertClose(await y.read(), reference.concat(data, shapes), 0, 0, `${what} y`);
  const gData = randn(r, y.size);
  const g = Tensor.from(gData, y.shape);
  backward(y, g);
  const expected = reference.concatGrad(gData, shapes);
  for (const [i, x] of xs.entries()) {
    if (grads[i]) assertClose(await x.grad!.read(), expected[i]!, 0, 0, `${what} d${i}`);
    else assert.is(x.grad, null);
  }
  for (const t of [...xs, ...xs.map((x) => x.grad), y, g]) t?.dispose();
}

test('channels in order, batch 3 and 1, odd sizes', async () => {
  await check([[3, 3, 5, 7], [3, 1, 5, 7], [3, 6, 5, 7]], [true, true, true], 1);
  await check([[1, 2, 4, 4], [1, 5, 4, 4]], [true, true], 2);
  await check([[2, 7, 3, 1]], [true], 3);
});

test('gradients only for the inputs that want them', async () => {
  await check([[3, 2, 3, 5], [3, 3, 3, 5], [3, 1, 3, 5]], [false, true, false], 4);
});

test('rows longer than one workgroup', async () => {
  await check([[2, 9, 17, 19], [2, 3, 17, 19]], [true, true], 5);
});

test('rejects mismatched sizes', () => {
  const a = Tensor.empty([1, 2, 3, 3]), b = Tensor.empty([1, 2, 3, 4]);
  assert.throws(() => concat([a, b]), /differ/);
  a.dispose();
  b.dispose();
});

test.run();
