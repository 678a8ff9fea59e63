// The weighted mask on the current adapter: a batch of 224×224 faces through gradients → histogram
// totals → correlation → band tables → paint (faces already on the GPU, as from the cache), ms per
// batch and per stage; then one OAENet eval forward of the same batch, on the same adapter, for scale.
// Synthetic faces (noise, ramps, flat areas): the cost does not depend on the content.
// Run: npm run build:test && node build/bench/mask.js [batch, default 60] [iterations, default 5] [--no-model]

import { closeGpu, gpu, initGpu } from '../src/kernels/context.js';
import { Tensor, scope } from '../src/graph/tensor.js';
import { noGrad } from '../src/graph/tape.js';
import { OAENet } from '../src/model/oaenet.js';
import { bandTables, correlate } from '../src/kernels/launchers/mask_correlate.js';
import { hogTotals } from '../src/kernels/launchers/mask_histograms.js';
import { FACE_SIZE as SIZE } from '../src/face/geometry.js';
import { hogGradients } from '../src/face/mask/gradients.js';
import { packFaces, paint, truncateLandmarks, weightedMask } from '../src/face/mask/mask.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [batch, iterations] = [60, 5].map((d, i) => Number(args[i] ?? d)) as [number, number];
const withModel = !process.argv.includes('--no-model');

/** Mean ms per call of fn (which returns the tensors it made), after one untimed warm-up call. */
async function time(fn: () => Tensor[]): Promise<number> {
  for (const t of fn()) t.dispose();
  await gpu().sync();
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) for (const t of fn()) t.dispose();
  await gpu().sync();
  return (performance.now() - t0) / iterations;
}

let seed = 12345;
const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
const faces = Array.from({ length: batch }, (_, i) => {
  const f = new Uint8Array(SIZE * SIZE * 3);
  for (let p = 0; p < SIZE * SIZE; p++) {
    const x = p % SIZE, y = Math.floor(p / SIZE);
    const v = i % 3 === 0 ? random() * 256 : i % 3 === 1 ? x + y + random() * 20 : x < 80 ? 90 : random() * 256;
    f.fill(Math.floor(v) & 255, 3 * p, 3 * p + 3);
  }
  return f;
});
const landmarks = Float64Array.from({ length: batch * 136 }, () => 4 + random() * 215);

await initGpu();
console.log(`adapter: ${gpu().info.adapterName} (${gpu().info.software ? 'software' : 'hardware'}, ${gpu().info.backend})`);
console.log(`weighted mask, batch ${batch} × ${SIZE}×${SIZE}, mean of ${iterations}`);
const packed = packFaces(faces).keep();

const total = await time(() => {
  const r = weightedMask(packed, landmarks);
  return [r.mask, r.image, r.attn, r.rho, r.hog];
});
console.log(`mask + network inputs  ${total.toFixed(2).padStart(9)} ms/batch   ${(total / batch).toFixed(3)} ms/face`);

// Stages, each from kept inputs.
const codes = hogGradients(packed).keep();
const totals = hogTotals(codes).keep();
const { rho } = correlate(totals);
rho.keep();
const bands = bandTables(rho).keep();
const marks = Tensor.from(truncateLandmarks(landmarks), [batch, 68, 2], 'i32').keep();
const stages: [string, () => Tensor[]][] = [
  ['gradients', () => [hogGradients(packed)]],
  ['histogram totals', () => [hogTotals(codes)]],
  ['correlation (f64)', () => Object.values(correlate(totals))],
  ['band tables (f64)', () => [bandTables(rho)]],
  ['paint', () => Object.values(paint(packed, marks, bands))],
];
for (const [name, fn] of stages) console.log(`  ${name.padEnd(20)} ${(await time(fn)).toFixed(2).padStart(9)} ms`);

if (withModel) {
  const r = weightedMask(packed, landmarks);
  const model = new OAENet();
  model.eval();
  const forward = await time(() => {
    noGrad(() => scope(() => void model.forward(r.image, r.attn)));
    return [];
  });
  console.log(`OAENet eval forward    ${forward.toFixed(2).padStart(9)} ms/batch   (mask / forward = ${(total / forward).toFixed(3)})`);
}
closeGpu();
