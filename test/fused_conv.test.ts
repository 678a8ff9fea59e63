// Inference fusion: eval-mode BN folded into the conv (foldBatchNorm) and ReLU/ReLU6 in the conv
// kernels' store, on every conv path (pointwise GEMM, depthwise 3×3, direct), against the float64
// references of conv → BN → activation; the autograd guard; OAENet fused against unfused.

import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { conv2d, type Conv2dOptions } from '../src/graph/ops/index.js';
import { foldBatchNorm } from '../src/graph/ops/batch_norm2d.js';
import * as bnRef from '../src/reference/batch_norm2d.js';
import type { FusedActivation } from '../src/kernels/activation.js';
import * as convRef from '../src/reference/conv2d.js';
import { clearTape, noGrad } from '../src/graph/tape.js';
import { numel, Tensor } from '../src/graph/tensor.js';
import { OAENet } from '../src/model/oaenet.js';
import { assertClose, checkOp, randTensor, randn, rng, setupGpu, type OpInput } from './util.js';

const cases: { what: string; x: number[]; w: number[]; opts: Conv2dOptions; bias: boolean; act?: FusedActivation }[] = [
  { what: 'pointwise 1×1', x: [2, 6, 4, 6], w: [5, 6, 1, 1], opts: {}, bias: false, act: 'relu6' },
  { what: 'depthwise 3×3 s2', x: [1, 4, 7, 9], w: [4, 1, 3, 3], opts: { stride: 2, padding: 1, groups: 4 }, bias: false, act: 'relu6' },
  { what: 'depthwise 3×3 s1', x: [2, 3, 5, 5], w: [3, 1, 3, 3], opts: { padding: 1, groups: 3 }, bias: true, act: 'relu' },
  { what: 'direct 3×3 s2 with bias', x: [2, 3, 9, 7], w: [5, 3, 3, 3], opts: { stride: 2, padding: 1 }, bias: true, act: 'relu' },
  { what: 'direct 7×7 s2, no activation', x: [1, 3, 12, 12], w: [4, 3, 7, 7], opts: { stride: 2, padding: 3 }, bias: false },
];

test('conv → eval BN → activation as one kernel matches the float64 references', async () => {
  await setupGpu();
  const r = rng(11);
  for (const c of cases) {
    const cout = c.w[0]!;
    const x: OpInput = { data: randn(r, numel(c.x)), shape: c.x };
    const w: OpInput = { data: randn(r, numel(c.w), 0.5), shape: c.w };
    const b: OpInput | null = c.bias ? { data: randn(r, cout), shape: [cout] } : null;
    const gamma: OpInput = { data: Float32Array.from({ length: cout }, () => 0.5 + r()), shape: [cout] };
    const beta: OpInput = { data: randn(r, cout), shape: [cout] };
    const mean: OpInput = { data: randn(r, cout, 0.3), shape: [cout] };
    const variance: OpInput = { data: Float32Array.from({ length: cout }, () => 0.2 + 2 * r()), shape: [cout] };
    const conv = convRef.conv2d(x.data, c.x, w.data, c.w, b?.data ?? null, c.opts);
    const bn = bnRef.batchNorm2d(conv.y, conv.shape, gamma.data, beta.data, mean.data, variance.data, { training: false });
    const want = bn.y.map((v) => (c.act === 'relu6' ? Math.min(Math.max(v, 0), 6) : c.act === 'relu' ? Math.max(v, 0) : v));
    if (c.act) assert.ok(want.some((v) => v === 0) && want.some((v) => v > 0), `${c.what}: the activation clips some values`);
    const inputs = [x, w, gamma, beta, mean, variance, ...(b ? [b] : [])];
    await checkOp(c.what, inputs, ([xt, wt, gt, bet, mt, vt, bt]) => noGrad(() => {
      const [wf, bf] = foldBatchNorm(wt!, bt ?? null, gt!, bet!, mt!, vt!);
      return conv2d(xt!, wf, bf, { ...c.opts, ...(c.act ? { activation: c.act } : {}) });
    }), { y: want }, 1e-5, 1e-5);
  }
});

test('a fused activation refuses to run where autograd records', async () => {
  const x = randTensor(rng(1), [1, 2, 4, 4]);
  const w = randTensor(rng(2), [2, 2, 1, 1]);
  w.requiresGrad = true;
  assert.throws(() => conv2d(x, w, null, { activation: 'relu' }), /inference-only/);
  noGrad(() => conv2d(x, w, null, { activation: 'relu' })).dispose();
  x.dispose();
  w.dispose();
});

test('OAENet eval: fused (noGrad) equals unfused (autograd on)', async () => {
  const model = new OAENet({ inputSize: 64, seed: 5 });
  model.eval();
  const r = rng(9);
  const image = Tensor.from(randn(r, 2 * 3 * 64 * 64), [2, 3, 64, 64]);
  const attn = Tensor.from(randn(r, 2 * 3 * 64 * 64), [2, 3, 64, 64]);
  const fused = noGrad(() => model.forward(image, attn).logits);
  const plain = model.forward(image, attn).logits; // parameters require grad: nothing fuses
  clearTape();
  const [f, p] = [await fused.readF32(), await plain.readF32()];
  assertClose(f, p, 1e-4, 1e-5, 'logits');
  for (const t of [image, attn, fused, plain]) t.dispose();
  model.dispose();
});

test.run();
