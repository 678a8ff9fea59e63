// Elementwise and reduction ops against their float64 references on odd sizes, with gradients.

import { test } from './harness.js';
import { Tensor, scope } from '../src/graph/tensor.js';
import { backward } from '../src/graph/tape.js';
import { add, fusion, leakyRelu, mul, relu, relu6, scale, sub } from '../src/graph/ops/elementwise.js';
import * as ew from '../src/reference/elementwise.js';
import { channelSum, mean, sum } from '../src/graph/ops/reduce.js';
import * as red from '../src/reference/reduce.js';
import { assertClose, randn, rng, setupGpu } from './util.js';

test.before(async () => {
  await setupGpu();
});

const SHAPES: number[][] = [[1, 3, 5, 7], [3, 5, 1, 1], [2, 7, 9, 3], [1, 1, 1, 4099]];
const TOL = [1e-6, 1e-6] as const;

function leaf(data: Float32Array, shape: readonly number[]): Tensor {
  const t = Tensor.from(data, shape);
  t.requiresGrad = true;
  return t;
}

for (const [si, shape] of SHAPES.entries()) {
  const n = shape.reduce((a, b) => a * b, 1);
  test(`activations, forward and backward, [${shape}]`, async () => {
    const r = rng(10 + si);
    const x = randn(r, n, 4); // spans both kinks of ReLU6
    const g = randn(r, n);
    const cases = [
      ['relu', relu, ew.relu(x), ew.reluGrad(g, x)],
      ['relu6', relu6, ew.relu6(x), ew.relu6Grad(g, x)],
      ['leaky', (t: Tensor) => leakyRelu(t, 0.1), ew.leakyRelu(x, 0.1), ew.leakyReluGrad(g, x, 0.1)],
      ['scale', (t: Tensor) => scale(t, -2.5), Array.from(x, (v) => -2.5 * v), Array.from(g, (v) => -2.5 * v)],
    ] as const;
    for (const [name, op, fwd, grad] of cases) {
      const xt = leaf(x, shape);
      const y = scope(() => op(xt));
      assertClose(await y.read(), fwd, ...TOL, `${name} forward`);
      backward(y, Tensor.from(g, shape));
      assertClose(await xt.grad!.read(), grad, ...TOL, `${name} grad`);
    }
  });

  test(`binary ops and fusion, forward and backward, [${shape}]`, async () => {
    const r = rng(20 + si);
    const [a, b, g] = [randn(r, n), randn(r, n), randn(r, n)];
    const cases = [
      ['add', add, ew.add(a, b), g, g],
      ['sub', sub, Array.from(a, (v, i) => v - b[i]!), g, Array.from(g, (v) => -v)],
      ['mul', mul, ew.mul(a, b), ew.mul(g, b), ew.mul(g, a)],
      ['fusion', fusion, ew.fusion(a, b), ew.fusion(g, b), ew.mul(g, a)],
    ] as const;
    for (const [name, op, fwd, ga, gb] of cases) {
      const [at, bt] = [leaf(a, shape), leaf(b, shape)];
      const y = scope(() => op(at, bt));
      assertClose(await y.read(), fwd, ...TOL, `${name} forward`);
      backward(y, Tensor.from(g, shape));
      assertClose(await at.grad!.read(), ga, ...TOL, `${name} grad a`);
      assertClose(await bt.grad!.read(), gb, ...TOL, `${name} grad b`);
    }
  });

  test(`sum, mean and channelSum, [${shape}]`, async () => {
    const x = randn(rng(30 + si), n);
    const total = red.sum(x);
    for (const [name, op, want, dx] of [['sum', sum, total, 0.5], ['mean', mean, total / n, 0.5 / n]] as const) {
      const xt = leaf(x, shape);
      const y = scope(() => op(xt));
      assertClose(await y.read(), [want], 1e-5, 1e-5, `${name} forward`);
      backward(y, Tensor.from([0.5], []));
      assertClose(await xt.grad!.read(), new Array(n).fill(dx), 1e-6, 1e-7, `${name} grad`);
    }
    assertClose(await channelSum(Tensor.from(x, shape)).read(), red.channelSum(x, shape), 1e-5, 1e-5, 'channelSum');
  });
}

test.run();
