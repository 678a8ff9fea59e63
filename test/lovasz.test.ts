import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, randn, rng, setupGpu } from './util.js';
import { gpu } from '../src/kernels/context.js';
import { Tensor } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { scale } from '../src/graph/ops/elementwise.js';
import { lovaszSoftmax } from '../src/training/losses/lovasz.js';
import * as reference from '../src/reference/lovasz.js';
import { sortPairs } from '../src/kernels/launchers/sort.js';
import * as sortReference from '../src/reference/sort.js';

test.before(async () => {
  await setupGpu();
});

/** Runs fn with tuning().sortGroup = g (every register-group size gets exercised whatever the adapter). */
async function withSortGroup(g: number, fn: () => Promise<void>): Promise<void> {
  const t = gpu().tuning;
  const saved = t.sortGroup;
  t.sortGroup = g;
  try {
    await fn();
  } finally {
    t.sortGroup = saved;
  }
}

for (const [rows, n, g] of [[1, 2, 8], [2, 8, 2], [3, 64, 4], [2, 1024, 8], [1, 4096, 16], [2, 512, 16]] as const) {
  test(`sortPairs: ${rows} rows of ${n}, ${g} per invocation, ties by index`, () =>
    withSortGroup(g, async () => {
      const r = rng(n * 7 + g);
      // Few distinct keys (many ties), including 0 (padding) and keys above 2^31.
      const keys = Array.from({ length: rows * n }, () => [0, 5, 9, 2 ** 31 + 3, 0x3f800001][Math.floor(r() * 5)]!);
      const words = new Uint32Array(rows * n * 2);
      for (let i = 0; i < rows * n; i++) words.set([keys[i]!, i % n], 2 * i);
      const pairs = Tensor.from(new Int32Array(words.buffer), [rows * n * 2], 'i32');
      sortPairs(pairs, rows, n);
      const got = new Uint32Array((await pairs.read()).buffer);
      for (let row = 0; row < rows; row++) {
        const k = keys.slice(row * n, (row + 1) * n);
        const want = sortReference.sortPairs(k, k.map((_, i) => i));
        const idx = Array.from({ length: n }, (_, i) => got[2 * (row * n + i) + 1]!);
        assert.equal(idx, want, `row ${row}`);
        assert.equal(Array.from({ length: n }, (_, i) => got[2 * (row * n + i)]!), want.map((i) => k[i]!), `keys of row ${row}`);
      }
      pairs.dispose();
    }));
}

/**
 * Logits where every pixel takes one of `configs` random logit vectors: errors tie exactly within a configuration
 * (the same float computation on GPU and CPU) and differ clearly between them, so the sort order, ties included,
 * is the same in float32 and float64 and the gradients can be compared.
 */
function tiedLogits(r: () => number, shape: [number, number, number, number], configs: number): Float32Array {
  const [b, c, h, w] = shape;
  const table = Array.from({ length: configs }, () => randn(r, c, 2));
  const out = new Float32Array(b * c * h * w);
  for (let i = 0; i < b * h * w; i++) {
    const v = table[Math.floor(r() * configs)]!;
    const n = Math.floor(i / (h * w));
    for (let k = 0; k < c; k++) out[(n * c + k) * h * w + (i % (h * w))] = v[k]!;
  }
  return out;
}

async function check(logits: Float32Array, shape: [number, number, number, number], target: Tensor, labels: ArrayLike<number>, what: string, gradToo = true): Promise<void> {
  const x = Tensor.from(logits, shape);
  x.requiresGrad = true;
  const loss = lovaszSoftmax(x, target);
  const want = reference.lovaszSoftmax(logits, shape, labels);
  assertClose(await loss.readF32(), [want.loss], 1e-4, 1e-5, `${what} loss`);
  if (gradToo) {
    // An upstream gradient other than 1 checks that the backward reads it.
    const seed = Tensor.from([2.5], []);
    backward(loss, seed);
    assertClose(await x.grad!.readF32(), want.grad.map((v) => 2.5 * v), 1e-4, 1e-5, `${what} dlogits`);
    seed.dispose();
    x.grad!.dispose();
  }
  for (const t of [x, loss, target]) t.dispose();
}

for (const [b, h, w] of [[1, 5, 7], [3, 17, 13], [6, 40, 40], [2, 1, 1]] as const) {
  test(`lovaszSoftmax binary [${b}, 2, ${h}, ${w}] against mask > 0.5, with ties`, async () => {
    const r = rng(b * 1000 + h * 10 + w);
    const shape: [number, number, number, number] = [b, 2, h, w];
    const n = b * h * w;
    const mask = Float32Array.from({ length: n }, () => [0, 0.25, 0.5, 0.75, 1, r()][Math.floor(r() * 6)]!);
    const labels = Array.from(mask, (v) => (v > 0.5 ? 1 : 0));
    await check(tiedLogits(r, shape, 12), shape, Tensor.from(mask, [b, 1, h, w]), labels, 'binary');
  });
}

test('lovaszSoftmax with i32 labels: 4 classes, one absent (present-class mean), one tiny', async () => {
  const r = rng(42);
  const shape: [number, number, number, number] = [3, 4, 9, 11];
  const n = 3 * 9 * 11;
  const labels = Array.from({ length: n }, (_, i) => (i === 17 ? 3 : r() < 0.6 ? 0 : 1));
  await check(tiedLogits(r, shape, 20), shape, Tensor.from(labels, [3, 9, 11], 'i32'), labels, '4 classes');
});

test('lovaszSoftmax when one class covers every pixel', async () => {
  const r = rng(7);
  const shape: [number, number, number, number] = [2, 2, 6, 5];
  const labels = new Array<number>(60).fill(1);
  await check(tiedLogits(r, shape, 8), shape, Tensor.from(labels, [2, 6, 5], 'i32'), labels, 'one class');
});

test('lovaszSoftmax value on continuous logits [4, 2, 40, 40]', async () => {
  const r = rng(3);
  const shape: [number, number, number, number] = [4, 2, 40, 40];
  const logits = randn(r, 4 * 2 * 1600, 3);
  const mask = Float32Array.from({ length: 4 * 1600 }, () => r());
  // Near-ties may order differently in float32: the loss is continuous there, its gradient is not.
  await check(logits, shape, Tensor.from(mask, [4, 40, 40]), Array.from(mask, (v) => (v > 0.5 ? 1 : 0)), 'continuous', false);
});

/**
 * The original lovasz_softmax(probas, labels, classes='present', per_image=False) transcribed step by step (forward
 * only): softmax over channels, pixels flattened as permute(0, 2, 3, 1), per present class the errors |fg − p| sorted
 * descending (any order among ties: the Lovász extension does not depend on it) dotted with lovasz_grad, then the mean.
 */
function originalLovasz(logits: ArrayLike<number>, [b, c, h, w]: readonly number[], labels: ArrayLike<number>): number {
  const probas: number[][] = [];
  for (let n = 0; n < b; n++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const z = Array.from({ length: c }, (_, k) => logits[((n * c + k) * h + y) * w + x]!);
    const e = z.map((v) => Math.exp(v));
    probas.push(e.map((v) => v / e.reduce((a, t) => a + t, 0)));
  }
  const losses: number[] = [];
  for (let k = 0; k < c; k++) {
    const fg = probas.map((_, i): number => (labels[i] === k ? 1 : 0));
    if (fg.every((f) => f === 0)) continue; // classes='present'
    const sorted = fg.map((f, i) => ({ f, e: Math.abs(f - probas[i]![k]!) })).sort((p, q) => q.e - p.e);
    const gts = fg.reduce((a, f) => a + f, 0);
    let cum = 0;
    const jaccard = sorted.map(({ f }, i) => {
      cum += f;
      return 1 - (gts - cum) / (gts + (i + 1 - cum));
    });
    const grad = jaccard.map((j, i) => (i === 0 ? j : j - jaccard[i - 1]!));
    losses.push(sorted.reduce((a, { e }, i) => a + e * grad[i]!, 0));
  }
  return losses.reduce((a, l) => a + l, 0) / losses.length;
}

test('lovaszSoftmax equals the original formulation, an absent class included', async () => {
  const r = rng(23);
  for (const [shape, labelOf] of [
    [[2, 2, 7, 9], () => (r() < 0.4 ? 1 : 0)],
    [[1, 2, 6, 6], () => 1], // background absent: only the present class counts
    [[2, 4, 5, 8], () => (r() < 0.5 ? 0 : 2)], // classes 1 and 3 absent
  ] as const) {
    const [b, c, h, w] = shape;
    const logits = randn(r, b * c * h * w, 2);
    const labels = Array.from({ length: b * h * w }, labelOf);
    const x = Tensor.from(logits, [...shape]);
    const target = Tensor.from(labels, [b, h, w], 'i32');
    const loss = lovaszSoftmax(x, target);
    assertClose(await loss.readF32(), [originalLovasz(logits, shape, labels)], 1e-4, 1e-6, `[${shape}]`);
    for (const t of [x, target, loss]) t.dispose();
  }
});

test('lovaszSoftmax is deterministic', async () => {
  const r = rng(11);
  const shape: [number, number, number, number] = [2, 2, 20, 20];
  const logits = Tensor.from(tiedLogits(r, shape, 5), shape);
  logits.requiresGrad = true;
  const mask = Tensor.from(Float32Array.from({ length: 800 }, () => r()), [2, 20, 20]);
  const runs: number[][] = [];
  for (let i = 0; i < 2; i++) {
    const loss = lovaszSoftmax(logits, mask);
    backward(loss);
    runs.push([...(await loss.readF32()), ...(await logits.grad!.readF32())]);
    logits.grad!.dispose();
    logits.grad = null;
    loss.dispose();
  }
  assert.equal(runs[0], runs[1]);
  for (const t of [logits, mask]) t.dispose();
});

test('lovaszSoftmax composes with other ops', async () => {
  const r = rng(5);
  const shape: [number, number, number, number] = [1, 2, 4, 4];
  const logits = tiedLogits(r, shape, 6);
  const x = Tensor.from(logits, shape);
  x.requiresGrad = true;
  const labels = Array.from({ length: 16 }, (_, i) => i % 3 === 0 ? 1 : 0);
  const loss = scale(lovaszSoftmax(x, Tensor.from(labels, [1, 4, 4], 'i32')), -3);
  backward(loss);
  const want = reference.lovaszSoftmax(logits, shape, labels);
  assertClose(await loss.readF32(), [-3 * want.loss], 1e-4, 1e-5, 'loss');
  assertClose(await x.grad!.readF32(), want.grad.map((v) => -3 * v), 1e-4, 1e-5, 'dlogits');
});

test.run();
