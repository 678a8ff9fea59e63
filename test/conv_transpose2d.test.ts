import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { checkOp, randn, rng, setupGpu, withMaxTiles, type OpInput } from './util.js';
import { numel } from '../src/graph/tensor.js';
import { convTranspose2d, type ConvTranspose2dOptions } from '../src/graph/ops/conv_transpose2d.js';
import * as reference from '../src/reference/conv_transpose2d.js';

test.before(async () => {
  await setupGpu();
});

const RTOL = 1e-4;
const ATOL = 1e-5;

interface Case {
  x: [number, number, number, number];
  /** output channels per group */
  coutG: number;
  k: [number, number];
  opts: ConvTranspose2dOptions;
  bias: boolean;
  out: [number, number];
}

const cases: Record<string, Case> = {
  'k4s2p1 with bias': { x: [2, 6, 7, 7], coutG: 4, k: [4, 4], opts: { stride: 2, padding: 1 }, bias: true, out: [14, 14] },
  'k4s2p1 without bias, non-square': { x: [2, 3, 5, 6], coutG: 5, k: [4, 4], opts: { stride: 2, padding: 1 }, bias: false, out: [10, 12] },
  'k4s2p1, batch 1, odd channels': { x: [1, 7, 3, 5], coutG: 3, k: [4, 4], opts: { stride: 2, padding: 1 }, bias: true, out: [6, 10] },
  'k3s1p1, odd sizes, batch 3': { x: [3, 5, 7, 9], coutG: 6, k: [3, 3], opts: { padding: 1 }, bias: true, out: [7, 9] },
  'k1s1p0 (pointwise GEMM)': { x: [3, 5, 4, 6], coutG: 7, k: [1, 1], opts: {}, bias: true, out: [4, 6] },
  'k3s2p1 with output padding': { x: [1, 4, 5, 4], coutG: 3, k: [3, 3], opts: { stride: 2, padding: 1, outputPadding: 1 }, bias: false, out: [10, 8] },
  'k3 stride [2, 1], padding [0, 1], groups 2': { x: [3, 6, 4, 5], coutG: 2, k: [3, 3], opts: { stride: [2, 1], padding: [0, 1], groups: 2 }, bias: true, out: [9, 5] },
};

/** convTranspose2d forward and backward on random data: y's shape, and y, dx, dw, db against the float64 reference. */
async function check(c: Case, seed: number): Promise<void> {
  const r = rng(seed);
  const groups = c.opts.groups ?? 1;
  const cout = c.coutG * groups;
  const wShape = [c.x[1], c.coutG, ...c.k];
  const inputs: OpInput[] = [
    { data: randn(r, numel(c.x)), shape: c.x, grad: true },
    { data: randn(r, numel(wShape), 1 / Math.sqrt(numel(wShape.slice(1)))), shape: wShape, grad: true },
  ];
  if (c.bias) inputs.push({ data: randn(r, cout, 0.1), shape: [cout], grad: true });
  const [xd, wd, bd] = inputs.map((i) => i.data);
  const shape = [c.x[0], cout, ...c.out];
  const ref = reference.convTranspose2d(xd!, c.x, wd!, wShape, bd ?? null, c.opts);
  assert.equal(ref.shape, shape, 'reference shape');
  const g = randn(r, ref.y.length);
  const rb = reference.convTranspose2dBackward(xd!, c.x, wd!, wShape, g, c.opts);
  await checkOp('convTranspose2d', inputs, ([x, w, b]) => {
    const y = convTranspose2d(x!, w!, b ?? null, c.opts);
    assert.equal(y.shape, shape, 'output shape');
    return y;
  }, { y: ref.y, g, grads: [rb.dx, rb.dw, rb.db] }, RTOL, ATOL, ['dx', 'dw', 'db']);
}

// Both strides' phases, partial tiles and groups (the largest tiles compile slowly on a software adapter).
const maxTileCases = new Set(['k4s2p1 without bias, non-square', 'k3s1p1, odd sizes, batch 3', 'k3 stride [2, 1], padding [0, 1], groups 2']);

let seed = 1;
for (const [name, c] of Object.entries(cases)) {
  const s = seed++;
  test(name, () => check(c, s));
  if (maxTileCases.has(name)) test(`${name} [largest tiles]`, () => withMaxTiles(() => check(c, s)));
}

test('reference convTranspose2d matches its scatter definition y[i·s − p + k] += x[i]·w[k]', () => {
  // The reference is derived from conv2d's tap loop as an adjoint; check <convT(x), g> against direct loops.
  const r = rng(99);
  const [n, cin, h, w, coutG, kh, kw, s, p] = [1, 2, 3, 4, 3, 4, 3, 2, 1];
  const xd = randn(r, n * cin * h * w);
  const wd = randn(r, cin * coutG * kh * kw);
  const { y, shape } = reference.convTranspose2d(xd, [n, cin, h, w], wd, [cin, coutG, kh, kw], null, { stride: s, padding: p });
  const [, , ho, wo] = shape as [number, number, number, number];
  const gd = randn(r, y.length);
  let lhs = 0;
  for (let i = 0; i < y.length; i++) lhs += y[i]! * gd[i]!;
  let rhs = 0;
  for (let ci = 0; ci < cin; ci++)
    for (let iy = 0; iy < h; iy++)
      for (let ix = 0; ix < w; ix++)
        for (let co = 0; co < coutG; co++)
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const oy = iy * s - p + ky, ox = ix * s - p + kx;
              if (oy < 0 || oy >= ho || ox < 0 || ox >= wo) continue;
              rhs += xd[(ci * h + iy) * w + ix]! * wd[((ci * coutG + co) * kh + ky) * kw + kx]! * gd[(co * ho + oy) * wo + ox]!;
            }
  assert.ok(Math.abs(lhs - rhs) < 1e-9 * Math.max(1, Math.abs(rhs)), `${lhs} vs ${rhs}`);
});

test.run();
