import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { assertClose, rng, setupGpu } from './util.js';
import { Tensor } from '../src/graph/tensor.js';
import { seededRandom } from '../src/nn/init.js';
import { augment, augmentFaces, drawAugment, gaussianKernel, type AugmentPlan, type ImageAugment } from '../src/data/augment.js';
import { flipFace } from '../src/data/face_batch.js';
import { FACE_SIZE } from '../src/face/geometry.js';
import * as reference from '../src/reference/augment.js';

test.before(async () => {
  await setupGpu();
});

/** Random 0–255 images, half of the values whole numbers, some at 0 and 255. */
function images(seed: number, n: number, h: number, w: number): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n * 3 * h * w }, () => {
    const v = r() * 300 - 20;
    return Math.min(255, Math.max(0, r() < 0.5 ? Math.round(v) : v));
  });
}

const none: ImageAugment = { rects: [], jitter: [], sigma: null };

function plan(h: number, w: number, ims: Partial<ImageAugment>[], rect: [number, number] = [15, 25]): AugmentPlan {
  return { height: h, width: w, rect, blurKernel: [5, 9], images: ims.map((im) => ({ ...none, ...im })) };
}

async function run(data: Float32Array, p: AugmentPlan): Promise<Float32Array> {
  const x = Tensor.from(data, [p.images.length, 3, p.height, p.width]);
  const y = augment(x, p);
  const out = await y.readF32();
  assert.equal(await x.readF32(), data, 'input unchanged');
  x.dispose();
  y.dispose();
  return out;
}

test('the training flip mirrors the face and maps landmarks x ← 224 − x', () => {
  const S = FACE_SIZE;
  const r = rng(1);
  const face = Uint8Array.from({ length: S * S * 3 }, () => Math.floor(r() * 256));
  const marks = Float64Array.from([10, 20, 0.5, 3, 223.25, 100]);
  const flipped = face.slice();
  flipFace(flipped, marks);
  const want = face.map((_, i) => {
    const x = Math.floor(i / 3) % S;
    return face[i + 3 * (S - 1 - 2 * x)]!;
  });
  assert.equal(flipped, want);
  assert.equal(Array.from(marks), [214, 20, 223.5, 3, 0.75, 100]);
});

test('rectangles are exact, clipped at the border', async () => {
  const [h, w] = [30, 37];
  const data = images(2, 2, h, w);
  const p = plan(h, w, [{ rects: [[3, 4], [10, 9], [20, 30]] }, { rects: [[0, 0]] }]);
  assert.equal(await run(data, p), Float32Array.from(reference.augment(data, p)));
  const got = await run(data, p);
  assert.is(got[(h + 29) * w + 36], 0, 'inside the clipped rectangle of image 0');
  assert.is(got[(3 * h + 15) * w + 0], data[(3 * h + 15) * w + 0], 'below the second image\'s rectangle');
});

for (const op of ['brightness', 'contrast', 'saturation'] as const) {
  test(`jitter ${op} alone matches the CPU reference`, async () => {
    const [h, w] = [13, 10];
    const data = images(3, 3, h, w);
    const p = plan(h, w, [{ jitter: [{ op, factor: 1.43 }] }, { jitter: [{ op, factor: 0.52 }] }, {}]);
    assertClose(await run(data, p), reference.augment(data, p), 1e-4, 1e-5, op);
  });
}

test('jitter in mixed orders per image (contrast sees the image as it is at its step)', async () => {
  const [h, w] = [9, 14];
  const data = images(4, 3, h, w);
  const p = plan(h, w, [
    { jitter: [{ op: 'brightness', factor: 1.4 }, { op: 'contrast', factor: 0.6 }, { op: 'saturation', factor: 1.3 }] },
    { jitter: [{ op: 'saturation', factor: 0.7 }, { op: 'brightness', factor: 0.9 }, { op: 'contrast', factor: 1.45 }] },
    { jitter: [{ op: 'contrast', factor: 1.2 }] },
  ]);
  assertClose(await run(data, p), reference.augment(data, p), 1e-4, 1e-5, 'jitter');
});

test('Gaussian blur 5×9 with reflect padding matches the CPU reference', async () => {
  const [h, w] = [12, 19];
  const data = images(5, 3, h, w);
  const p = plan(h, w, [{ sigma: 0.1 }, { sigma: 4.9 }, {}]);
  const got = await run(data, p);
  assertClose(got, reference.augment(data, p), 1e-4, 1e-5, 'blur');
  const plane = 3 * h * w;
  assert.equal(got.slice(2 * plane), data.slice(2 * plane), 'the unblurred image is copied exactly');
});

test('gaussianKernel is torchvision\'s', () => {
  const k = gaussianKernel(5, 1);
  const e = [Math.exp(-2), Math.exp(-0.5), 1, Math.exp(-0.5), Math.exp(-2)];
  const s = e.reduce((a, v) => a + v, 0);
  assertClose(k, e.map((v) => v / s), 1e-12, 0, 'kernel');
});

test('a whole random plan matches the CPU reference', async () => {
  const [h, w] = [40, 43];
  const data = images(6, 5, h, w);
  const p = drawAugment(seededRandom(9), 5, h, w, { jitterP: 0.8, blurP: 0.6 });
  assertClose(await run(data, p), reference.augment(data, p), 1e-4, 1e-5, 'augment');
});

test('the same seed gives the same batch, another seed another', async () => {
  const [h, w] = [224, 224];
  const data = images(7, 2, h, w);
  const a = await run(data, drawAugment(seededRandom(1), 2, h, w, { jitterP: 1, blurP: 1 }));
  const b = await run(data, drawAugment(seededRandom(1), 2, h, w, { jitterP: 1, blurP: 1 }));
  const c = await run(data, drawAugment(seededRandom(2), 2, h, w, { jitterP: 1, blurP: 1 }));
  assert.equal(a, b);
  assert.ok(a.some((v, i) => v !== c[i]));
});

test('probability 0 leaves the batch unchanged', async () => {
  const [h, w] = [20, 26];
  const data = images(8, 4, h, w);
  const p = drawAugment(seededRandom(3), 4, h, w, { maxRects: 0, jitterP: 0, blurP: 0 });
  assert.equal(await run(data, p), data);
});

test('drawAugment draws within the ranges', () => {
  const p = drawAugment(seededRandom(4), 2000, 224, 224);
  const counts = [0, 1, 2, 3, 4].map((c) => p.images.filter((im) => im.rects.length === c).length);
  assert.ok(counts.every((c) => c > 300 && c < 500), `rectangle counts ${counts}`);
  for (const im of p.images) {
    assert.ok(im.rects.every(([t, l]) => t >= 0 && t < 199 && l >= 0 && l < 199 && Number.isInteger(t) && Number.isInteger(l)));
    assert.ok(im.jitter.length === 0 || im.jitter.length === 3);
    assert.ok(new Set(im.jitter.map((j) => j.op)).size === im.jitter.length);
    assert.ok(im.jitter.every((j) => j.factor >= 0.5 && j.factor <= 1.5));
    assert.ok(im.sigma === null || (im.sigma >= 0.1 && im.sigma <= 5));
  }
  const firsts = new Set(p.images.filter((im) => im.jitter.length).map((im) => im.jitter[0]!.op));
  assert.is(firsts.size, 3, 'every op comes first sometimes');
});

test('drawAugment skips one draw per image before the rectangles (the flip is drawn on the host)', () => {
  const draws = [0.3, 0.99, 0.1, 0.2, 0.9, 0.9];
  const p = drawAugment(() => draws.shift()!, 1, 224, 224, { maxRects: 1, jitterP: 0.5, blurP: 0.5 });
  assert.equal(p.images[0], { rects: [[19, 39]], jitter: [], sigma: null });
});

test('augmentFaces: normalised faces in, augmented face and face × mask out, normalised', async () => {
  const [n, h, w] = [3, 24, 31];
  const pixels = images(9, n, h, w).map(Math.round);
  const norm = (v: number) => (v / 255 - 0.456) / 0.225;
  const mask = Float32Array.from({ length: n * h * w }, (_, i) => (i % 7) / 6);
  const image = Tensor.from(pixels.map(norm), [n, 3, h, w]);
  const m = Tensor.from(mask, [n, h, w]);
  const out = augmentFaces(image, m, seededRandom(12), { rect: [5, 8], jitterP: 0.7, blurP: 0.7 });
  const plan = drawAugment(seededRandom(12), n, h, w, { rect: [5, 8], jitterP: 0.7, blurP: 0.7 });
  assert.ok(plan.images.some((im) => im.rects.length) && plan.images.some((im) => im.sigma !== null) && plan.images.some((im) => im.jitter.length));
  const face = reference.augment(pixels, plan);
  assertClose(await out.image.readF32(), Array.from(face, norm), 1e-4, 1e-5, 'image');
  assertClose(await out.attn.readF32(), Array.from(face, (v, i) => norm(v * mask[Math.floor(i / (3 * h * w)) * h * w + (i % (h * w))]!)), 1e-4, 1e-5, 'attn');
  for (const t of [image, m, out.image, out.attn]) t.dispose();
});

test.run();
