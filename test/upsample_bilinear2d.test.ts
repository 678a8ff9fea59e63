import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { checkOp, randn, rng, setupGpu } from './util.js';
import { Tensor, type Shape } from '../src/graph/tensor.js';
import { upsampleBilinear2x } from '../src/graph/ops/upsample_bilinear2d.js';
import * as reference from '../src/reference/upsample_bilinear2d.js';

test.before(async () => {
  await setupGpu();
});

async function check(shape: Shape, seed: number): Promise<void> {
  const r = rng(seed);
  const x = randn(r, shape.reduce((a, b) => a * b, 1));
  const [n, c, h, w] = shape as [number, number, number, number];
  const g = randn(r, n * c * 4 * h * w);
  const forward = ([xs]: Tensor[]): Tensor => {
    const y = upsampleBilinear2x(xs!);
    assert.equal([...y.shape], [n, c, 2 * h, 2 * w]);
    return y;
  };
  await checkOp(`[${shape}]`, [{ data: x, shape, grad: true }], forward, {
    y: reference.upsampleBilinear2x(x, shape), g, grads: [reference.upsampleBilinear2xGrad(g, shape)],
  }, 1e-4, 1e-5, ['dx']);
}

test('odd and even sizes, batch 1 and 3', async () => {
  await check([3, 5, 7, 5], 1);
  await check([1, 2, 4, 4], 2);
  await check([3, 3, 2, 9], 3);
});

test('single rows and columns (scale 0: every output reads the one input)', async () => {
  await check([1, 3, 1, 1], 4);
  await check([3, 1, 1, 6], 5);
});

test('a larger plane (many invocations, the last row/column taps)', async () => {
  await check([1, 1, 28, 27], 6);
});

test('rejects planes whose backward window would not be exact', () => {
  const x = Tensor.empty([1, 1, 1025, 1]);
  assert.throws(() => upsampleBilinear2x(x), /1024/);
  x.dispose();
});

test.run();
