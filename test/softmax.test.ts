import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, randTensor, rng, setupGpu } from './util.js';
import { Tensor } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { softmax, reference } from '../src/graph/ops/softmax.js';

test.before(async () => {
  await setupGpu();
});

for (const [b, k, scale] of [[1, 7, 1], [3, 7, 3], [5, 10, 1], [4, 1, 1]] as const) {
  test(`softmax [${b}, ${k}] forward and backward`, async () => {
    const r = rng(b * 100 + k);
    const x = randTensor(r, [b, k], scale);
    x.requiresGrad = true;
    const y = softmax(x);
    const xs = await x.readF32();
    assertClose(await y.readF32(), reference.softmax(xs, k), 1e-4, 1e-5, 'y');
    const g = randTensor(r, [b, k]);
    backward(y, g);
    assertClose(await x.grad!.readF32(), reference.softmaxGrad(await g.readF32(), xs, k), 1e-4, 1e-5, 'dx');
    for (const t of [x.grad!, x, y, g]) t.dispose();
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
