import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { checkOp, randn, randTensor, rng, setupGpu } from './util.js';
import type { Tensor } from '../src/graph/tensor.js';
import { globalAvgPool } from '../src/graph/ops/global_avg_pool.js';
import * as reference from '../src/reference/global_avg_pool.js';

test.before(async () => {
  await setupGpu();
});

// Odd H·W (unaligned rows), H·W = 1, batch 1 and 3, C not divisible by 4, and rows long enough for the
// two-stage path: 13×23 (2 chunks, rows starting off a vec4 boundary) and 56×56.
const SHAPES = [[1, 3, 5, 7], [3, 5, 4, 4], [3, 6, 1, 1], [2, 5, 7, 9], [1, 2, 13, 23], [1, 3, 56, 56]] as const;

for (const shape of SHAPES) {
  test(`globalAvgPool [${shape}] forward and backward`, async () => {
    const r = rng(shape.reduce((a: number, b) => a * 31 + b, 7));
    const [n, c, h, w] = shape;
    const x = randn(r, n * c * h * w);
    const g = randn(r, n * c);
    const forward = ([xs]: Tensor[]): Tensor => {
      const y = globalAvgPool(xs!);
      assert.equal(y.shape, [n, c, 1, 1]);
      return y;
    };
    await checkOp(`globalAvgPool [${shape}]`, [{ data: x, shape, grad: true }], forward, {
      y: reference.globalAvgPool(x, shape), g, grads: [reference.globalAvgPoolGrad(g, shape)],
    }, 1e-4, 1e-5, ['dx']);
  });
}

test('globalAvgPool rejects non-4-D input', () => {
  const x = randTensor(rng(1), [2, 3]);
  assert.throws(() => globalAvgPool(x), /\[N, C, H, W\]/);
  x.dispose();
});

test.run();
