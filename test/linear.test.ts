// The linear layer (a 1×1 convolution over a 1×1 image) against its float64 reference, forward and
// backward, with and without bias, on odd sizes.

import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { linear } from '../src/graph/ops/linear.js';
import { Tensor } from '../src/graph/tensor.js';
import * as reference from '../src/reference/linear.js';
import { checkOp, randn, rng, setupGpu } from './util.js';

test.before(async () => {
  await setupGpu();
});

for (const [batch, inF, outF, bias] of [[3, 5, 7, true], [1, 1280, 7, true], [4, 9, 1, false], [2, 16, 12, true]] as const) {
  test(`linear [${batch}, ${inF}] → ${outF}${bias ? ' with bias' : ''}`, async () => {
    const r = rng(batch * 1000 + inF + outF);
    const x = randn(r, batch * inF), w = randn(r, outF * inF, 0.2), b = randn(r, outF);
    const g = randn(r, batch * outF);
    const grads = reference.linearGrad(g, x, w, batch, inF, outF);
    const inputs = [{ data: x, shape: [batch, inF], grad: true }, { data: w, shape: [outF, inF], grad: true }, ...(bias ? [{ data: b, shape: [outF], grad: true }] : [])];
    await checkOp(`linear [${batch}, ${inF}] → ${outF}`, inputs, ([xs, ws, bs]) => linear(xs!, ws!, bs ?? null), {
      y: reference.linear(x, w, bias ? b : null, batch, inF, outF), g, grads: [grads.dx, grads.dw, grads.db],
    }, 1e-4, 1e-5, ['dx', 'dw', 'db']);
  });
}

test('linear rejects a weight of the wrong width', () => {
  const x = Tensor.empty([2, 3]), w = Tensor.empty([4, 5]);
  assert.throws(() => linear(x, w), /do not match/);
  x.dispose();
  w.dispose();
});

test.run();
