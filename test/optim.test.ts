import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, randn, rng, setupGpu } from './util.js';
import { Tensor } from '../src/graph/tensor.js';
import { tapeLength } from '../src/graph/tape.js';
import { gpu } from '../src/kernels/context.js';
import { SGD, type SgdOptions } from '../src/training/optim/sgd.js';
import { Adam, type AdamOptions } from '../src/training/optim/adam.js';
import * as sgdRef from '../src/reference/sgd.js';
import * as adamRef from '../src/reference/adam.js';

test.before(async () => {
  await setupGpu();
});

// A [6, 5] weight, a [7] bias (not a multiple of 4) and a parameter that never gets a gradient.
const SHAPES = [[6, 5], [7], [3]] as const;
const STEPS = 3;
const ATOL = 1e-6;

function makeParams(seed: number): { params: Tensor[]; host: number[][] } {
  const r = rng(seed);
  const host = SHAPES.map((s) => Array.from(randn(r, s.reduce((a, b) => a * b, 1))));
  const params = host.map((h, i) => {
    const p = Tensor.from(h, SHAPES[i]!).keep();
    p.requiresGrad = true;
    return p;
  });
  return { params, host };
}

/** Gives every parameter but the last a fresh random gradient; returns them as f32-rounded host arrays. */
function setGrads(params: Tensor[], r: () => number): number[][] {
  return params.slice(0, -1).map((p) => {
    const g = randn(r, p.size, 0.5);
    p.grad = Tensor.from(g, p.shape).keep();
    return Array.from(g);
  });
}

const sgdCases: SgdOptions[] = [
  { lr: 0.1 },
  { lr: 0.1, weightDecay: 0.05 },
  { lr: 0.05, momentum: 0.9 },
  { lr: 0.05, momentum: 0.9, dampening: 0.3, weightDecay: 0.02 },
  { lr: 0.05, momentum: 0.8, nesterov: true },
  { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
];

sgdCases.forEach((opts, ci) => {
  test(`SGD ${JSON.stringify(opts)}: 3 steps vs reference, warm steps allocate nothing`, async () => {
    const { params, host } = makeParams(100 + ci);
    const r = rng(200 + ci);
    const opt = new SGD(params, opts);
    const bufs: (number[] | undefined)[] = host.map(() => undefined);
    const last = [...(await params[2]!.readF32())];
    let allocations = 0;
    for (let step = 1; step <= STEPS; step++) {
      if (step === 3) opt.lr = opts.lr / 2; // schedules change lr between steps
      const grads = setGrads(params, r);
      const tape = tapeLength();
      opt.step();
      assert.is(tapeLength(), tape, 'step is not recorded');
      for (let i = 0; i < grads.length; i++) {
        const buf = opt.state().get(params[i]!);
        if (step === 1 && opts.momentum) {
          // First step: buf = grad (+ weight decay), with no dampening applied.
          const wd = opts.weightDecay ?? 0;
          assertClose(await buf!.readF32(), grads[i]!.map((g, k) => g + wd * host[i]![k]!), 0, ATOL, 'first-step buf');
        }
        const ref = sgdRef.sgdStep(host[i]!, grads[i]!, bufs[i], { ...opts, lr: opt.lr });
        host[i] = ref.param;
        bufs[i] = ref.buf;
        assertClose(await params[i]!.readF32(), ref.param, 0, ATOL, `step ${step} param ${i}`);
        if (opts.momentum) assertClose(await buf!.readF32(), ref.buf!, 0, ATOL, `step ${step} buf ${i}`);
        else assert.is(buf, undefined);
      }
      assert.equal([...(await params[2]!.readF32())], last, 'a parameter without a gradient is skipped');
      opt.zeroGrad();
      assert.ok(params.every((p) => p.grad === null));
      if (step === 1) allocations = gpu().pool.stats.allocations;
      else assert.is(gpu().pool.stats.allocations, allocations, `step ${step} created GPU buffers`);
    }
    opt.dispose();
    for (const p of params) p.dispose();
  });
});

test('SGD rejects Nesterov without momentum or with dampening', () => {
  assert.throws(() => new SGD([], { lr: 0.1, nesterov: true }), /Nesterov/);
  assert.throws(() => new SGD([], { lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true }), /Nesterov/);
  assert.throws(() => new SGD([], { lr: -1 }), /learning rate/);
});

test('SGD loadState restores momentum buffers', async () => {
  const opts = { lr: 0.05, momentum: 0.9, weightDecay: 0.01 };
  const a = makeParams(7);
  const b = makeParams(7);
  const optA = new SGD(a.params, opts);
  const optB = new SGD(b.params, opts);
  const r = rng(8);
  const grads = setGrads(a.params, r);
  optA.step();
  optA.zeroGrad();
  // Bring B to A's state: A's parameter values, A's buffers keyed by B's parameters.
  await Promise.all(a.params.map(async (p, i) => b.params[i]!.write(await p.readF32())));
  optB.loadState(new Map([...optA.state()].map(([p, buf]) => [b.params[a.params.indexOf(p)]!, buf])));
  for (const [opt, ps] of [[optA, a.params], [optB, b.params]] as const) {
    ps.slice(0, -1).forEach((p, i) => (p.grad = Tensor.from(grads[i]!, p.shape).keep()));
    opt.step();
    opt.zeroGrad();
  }
  for (let i = 0; i < 2; i++) assert.equal([...(await b.params[i]!.readF32())], [...(await a.params[i]!.readF32())]);
  for (const o of [optA, optB]) o.dispose();
  for (const p of [...a.params, ...b.params]) p.dispose();
});

const adamCases: AdamOptions[] = [
  { lr: 1e-2 },
  { lr: 3e-2, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.1 },
];

adamCases.forEach((opts, ci) => {
  test(`Adam ${JSON.stringify(opts)}: 3 steps vs reference, warm steps allocate nothing`, async () => {
    const { params, host } = makeParams(300 + ci);
    const r = rng(400 + ci);
    const opt = new Adam(params, opts);
    const states: (adamRef.AdamRefState | undefined)[] = host.map(() => undefined);
    let allocations = 0;
    for (let step = 1; step <= STEPS; step++) {
      const grads = setGrads(params, r);
      opt.step();
      for (let i = 0; i < grads.length; i++) {
        const ref = adamRef.adamStep(host[i]!, grads[i]!, states[i], opts);
        host[i] = ref.param;
        states[i] = ref.state;
        assertClose(await params[i]!.readF32(), ref.param, 0, ATOL, `step ${step} param ${i}`);
        const s = opt.state().get(params[i]!)!;
        assert.is(s.step, step);
        assertClose(await s.expAvg.readF32(), ref.state.expAvg, 1e-5, ATOL, `step ${step} exp_avg ${i}`);
        assertClose(await s.expAvgSq.readF32(), ref.state.expAvgSq, 1e-5, ATOL, `step ${step} exp_avg_sq ${i}`);
      }
      assert.not.ok(opt.state().has(params[2]!), 'a parameter without a gradient has no state');
      opt.zeroGrad();
      if (step === 1) allocations = gpu().pool.stats.allocations;
      else assert.is(gpu().pool.stats.allocations, allocations, `step ${step} created GPU buffers`);
    }
    opt.dispose();
    for (const p of params) p.dispose();
  });
});

test.run();
