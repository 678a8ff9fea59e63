import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, checkOp, randn, rng, setupGpu } from './util.js';
import { gpu } from '../src/kernels/context.js';
import { poolStats, scope, Tensor, type Shape } from '../src/graph/tensor.js';
import { batchNorm2d, type BatchNormOptions } from '../src/graph/ops/batch_norm2d.js';
import * as reference from '../src/reference/batch_norm2d.js';

test.before(async () => {
  await setupGpu();
});

const RTOL = 1e-4;
const ATOL = 1e-5;

interface Case {
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  rm: Float32Array;
  rv: Float32Array;
  g: Float32Array;
}

/** Inputs with per-channel offsets and spreads, so that mean and variance both matter. */
function makeCase(shape: Shape, seed: number): Case {
  const r = rng(seed);
  const [n, c, h, w] = shape as [number, number, number, number];
  const offset = Array.from({ length: c }, () => (r() - 0.5) * 6);
  const spread = Array.from({ length: c }, () => 0.3 + 2 * r());
  const x = randn(r, n * c * h * w).map((v, i) => v * spread[Math.floor(i / (h * w)) % c]! + offset[Math.floor(i / (h * w)) % c]!);
  return {
    x,
    gamma: Float32Array.from({ length: c }, () => 0.5 + r()),
    beta: randn(r, c, 0.3),
    rm: randn(r, c, 0.5),
    rv: Float32Array.from({ length: c }, () => 0.5 + r()),
    g: randn(r, x.length),
  };
}

/** One forward + backward against the float64 reference; `grads` picks which of x, γ, β want gradients. */
async function check(shape: Shape, opts: BatchNormOptions, seed: number, grads = [true, true, true]): Promise<void> {
  const k = makeCase(shape, seed);
  const c = shape[1]!;
  const rm = Tensor.from(k.rm, [c]), rv = Tensor.from(k.rv, [c]);
  const what = `${opts.training ? 'train' : 'eval'} [${shape}]`;
  const ref = reference.batchNorm2d(k.x, shape, k.gamma, k.beta, k.rm, k.rv, opts);
  const refG = reference.batchNorm2dGrad(k.g, k.x, shape, k.gamma, k.rm, k.rv, opts);
  const inputs = [{ data: k.x, shape }, { data: k.gamma, shape: [c] }, { data: k.beta, shape: [c] }].map((t, i) => ({ ...t, grad: grads[i]! }));
  try {
    await checkOp(what, inputs, ([x, gamma, beta]) => batchNorm2d(x!, gamma!, beta!, rm, rv, opts), {
      y: ref.y, g: k.g, grads: [refG.dx, refG.dgamma, refG.dbeta],
    }, RTOL, ATOL, ['dx', 'dγ', 'dβ']);
    // The backward leaves the running statistics alone, so they still hold the forward's update.
    assertClose(await rm.read(), ref.runningMean, RTOL, ATOL, `${what} running mean`);
    assertClose(await rv.read(), ref.runningVar, RTOL, ATOL, `${what} running var`);
  } finally {
    rm.dispose();
    rv.dispose();
  }
}

test('train: batch statistics, in-place running statistics, dx dγ dβ', async () => {
  await check([3, 5, 7, 9], { training: true }, 1);
  await check([1, 6, 5, 3], { training: true, momentum: 0.3, eps: 1e-3 }, 2);
  await check([3, 3, 1, 1], { training: true }, 3);
});

test('eval: running statistics, dx dγ dβ', async () => {
  await check([3, 5, 7, 9], { training: false }, 4);
  await check([1, 7, 4, 6], { training: false, eps: 1e-3 }, 5);
});

test('only the gradients asked for', async () => {
  await check([2, 5, 3, 4], { training: true }, 6, [true, false, true]);
  await check([2, 5, 3, 4], { training: true }, 7, [false, true, false]);
  await check([2, 5, 3, 4], { training: false }, 8, [true, false, false]);
});

test('many chunks per channel merge like one', async () => {
  const t = gpu().tuning;
  const saved = t.reducePerThread;
  try {
    for (const perThread of [1, 3]) {
      t.reducePerThread = perThread;
      await check([3, 5, 11, 13], { training: true }, 10 + perThread);
    }
  } finally {
    t.reducePerThread = saved;
  }
});

test('repeated train steps keep updating the running statistics', async () => {
  const shape = [2, 3, 5, 5];
  const k = makeCase(shape, 20);
  const x = Tensor.from(k.x, shape), gamma = Tensor.from(k.gamma, [3]), beta = Tensor.from(k.beta, [3]);
  const rm = Tensor.from(k.rm, [3]), rv = Tensor.from(k.rv, [3]);
  let [m, v] = [Array.from(k.rm), Array.from(k.rv)];
  for (let step = 0; step < 3; step++) {
    scope(() => void batchNorm2d(x, gamma, beta, rm, rv, { training: true }));
    ({ runningMean: m, runningVar: v } = reference.batchNorm2d(k.x, shape, k.gamma, k.beta, m, v, { training: true }));
  }
  assertClose(await rm.read(), m, RTOL, ATOL, 'running mean after 3 steps');
  assertClose(await rv.read(), v, RTOL, ATOL, 'running var after 3 steps');
  for (const t of [x, gamma, beta, rm, rv]) t.dispose();
});

test('releases its temporaries', async () => {
  const before = poolStats().liveBuffers;
  await check([2, 5, 6, 6], { training: true }, 30);
  await check([2, 5, 6, 6], { training: false }, 31);
  assert.is(poolStats().liveBuffers, before);
});

test('rejects a single value per channel in training', () => {
  const x = Tensor.from([1, 2], [1, 2, 1, 1]);
  const p = Tensor.from([1, 1], [2]);
  assert.throws(() => batchNorm2d(x, p, p, p, p, { training: true }), /more than one value/);
  x.dispose();
  p.dispose();
});

test.run();
