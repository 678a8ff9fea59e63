// 100 training steps of a small conv net: after the second step the pool's live bytes and its
// allocation count stay flat (no leaked tensors, no new GPU buffers), and the tape is empty.

import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { gpu } from '../src/kernels/context.js';
import { Tensor, scope } from '../src/graph/tensor.js';
import { backward, tapeLength } from '../src/graph/tape.js';
import { crossEntropy } from '../src/graph/ops/index.js';
import { TinyCnn } from '../src/model/tiny_cnn.js';
import { SGD } from '../src/training/optim/sgd.js';
import { syntheticGratings } from '../src/data/gratings.js';
import { setupGpu } from './util.js';

test.before(async () => {
  await setupGpu();
});

test('100 training steps allocate nothing after step 2', async () => {
  const model = new TinyCnn(3, 4, 4, 1);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const snapshots: { liveBytes: number; liveBuffers: number; allocations: number }[] = [];
  const losses: number[] = [];
  for (let step = 1; step <= 100; step++) {
    const { images, labels } = syntheticGratings(4, 4, 8, 3, step);
    const loss = scope(() => crossEntropy(model.forward(Tensor.from(images, [4, 3, 8, 8])), Tensor.from(labels, [4], 'i32')));
    backward(loss);
    opt.step();
    opt.zeroGrad();
    losses.push((await loss.readF32())[0]!);
    loss.dispose();
    const { liveBytes, liveBuffers, allocations } = gpu().pool.stats;
    snapshots.push({ liveBytes, liveBuffers, allocations });
  }
  assert.is(tapeLength(), 0);
  const [s2, s100] = [snapshots[1]!, snapshots[99]!];
  assert.equal(s100, s2, `pool after step 100 ${JSON.stringify(s100)} vs after step 2 ${JSON.stringify(s2)}`);
  assert.ok(losses.every(Number.isFinite));
  model.dispose();
});

test.run();
