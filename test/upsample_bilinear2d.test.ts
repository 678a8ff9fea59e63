import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, randn, rng, setupGpu } from './util.js';
import { scope, Tensor, type Shape } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { reference, upsampleBilinear2x } from '../src/graph/ops/upsample_bilinear2d.js';

test.before(async () => {
  await setupGpu();
});

async function check(shape: Shape, seed: number): Promise<void> {
  const r = rng(seed);
  const xData = randn(r, shape.reduce((a, b) => a * b, 1));
  const x = Tensor.from(xData, shape);
  x.requiresGrad = true;
  const y = scope(() => upsampleBilinear2x(x));
  const [n, c, h, w] = shape as [number, number, number, number];
  assert.equal([...y.shape], [n, c, 2 * h, 2 * w]);
  assertClose(await y.read(), reference.upsampleBilinear2x(xData, shape), 1e-4, 1e-5, `[${shape}] y`);
  const gData = randn(r, y.size);
  const g = Tensor.from(gData, y.shape);
  backward(y, g);
  assertClose(await x.grad!.read(), reference.upsampleBilinear2xGrad(gData, shape), 1e-4, 1e-5, `[${shape}] dx`);
  for (const t of [x, y, g, x.grad]) t?.dispose();
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
