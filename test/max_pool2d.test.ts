import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { checkOp, randn, rng, setupGpu } from './util.js';
import { Tensor, type Shape } from '../src/graph/tensor.js';
import { maxPool2d, type MaxPoolOptions } from '../src/graph/ops/max_pool2d.js';
import * as reference from '../src/reference/max_pool2d.js';

test.before(async () => {
  await setupGpu();
});

/** Forward and backward must match the reference exactly. Gradients are multiples of 1/8, so that
 *  sums over overlapping windows are exact in f32 too. `values` maps inputs (e.g. to force ties). */
async function check(shape: Shape, opts: MaxPoolOptions, expectOut: number[], seed: number, values = (v: number) => v): Promise<void> {
  const r = rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const x = randn(r, n).map(values);
  const what = `[${shape}] ${JSON.stringify(opts)}`;
  const ref = reference.maxPool2d(x, shape, opts);
  assert.equal(ref.shape, expectOut, `${what} reference shape`);
  const g = randn(r, ref.y.length).map((v) => Math.round(v * 8) / 8);
  const forward = ([xs]: Tensor[]): Tensor => {
    const y = maxPool2d(xs!, opts);
    assert.equal([...y.shape], expectOut, `${what} output shape`);
    return y;
  };
  await checkOp(what, [{ data: x, shape, grad: true }], forward, { y: ref.y, g, grads: [reference.maxPool2dGrad(g, x, shape, opts)] }, 0, 0, ['dx']);
}

test('2×2 stride 2 on even and odd inputs (floor drops the last row/column)', async () => {
  await check([3, 5, 8, 6], {}, [3, 5, 4, 3], 1);
  await check([1, 6, 7, 9], { kernel: 2, stride: 2 }, [1, 6, 3, 4], 2);
  await check([3, 1, 3, 3], {}, [3, 1, 1, 1], 3);
});

test('2×2 stride 1 with TF SAME padding [0, 1, 0, 1]', async () => {
  await check([3, 5, 7, 6], { kernel: 2, stride: 1, padding: [0, 1, 0, 1] }, [3, 5, 7, 6], 4);
  await check([1, 3, 4, 5], { kernel: 2, stride: 1, padding: [0, 1, 0, 1] }, [1, 3, 4, 5], 5);
});

test('3×3 stride 2 padding 1 (overlapping windows)', async () => {
  await check([2, 3, 9, 8], { kernel: 3, stride: 2, padding: 1 }, [2, 3, 5, 4], 6);
});

test('ties pick the first maximum in row-major window order', async () => {
  const ties = (v: number): number => Math.min(Math.max(Math.round(v), -1), 1);
  await check([2, 3, 6, 7], {}, [2, 3, 3, 3], 7, ties);
  await check([1, 5, 6, 7], { kernel: 2, stride: 1, padding: [0, 1, 0, 1] }, [1, 5, 6, 7], 8, ties);
  await check([1, 2, 7, 7], { kernel: 3, stride: 2, padding: 1 }, [1, 2, 4, 4], 9, ties);
});

test('rejects padding of a whole window', () => {
  const x = Tensor.from(new Float32Array(16), [1, 1, 4, 4]);
  assert.throws(() => maxPool2d(x, { kernel: 2, padding: 2 }), /pad/);
  x.dispose();
});

test.run();
