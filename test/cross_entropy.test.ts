import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, checkOp, randn, rng, setupGpu } from './util.js';
import { Tensor } from '../src/graph/tensor.js';
import { crossEntropy } from '../src/graph/ops/cross_entropy.js';
import * as reference from '../src/reference/cross_entropy.js';

test.before(async () => {
  await setupGpu();
});

// Labels cover every class (b ≥ k); the upstream gradient is not 1, so the backward must read it.
for (const [b, k, scale] of [[1, 7, 1], [3, 7, 2], [16, 7, 3], [9, 3, 1]] as const) {
  test(`crossEntropy [${b}, ${k}] loss and gradient`, async () => {
    const x = randn(rng(b * 10 + k), b * k, scale);
    const lab = Array.from({ length: b }, (_, i) => (i * 5 + 2) % k);
    const labels = Tensor.from(lab, [b], 'i32');
    const forward = ([logits]: Tensor[]): Tensor => {
      const loss = crossEntropy(logits!, labels);
      assert.equal(loss.shape, []);
      return loss;
    };
    try {
      await checkOp(`crossEntropy [${b}, ${k}]`, [{ data: x, shape: [b, k], grad: true }], forward, {
        y: [reference.crossEntropy(x, lab, k)], g: Float32Array.of(0.7), grads: [reference.crossEntropyGrad(x, lab, k, 0.7)],
      }, 1e-4, 1e-5, ['dlogits']);
    } finally {
      labels.dispose();
    }
  });
}

test('crossEntropy with large logits stays finite', async () => {
  const vals = [500, -500, 0, 1000, 999, 998];
  const loss = crossEntropy(Tensor.from(vals, [2, 3]), Tensor.from([1, 2], [2], 'i32'));
  assertClose(await loss.readF32(), [reference.crossEntropy(vals, [1, 2], 3)], 1e-4, 1e-5, 'loss');
});

test('crossEntropy: an out-of-range label gives NaN; bad shapes throw', async () => {
  const x = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
  const loss = crossEntropy(x, Tensor.from([0, 3], [2], 'i32'));
  assert.ok(Number.isNaN((await loss.readF32())[0]));
  assert.throws(() => crossEntropy(x, Tensor.from([0, 1], [2])), /i32/);
  assert.throws(() => crossEntropy(x, Tensor.from([0, 1, 2], [3], 'i32')), /i32 \[2\]/);
});

test.run();
