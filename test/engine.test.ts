import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { setupGpu } from './util.js';
import { launch } from '../src/kernels/launch.js';
import { kernels } from '../src/kernels/launchers/elementwise.js';
import { Tensor, scope } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { add, mul, relu, fusion } from '../src/graph/ops/elementwise.js';
import { sum, mean, channelSum } from '../src/graph/ops/reduce.js';

test.before(async () => {
  await setupGpu();
});

test('autograd through shared inputs accumulates', async () => {
  const a = Tensor.from([1, -2, 3, -4, 5], [5]);
  a.requiresGrad = true;
  const b = Tensor.from([2, 2, 2, 2, 2], [5]);
  b.requiresGrad = true;
  const y = scope(() => sum(add(relu(mul(a, b)), a)));
  assert.equal(Array.from(await y.read()), [21]);
  backward(y);
  assert.equal(Array.from(await a.grad!.read()), [3, 1, 3, 1, 3]);
  assert.equal(Array.from(await b.grad!.read()), [1, 0, 3, 0, 5]);
  // A second backward adds into the same .grad buffers.
  const y2 = scope(() => mean(fusion(a, b)));
  backward(y2);
  assert.equal(Array.from(await a.grad!.read()), [3.6, 1.6, 3.6, 1.6, 3.6].map(Math.fround));
});

test('channelSum over N, H, W', async () => {
  const x = Tensor.from(Array.from({ length: 2 * 3 * 5 }, (_, i) => i), [2, 3, 5, 1]);
  assert.equal(Array.from(await channelSum(x).read()), [0 + 1 + 2 + 3 + 4 + 15 + 16 + 17 + 18 + 19, 5 + 6 + 7 + 8 + 9 + 20 + 21 + 22 + 23 + 24, 10 + 11 + 12 + 13 + 14 + 25 + 26 + 27 + 28 + 29]);
});

test('a device error is thrown at the next read with its message, once', async () => {
  const x = Tensor.from([1, 2, 3, 4], [4]);
  const y = Tensor.empty([4]);
  const log = console.error;
  console.error = () => undefined; // the handler also logs; keep the test output clean
  try {
    // One buffer bound as both the read and the written binding: valid to record, refused by the device.
    launch(kernels.forward, { x }, { y: x }, { n: 4, alpha: 0 }, [1], { OP: 0 });
    let message = '';
    try {
      await y.read();
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, /^WebGPU error: /);
  } finally {
    console.error = log;
  }
  assert.equal(Array.from(await relu(x).read()), [1, 2, 3, 4]);
});

test.run();
