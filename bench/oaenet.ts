// OAENet throughput on the current adapter: eval forward (no autograd) and a full train step, in img/s.
// The train step is forward in train mode + cross-entropy + a stand-in segmentation loss (the mean of
// seg_out, so that the segmentation head's backward runs as it will under the Lovász loss) + backward +
// SGD with momentum. Random weights and inputs; the first iteration of each (shader compilation) is untimed.
// "data + full step" is what train.js runs per step: a batch of cached faces (the generated faces, at 224)
// → flip, weighted mask, augmentation, resize → forward → CE + island + Lovász → backward → SGD; its ratio
// to the model-only step is what the data pipeline and the losses cost.
// With --profile, one more eval forward and train step run with every dispatch timed on the GPU, and the
// time per kernel is printed (sum of GPU time against the wall time above: how much the host adds).
// Eval forward runs fused (Conv-BN-act as one kernel, the default) and unfused, for their ratio.
// Run: npm run build:test && node build/bench/oaenet.js [batch, default 2] [size, default 224] [iterations, default 3] [--profile]

import { closeGpu, gpu, initGpu } from '../src/kernels/context.js';
import { Tensor, scope } from '../src/graph/tensor.js';
import { backward, noGrad } from '../src/graph/tape.js';
import { add, crossEntropy, mean } from '../src/graph/ops/index.js';
import { normal, seededRandom } from '../src/nn/init.js';
import { OAENet } from '../src/model/oaenet.js';
import { inferenceFusion } from '../src/model/blocks.js';
import { SGD } from '../src/training/optim/sgd.js';
import { formatKernelTimes } from '../src/kernels/profiler.js';
import { buildCache } from '../src/data/cache.js';
import { readDataset } from '../src/data/datasets/index.js';
import { faceBatch } from '../src/data/face_batch.js';
import { oaenetObjective } from '../src/training/objective.js';

const args = process.argv.slice(2).filter((a) => a !== '--profile');
const profile = process.argv.includes('--profile');
const [batch, size, iterations] = [2, 224, 3].map((d, i) => Number(args[i] ?? d)) as [number, number, number];

/** Mean seconds per call of fn over `iterations` calls, after one warm-up call. */
async function time(fn: () => void): Promise<number> {
  fn();
  await gpu().sync();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  await gpu().sync();
  return (performance.now() - t0) / 1000 / iterations;
}

await initGpu();
console.log(`adapter: ${gpu().info.adapterName} (${gpu().info.software ? 'software' : 'hardware'}, ${gpu().info.backend})`);
console.log(`OAENet, batch ${batch}, ${size}×${size}, mean of ${iterations} iterations`);
const model = new OAENet({ inputSize: size });
const rand = seededRandom(1);
const shape = [batch, 3, size, size];
const image = Tensor.from(normal(rand, batch * 3 * size * size, 1), shape).keep();
const attn = Tensor.from(normal(rand, batch * 3 * size * size, 1), shape).keep();
const labels = Tensor.from(Array.from({ length: batch }, (_, i) => i % model.numClasses), [batch], 'i32').keep();

/** With --profile: the time per kernel of one call of fn, against the wall time measured for it. */
async function kernels(what: string, fn: () => void, wallSeconds: number): Promise<void> {
  if (!profile) return;
  const { kernels } = await gpu().profile(async () => fn());
  const gpuMs = kernels.reduce((s, k) => s + k.ms, 0);
  console.log(`\n${what}: GPU ${gpuMs.toFixed(1)} ms of ${(wallSeconds * 1000).toFixed(1)} ms wall per call (one pass per dispatch while profiling)\n${formatKernelTimes(kernels)}\n`);
}

model.eval();
const evalForward = (): void => noGrad(() => scope(() => void model.forward(image, attn)));
const forward = await time(evalForward);
console.log(`eval forward   ${(forward * 1000).toFixed(1).padStart(9)} ms   ${(batch / forward).toFixed(2).padStart(8)} img/s`);
inferenceFusion.enabled = false;
const unfused = await time(evalForward);
inferenceFusion.enabled = true;
console.log(`  unfused      ${(unfused * 1000).toFixed(1).padStart(9)} ms   ${(batch / unfused).toFixed(2).padStart(8)} img/s   (fused Conv-BN-act: ${(unfused / forward).toFixed(2)}× faster)`);
await kernels('eval forward', evalForward, forward);

model.train();
const opt = new SGD(model.parameters(), { lr: 1e-3, momentum: 0.9 });
const trainStep = (): void => {
  const loss = scope(() => {
    const { logits, segOut } = model.forward(image, attn);
    return add(crossEntropy(logits, labels), mean(segOut!));
  });
  backward(loss);
  loss.dispose();
  opt.step();
  opt.zeroGrad();
};
const step = await time(trainStep);
console.log(`train step     ${(step * 1000).toFixed(1).padStart(9)} ms   ${(batch / step).toFixed(2).padStart(8)} img/s`);
await kernels('train step', trainStep, step);

const faces = await buildCache(await readDataset('synthetic', ''), { warn: () => undefined });
const chosen = Array.from({ length: batch }, (_, i) => i % faces.count);
let seed = 0;
const fullStep = (): void => {
  const loss = scope(() => {
    const b = faceBatch(faces, chosen, size, seededRandom(seed++));
    return oaenetObjective.total(model.forward(b.image, b.attn), b.labels, b.mask, { island: 0.1, lovasz: 1 });
  });
  backward(loss);
  loss.dispose();
  opt.step();
  opt.zeroGrad();
};
const full = await time(fullStep);
console.log(`data + full step ${(full * 1000).toFixed(1).padStart(7)} ms   ${(batch / full).toFixed(2).padStart(8)} img/s   (${(full / step).toFixed(2)}× the model-only step)`);
await kernels('data + full step', fullStep, full);

opt.dispose();
for (const t of [image, attn, labels]) t.dispose();
model.dispose();
closeGpu();
