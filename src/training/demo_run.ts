// The engine demo's training run, shared by the Node CLI (src/demo.ts) and the browser page (web/):
// TinyCnn on generated oriented gratings with SGD, reporting through a log callback.

import { Tensor, scope } from '../graph/tensor.js';
import { backward, noGrad } from '../graph/tape.js';
import { crossEntropy } from '../graph/ops/index.js';
import { TinyCnn } from '../model/tiny_cnn.js';
import { argmaxRows, classificationMetrics } from './metrics.js';
import { SGD } from './optim/sgd.js';
import { syntheticGratings } from '../data/gratings.js';

const CLASSES = 4, SIZE = 16, CHANNELS = 3, BATCH = 16;

const accuracy = (logits: Float32Array, labels: Int32Array): number =>
  classificationMetrics(argmaxRows(logits, CLASSES), labels, CLASSES).accuracy;

/** Trains for `steps` and returns the held-out accuracy (eval mode, 256 images). */
export async function runDemo(steps: number, log: (line: string) => void): Promise<number> {
  log(`task: ${CLASSES}-way orientation of ${SIZE}×${SIZE} generated gratings; TinyCnn, SGD lr 0.05 momentum 0.9, batch ${BATCH}`);
  const model = new TinyCnn(CHANNELS, CLASSES);
  const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  let t0 = performance.now();
  for (let step = 1; step <= steps; step++) {
    const { images, labels } = syntheticGratings(BATCH, CLASSES, SIZE, CHANNELS, 1000 + step);
    const [loss, logits] = scope(() => {
      const logits = model.forward(Tensor.from(images, [BATCH, CHANNELS, SIZE, SIZE]));
      return [crossEntropy(logits, Tensor.from(labels, [BATCH], 'i32')), logits];
    });
    backward(loss);
    opt.step();
    opt.zeroGrad();
    if (step % 10 === 0 || step === 1) {
      const l = (await loss.readF32())[0]!;
      const acc = accuracy(await logits.readF32(), labels);
      // Throughput since the last report (the first step includes shader compilation).
      const ips = ((step === 1 ? 1 : 10) * BATCH) / ((performance.now() - t0) / 1000);
      t0 = performance.now();
      log(`step ${String(step).padStart(3)}/${steps}  loss ${l.toFixed(4)}  batch acc ${(acc * 100).toFixed(0).padStart(3)}%  ${ips.toFixed(0)} img/s`);
    }
    loss.dispose();
    logits.dispose();
  }
  model.eval();
  const test = syntheticGratings(256, CLASSES, SIZE, CHANNELS, 7);
  const logits = noGrad(() => scope(() => model.forward(Tensor.from(test.images, [256, CHANNELS, SIZE, SIZE]))));
  const acc = accuracy(await logits.readF32(), test.labels);
  log(`held-out accuracy (eval mode, 256 images): ${(acc * 100).toFixed(1)}%`);
  logits.dispose();
  model.dispose();
  opt.dispose();
  return acc;
}
