import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, randn, rng, setupGpu } from './util.js';
import { Tensor } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { islandLoss } from '../src/training/losses/island.js';
import * as reference from '../src/reference/island.js';

test.before(async () => {
  await setupGpu();
});

async function check(b: number, d: number, k: number, labels: number[], seed: number, lambda1 = 0.1): Promise<void> {
  const r = rng(seed);
  const data = randn(r, b * d, 1.5);
  const x = Tensor.from(data, [b, d]);
  x.requiresGrad = true;
  const y = Tensor.from(labels, [b], 'i32');
  const loss = islandLoss(x, y, k, lambda1);
  const want = reference.islandLoss(data, labels, b, d, k, lambda1);
  assertClose(await loss.readF32(), [want.loss], 1e-4, 1e-5, 'loss');
  backward(loss);
  assertClose(await x.grad!.readF32(), want.grad, 1e-4, 1e-5, 'dfeatures');
  for (const t of [x.grad!, x, y, loss]) t.dispose();
}

for (const [b, d, k] of [[1, 8, 7], [3, 10, 7], [4, 16, 3], [5, 13, 7], [6, 32, 7]] as const) {
  test(`islandLoss B ${b}, D ${d}, ${k} classes (some absent)`, async () => {
    const r = rng(b * 31 + d);
    const labels = Array.from({ length: b }, () => Math.floor(r() * Math.min(k, b + 1)));
    await check(b, d, k, labels, b * 97 + d);
  });
}

test('islandLoss with every row in one class and another λ1', async () => {
  await check(4, 12, 7, [2, 2, 2, 2], 5, 0.7);
});

test('islandLoss with every class present', async () => {
  await check(9, 20, 7, [0, 1, 2, 3, 4, 5, 6, 3, 0], 6);
});

test('islandLoss at OAENet size: B 60, D 1280', async () => {
  const r = rng(60);
  await check(60, 1280, 7, Array.from({ length: 60 }, () => Math.floor(r() * 6)), 61);
});

/**
 * The original formulation, transcribed step by step (forward only): centres are batch means, an absent class gets
 * the constant vector 1e-9·(1, …, 1); loss = mean((f − μ_y)²) + λ1 · Σ_{i≠j} (cos(μ_i, μ_j) + 1).
 */
function originalIsland(x: ArrayLike<number>, labels: number[], b: number, d: number, k: number, lambda1: number): number {
  const rows = (c: number) => labels.flatMap((y, r) => (y === c ? [r] : []));
  const mu = Array.from({ length: k }, (_, c) => {
    const rs = rows(c);
    return Array.from({ length: d }, (_, j) => (rs.length ? rs.reduce((a, r) => a + x[r * d + j]!, 0) / rs.length : 1e-9));
  });
  let mse = 0;
  for (let r = 0; r < b; r++) for (let j = 0; j < d; j++) mse += (x[r * d + j]! - mu[labels[r]!]![j]!) ** 2;
  const cos = (u: number[], v: number[]) => u.reduce((a, t, j) => a + t * v[j]!, 0) / (Math.hypot(...u) * Math.hypot(...v));
  let pairs = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) pairs += cos(mu[i]!, mu[j]!) + 1;
  return mse / (b * d) + lambda1 * pairs;
}

test('islandLoss equals the original formulation, absent classes included (their 1e-9 centre)', async () => {
  for (const [labels, lambda1] of [[[0, 0, 3, 5, 3], 0.1], [[6, 6, 6], 0.1], [[0, 1, 2, 3, 4, 5, 6, 1], 0.3]] as const) {
    const b = labels.length, d = 11;
    const data = randn(rng(b * 13), b * d, 1.5);
    const x = Tensor.from(data, [b, d]);
    const y = Tensor.from([...labels], [b], 'i32');
    const loss = islandLoss(x, y, 7, lambda1);
    assertClose(await loss.readF32(), [originalIsland(data, [...labels], b, d, 7, lambda1)], 1e-5, 1e-6, `labels ${labels}`);
    for (const t of [x, y, loss]) t.dispose();
  }
});

test('islandLoss needs i32 labels of the batch size', () => {
  const x = Tensor.from(new Float32Array(8), [2, 4]);
  assert.throws(() => islandLoss(x, Tensor.from([0, 1, 2], [3], 'i32')), /labels must be i32 \[2\]/);
  assert.throws(() => islandLoss(x, Tensor.from([0, 1], [2])), /labels must be i32/);
});

test.run();
