import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, checkOp, randn, rng, setupGpu } from './util.js';
import { Tensor } from '../src/graph/tensor.js';
import { softmax } from '../src/graph/ops/softmax.js';
import * as reference from '../src/reference/softmax.js';

test.before(async () => {
  await setupGpu();
});

for (const [b, k, scale] of [[1, 7, 1], [3, 7, 3], [5, 10, 1], [4, 1, 1]] as const) {
  test(`softmax [${b}, ${k}] forward and backward`, async () => {
    const r = rng(b * 100 + k);
    const x = randn(r, b * k, scale);
    const g = randn(r, b * k);
    await checkOp(`softmax [${b}, ${k}]`, [{ data: x, shape: [b, k], grad: true }], ([xs]) => softmax(xs!), {
      y: reference.softmax(x, k), g, grads: [reference.softmaxGrad(g, x, k)],
    }, 1e-4, 1e-5, ['dx']);
  });
}

test('softmax is stable for large logits', async () => {
  const vals = [1000, 1001, 999, -1000, 1002, 0, 88, 89, 90, 91];
  const x = Tensor.from(vals, [2, 5]);
  const y = await softmax(x).readF32();
  assert.ok(y.every(Number.isFinite));
  assertClose(y, reference.softmax(vals, 5), 1e-4, 1e-5, 'y');
});

test.run();
