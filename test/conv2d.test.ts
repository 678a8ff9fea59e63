import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { checkOp, randn, rng, setupGpu, withMaxTiles, type OpInput } from './util.js';
import { gpu } from '../src/kernels/context.js';
import { numel, Tensor } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { conv2d, type Conv2dOptions } from '../src/graph/ops/conv2d.js';
import * as reference from '../src/reference/conv2d.js';

test.before(async () => {
  await setupGpu();
});

const RTOL = 1e-4;
const ATOL = 1e-5;

interface Case {
  x: [number, number, number, number];
  cout: number;
  k: [number, number];
  opts: Conv2dOptions;
  bias: boolean;
}

/** A case's random x, w, b (inputs wanting gradients) and seed g for y, with the float64 reference's results. */
function data(c: Case, seed: number) {
  const r = rng(seed);
  const groups = c.opts.groups ?? 1;
  const wShape = [c.cout, c.x[1] / groups, ...c.k];
  const inputs: OpInput[] = [
    { data: randn(r, numel(c.x)), shape: c.x, grad: true },
    { data: randn(r, numel(wShape), 1 / Math.sqrt(numel(wShape.slice(1)))), shape: wShape, grad: true },
  ];
  if (c.bias) inputs.push({ data: randn(r, c.cout, 0.1), shape: [c.cout], grad: true });
  const [x, w, b] = inputs.map((i) => i.data);
  const ref = reference.conv2d(x!, c.x, w!, wShape, b ?? null, c.opts);
  const g = randn(r, ref.y.length);
  const rb = reference.conv2dBackward(x!, c.x, w!, wShape, g, c.opts);
  return { inputs, ref, g, grads: [rb.dx, rb.dw, rb.db] };
}

const forward = (c: Case) => ([x, w, b]: Tensor[]) => conv2d(x!, w!, b ?? null, c.opts);

/** conv2d forward and backward on random data: y's shape, and y, dx, dw, db against the float64 reference. */
async function check(c: Case, seed: number): Promise<void> {
  const { inputs, ref, g, grads } = data(c, seed);
  await checkOp('conv2d', inputs, (xs) => {
    const y = forward(c)(xs);
    assert.equal(y.shape, ref.shape, 'output shape');
    return y;
  }, { y: ref.y, g, grads }, RTOL, ATOL, ['dx', 'dw', 'db']);
}

/** y and dw of one run on a case's data, for comparing runs bit for bit. */
async function run(c: Case, seed: number): Promise<{ y: Float32Array; dw: Float32Array }> {
  const { inputs, g } = data(c, seed);
  const xs = inputs.map((i) => Tensor.from(i.data, i.shape));
  xs[1]!.requiresGrad = true;
  const y = forward(c)(xs);
  const gt = Tensor.from(g, y.shape);
  backward(y, gt);
  const out = { y: await y.readF32(), dw: await xs[1]!.grad!.readF32() };
  for (const t of [...xs, y, gt, xs[1]!.grad]) t?.dispose();
  return out;
}

const k = (n: number): [number, number] => [n, n];
const cases: Record<string, Case> = {
  'k1s1p0, HW % 4 == 0 (pointwise GEMM)': { x: [3, 5, 4, 6], cout: 6, k: k(1), opts: {}, bias: true },
  'k1s1p0, HW % 4 != 0': { x: [1, 7, 5, 3], cout: 3, k: k(1), opts: {}, bias: false },
  'k1s1p0, more channels than a tile': { x: [1, 13, 4, 5], cout: 11, k: k(1), opts: {}, bias: true },
  // N·H·W ≥ several MIN_SLICEs: the vec4 dW splits into chunks; channels not divisible by its tiles.
  'k1s1p0, chunked pointwise dW, batch 3': { x: [3, 13, 8, 12], cout: 11, k: k(1), opts: {}, bias: true },
  'k1s1p0, chunked pointwise dW, batch 1': { x: [1, 10, 12, 12], cout: 7, k: k(1), opts: {}, bias: false },
  'k1s1p0, HW % 4 != 0, chunked general dW': { x: [3, 6, 9, 7], cout: 5, k: k(1), opts: {}, bias: true },
  'k3s1p1': { x: [3, 5, 9, 7], cout: 6, k: k(3), opts: { padding: 1 }, bias: true },
  'k3s2p1, odd input (floors)': { x: [1, 3, 13, 11], cout: 5, k: k(3), opts: { stride: 2, padding: 1 }, bias: false },
  'k4s2p1': { x: [3, 3, 11, 10], cout: 7, k: k(4), opts: { stride: 2, padding: 1 }, bias: true },
  'k7s2p3': { x: [1, 3, 13, 12], cout: 6, k: k(7), opts: { stride: 2, padding: 3 }, bias: true },
  'asymmetric [0, 1, 0, 1] padding, stride 2': { x: [3, 6, 8, 10], cout: 5, k: k(3), opts: { stride: 2, padding: [0, 1, 0, 1] }, bias: true },
  'depthwise k3s1p1': { x: [3, 6, 8, 11], cout: 6, k: k(3), opts: { padding: 1, groups: 6 }, bias: true },
  'depthwise k3s2p1': { x: [1, 7, 13, 10], cout: 7, k: k(3), opts: { stride: 2, padding: 1, groups: 7 }, bias: false },
  'depthwise k3s2, asymmetric [0, 1, 0, 1]': { x: [3, 5, 8, 9], cout: 5, k: k(3), opts: { stride: 2, padding: [0, 1, 0, 1], groups: 5 }, bias: true },
  'groups 2 (not depthwise)': { x: [3, 6, 7, 9], cout: 4, k: k(3), opts: { padding: 1, groups: 2 }, bias: true },
  'non-square kernel, stride and padding': { x: [1, 5, 9, 12], cout: 3, k: [3, 5], opts: { stride: [2, 1], padding: [1, 2] }, bias: true },
};

// Every kernel, partial tiles at channel and column edges, and both depthwise strides (the largest tiles
// compile slowly on a software adapter, so not every case runs twice).
const maxTileCases = new Set(['k1s1p0, more channels than a tile', 'k1s1p0, chunked pointwise dW, batch 3', 'k3s2p1, odd input (floors)', 'k7s2p3', 'depthwise k3s1p1', 'depthwise k3s2p1', 'groups 2 (not depthwise)']);

/** Runs fn with pointwise dW on the vec4 kernel at these tiles (CPU adapters' tuning leaves it off). */
async function withPointwiseWgrad(tiles: [number, number], fn: () => Promise<unknown>): Promise<void> {
  const conv = gpu().tuning.conv;
  const saved = conv.pointwiseWgrad;
  conv.pointwiseWgrad = tiles;
  try {
    await fn();
  } finally {
    conv.pointwiseWgrad = saved;
  }
}

let seed = 1;
for (const [name, c] of Object.entries(cases)) {
  const s = seed++;
  test(name, async () => {
    await check(c, s);
  });
  if (maxTileCases.has(name)) test(`${name} [largest tiles]`, () => withMaxTiles(() => check(c, s)));
  // Partial vec4 tiles at both channel edges, and the largest; HW % 4 != 0 must fall back to the general kernel.
  if (name.startsWith('k1s1p0')) {
    for (const tiles of [[4, 4], [8, 8]] as [number, number][]) test(`${name} [vec4 dW ${tiles.join('×')}]`, () => withPointwiseWgrad(tiles, () => check(c, s)));
  }
}

async function deterministic(c: Case): Promise<void> {
  await check(c, 100);
  const a = await run(c, 100);
  const b = await run(c, 100);
  assert.ok(a.y.every((v, i) => Object.is(v, b.y[i])), 'y bitwise equal');
  assert.ok(a.dw.every((v, i) => Object.is(v, b.dw[i])), 'dw bitwise equal');
}

test('chunked weight gradient is deterministic', () => deterministic({ x: [3, 8, 20, 18], cout: 9, k: k(3), opts: { padding: 1 }, bias: true }));
test('chunked vec4 pointwise weight gradient is deterministic', () =>
  withPointwiseWgrad([4, 4], () => deterministic({ x: [3, 8, 20, 18], cout: 9, k: k(1), opts: {}, bias: true })));

test('rejects shapes that do not fit', () => {
  const x = Tensor.from(new Float32Array(2 * 4 * 5 * 5), [2, 4, 5, 5]);
  const w = Tensor.from(new Float32Array(6 * 3 * 3 * 3), [6, 3, 3, 3]);
  assert.throws(() => conv2d(x, w), /groups/);
  assert.throws(() => conv2d(x, w, null, { groups: 3 }), /groups/);
  x.dispose();
  w.dispose();
});

test.run();
