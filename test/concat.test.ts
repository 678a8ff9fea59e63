import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { checkOp, randn, rng, setupGpu } from './util.js';
import { Tensor, type Shape } from '../src/graph/tensor.js';
import { concat } from '../src/graph/ops/concat.js';
import * as reference from '../src/reference/concat.js';

test.before(async () => {
  await setupGpu();
});

/** Forward and the gradients of the inputs flagged in `grads`, exactly. */
async function check(shapes: Shape[], grads: boolean[], seed: number): Promise<void> {
  const r = rng(seed);
  const inputs = shapes.map((shape, i) => ({ data: randn(r, shape.reduce((a, b) => a * b, 1)), shape, grad: grads[i]! }));
  const y = reference.concat(inputs.map((x) => x.data), shapes);
  const g = randn(r, y.length);
  await checkOp(shapes.map((s) => `[${s}]`).join(' + '), inputs, (xs) => concat(xs), { y, g, grads: reference.concatGrad(g, shapes) });
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
