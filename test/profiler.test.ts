// Kernel profiling (timestamp queries): the same numbers as unprofiled work, every dispatch counted
// under its kernel, also across the submits forced when the query set fills up.

import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { gpu } from '../src/kernels/context.js';
import { add, conv2d, relu } from '../src/graph/ops/index.js';
import { Tensor, scope } from '../src/graph/tensor.js';
import { formatKernelTimes } from '../src/kernels/profiler.js';
import { randTensor, rng, setupGpu } from './util.js';

test('profile: per-kernel calls and times; results unchanged', async () => {
  await setupGpu();
  if (!gpu().device.features.has('timestamp-query')) {
    console.log('  (skipped: this adapter has no timestamp queries)');
    return;
  }
  const r = rng(3);
  const x = randTensor(r, [2, 3, 9, 9]).keep();
  const w = randTensor(r, [4, 3, 3, 3]).keep();
  const work = (): Tensor => scope(() => relu(add(conv2d(x, w, null, { padding: 1 }), conv2d(x, w, null, { padding: 1 }))));
  const plain = work();
  const want = await plain.readF32();
  plain.dispose();
  const { result, kernels } = await gpu().profile(async () => {
    let y = work();
    // 3000 more dispatches: past the 2048 a submit can time, so the profile spans submits.
    for (let i = 0; i < 3000; i++) {
      const next = relu(y);
      y.dispose();
      y = next;
    }
    return y;
  });
  assert.equal(Array.from(await result.readF32()), Array.from(want));
  result.dispose();
  const calls = Object.fromEntries(kernels.map((k) => [k.kernel, k.calls]));
  assert.is(calls['conv2d'], 2);
  assert.is(calls['binary'], 1);
  assert.is(calls['unary.forward'], 3001);
  assert.ok(kernels.every((k) => k.ms >= 0 && Number.isFinite(k.ms)));
  assert.ok(kernels.some((k) => k.ms > 0), 'some kernel took measurable time');
  assert.match(formatKernelTimes(kernels), /unary\.forward\s+3001/);
  // Profiling is off again: work is batched into passes as before.
  const before = gpu().recorder.submits;
  for (let i = 0; i < 10; i++) work().dispose();
  gpu().flush();
  assert.ok(gpu().recorder.submits - before <= 2);
  for (const t of [x, w]) t.dispose();
});

test.run();
