// The engine demo (the README's main command until OAENet lands): trains a small conv net on
// generated oriented gratings with SGD on whatever WebGPU adapter is present, printing the adapter,
// loss, accuracy and speed, then evaluates held-out images in eval mode.

import { closeGpu, initGpu } from './kernels/context.js';
import { Tensor, scope } from './graph/tensor.js';
import { backward, noGrad } from './graph/tape.js';
import { crossEntropy } from './graph/ops/index.js';
import { TinyCnn } from './model/tiny_cnn.js';
import { SGD } from './train/optim/sgd.js';
import { syntheticGratings } from './train/synthetic.js';

const CLASSES = 4, SIZE = 16, CHANNELS = 3, BATCH = 16, STEPS = 150;

function argmaxAccuracy(logits: Float32Array, labels: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * CLASSES, (i + 1) * CLASSES);
    if (row.indexOf(Math.max(...row)) === labels[i]) hits++;
  }
  return hits / labels.length;
}

async function main(): Promise<void> {
  const gpu = await initGpu();
  console.log(`adapter: ${gpu.info.adapterName} (${gpu.info.backend}, ${gpu.info.software ? 'software' : 'hardware'})`);
  console.log(`task: ${CLASSES}-way orientation of ${SIZE}×${SIZE} generated gratings; TinyCnn, SGD lr 0.05 momentum 0.9, batch ${BATCH}`);
  const model = new TinyCnn(CHANNELS, CLASSES);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  let t0 = performance.now();
  for (let step = 1; step <= STEPS; step++) {
    const { images, labels } = syntheticGratings(BATCH, CLASSES, SIZE, CHANNELS, 1000 + step);
    const [loss, logits] = scope(() => {
      const x = Tensor.from(images, [BATCH, CHANNELS, SIZE, SIZE]);
      const y = Tensor.from(labels, [BATCH], 'i32');
      const logits = model.forward(x);
      return [crossEntropy(logits, y), logits];
    });
    backward(loss);
    opt.step();
    opt.zeroGrad();
    if (step % 10 === 0 || step === 1) {
      const l = (await loss.readF32())[0]!;
      const acc = argmaxAccuracy(await logits.readF32(), labels);
      // Throughput since the last report (the first step includes shader compilation).
      const ips = ((step === 1 ? 1 : 10) * BATCH) / ((performance.now() - t0) / 1000);
      t0 = performance.now();
      console.log(`step ${String(step).padStart(3)}/${STEPS}  loss ${l.toFixed(4)}  batch acc ${(acc * 100).toFixed(0).padStart(3)}%  ${ips.toFixed(0)} img/s`);
    }
    loss.dispose();
    logits.dispose();
  }
  model.eval();
  const test = syntheticGratings(256, CLASSES, SIZE, CHANNELS, 7);
  const logits = noGrad(() => scope(() => model.forward(Tensor.from(test.images, [256, CHANNELS, SIZE, SIZE]))));
  console.log(`held-out accuracy (eval mode, 256 images): ${(argmaxAccuracy(await logits.readF32(), test.labels) * 100).toFixed(1)}%`);
  logits.dispose();
  model.dispose();
  closeGpu();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  closeGpu();
  process.exit(1);
});
