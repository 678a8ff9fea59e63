// Faces + 68 landmarks (src/face/detect): the TF.js weight manifest decoding and layouts, TF "SAME"
// padding, the package's NMS order, and end-to-end parity with @vladmandic/face-api's own TF.js pipeline on its
// demo photos (test/fixtures/face_reference.json, written by scripts/face-reference.mjs): boxes within 1 px,
// landmarks within 0.5 px.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import type { BgrImage } from '../src/face/image.js';
import { FaceLandmarker, cropRect, type Face } from '../src/face/detect/index.js';
import { nonMaxSuppression } from '../src/face/detect/detector.js';
import { decodeWeights, hwioToOihw, samePadding, type WeightGroup } from '../src/face/detect/weights.js';
import { repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';

interface RefFace {
  score: number;
  box: [number, number, number, number];
  crop: [number, number, number, number];
  landmarks: number[];
}
interface Reference {
  options: { inputSize: number; scoreThreshold: number };
  images: { image: string; width: number; height: number; faces: RefFace[] }[];
}

let model: FaceLandmarker;

test.before(async () => {
  await setupGpu();
  model = await FaceLandmarker.load();
});

test.after(() => {
  model.dispose();
});

test('manifest decoding: uint8/uint16 dequantisation (min + scale·q), float32, shards concatenated', () => {
  const manifest: WeightGroup[] = [
    {
      paths: ['a', 'b'],
      weights: [
        { name: 'q8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 } },
        { name: 'q16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.5, min: 2 } },
        { name: 'f', shape: [1, 2], dtype: 'float32' },
      ],
    },
  ];
  // uint8 ×3 leaves the uint16 entry at an odd offset: the decoder must copy, not view.
  const bytes = new Uint8Array([0, 10, 255, ...new Uint8Array(new Uint16Array([1, 300]).buffer), ...new Uint8Array(new Float32Array([1.5, -2.25]).buffer)]);
  const w = decodeWeights(manifest, [bytes]);
  assert.equal(Array.from(w.get('q8')!.data), [-1, 0, 24.5].map(Math.fround));
  assert.equal(Array.from(w.get('q16')!.data), [2.5, 152]);
  assert.equal(Array.from(w.get('f')!.data), [1.5, -2.25]);
  assert.equal(w.get('f')!.shape, [1, 2]);
  assert.throws(() => decodeWeights(manifest, [bytes.subarray(1)]), /runs past the end/);
  assert.throws(() => decodeWeights(manifest, [new Uint8Array([...bytes, 0])]), /past its last weight/);
});

test('TF layouts: [kh, kw, in, out] → [out, in, kh, kw]', () => {
  // value = 1000·y + 100·x + 10·i + o at TF index [y, x, i, o]
  const [kh, kw, ci, co] = [2, 3, 2, 4];
  const tf = new Float32Array(kh * kw * ci * co);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) tf[((y * kw + x) * ci + i) * co + o] = 1000 * y + 100 * x + 10 * i + o;
  const ours = hwioToOihw(tf, [kh, kw, ci, co]);
  for (let o = 0; o < co; o++) for (let i = 0; i < ci; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) assert.is(ours[((o * ci + i) * kh + y) * kw + x], 1000 * y + 100 * x + 10 * i + o);
});

test('TF "SAME" padding and the package\'s NMS order', () => {
  assert.equal(samePadding(112, 112, 3, 2), [0, 1, 0, 1]);
  assert.equal(samePadding(207, 13, 2, 2), [0, 1, 0, 1]);
  assert.equal(samePadding(414, 13, 2, 2), [0, 0, 0, 1]);
  assert.equal(samePadding(13, 13, 2, 1), [0, 1, 0, 1]);
  assert.equal(samePadding(7, 7, 3, 1), [1, 1, 1, 1]);
  const boxes = [[0, 0, 10, 10], [1, 1, 10, 10], [50, 50, 5, 5], [0, 0, 10, 10], [2, 0, 10, 10]];
  // 0 and 3 tie: the later index wins; 1 (IoU 0.68) and 4 (IoU 0.67) go; the far box stays.
  assert.equal(nonMaxSuppression(boxes, [0.9, 0.8, 0.6, 0.9, 0.7], 0.4), [3, 2]);
  // IoU exactly at the threshold is kept (the package drops IoU > threshold only).
  assert.equal(nonMaxSuppression([[0, 0, 10, 10], [0, 0, 10, 4]], [1, 0.5], 0.4), [0, 1]);
});

test('crop = box clipped at the image borders, then floored (extractFaceTensors)', () => {
  assert.equal(cropRect({ x: -3.5, y: 10.7, width: 20.2, height: 100, score: 1 }, 50, 60), { x: 0, y: 10, width: 16, height: 49 });
});

/** sharp's RGB bytes, as the reference script gets them, reordered to BGR (our input convention). */
async function readBgr(file: string): Promise<BgrImage> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const bgr = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i += 3) {
    bgr[i] = data[i + 2]!;
    bgr[i + 1] = data[i + 1]!;
    bgr[i + 2] = data[i]!;
  }
  return { data: bgr, width: info.width, height: info.height };
}

test('parity with face-api (TF.js) on its demo photos: boxes ≤ 1 px, landmarks ≤ 0.5 px', async () => {
  const ref = JSON.parse(readFileSync(join(repoRoot(), 'test', 'fixtures', 'face_reference.json'), 'utf8')) as Reference;
  const pkg = dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'));
  let worstBox = 0;
  let worstLm = 0;
  let faces = 0;
  for (const r of ref.images) {
    const img = await readBgr(join(pkg, r.image));
    assert.equal([img.width, img.height], [r.width, r.height], r.image);
    const got = await model.detect(img, ref.options);
    assert.is(got.length, r.faces.length, `${r.image}: number of faces`);
    // Pair by box centre (the order of near-equal scores may differ in the last bits).
    const centre = (b: number[]): [number, number] => [b[0]! + b[2]! / 2, b[1]! + b[3]! / 2];
    for (const want of r.faces) {
      const [wx, wy] = centre(want.box);
      const mine = got.reduce((best: Face | null, f) => {
        const d = (f2: Face): number => Math.hypot(f2.box.x + f2.box.width / 2 - wx, f2.box.y + f2.box.height / 2 - wy);
        return !best || d(f) < d(best) ? f : best;
      }, null)!;
      const what = `${r.image} face at (${wx.toFixed(0)}, ${wy.toFixed(0)})`;
      const box = [mine.box.x, mine.box.y, mine.box.width, mine.box.height];
      const dBox = Math.max(...box.map((v, i) => Math.abs(v - want.box[i]!)));
      assert.ok(dBox <= 1, `${what}: box [${box.map((v) => v.toFixed(2))}] vs [${want.box}]`);
      assert.ok(Math.abs(mine.box.score - want.score) < 1e-3, `${what}: score ${mine.box.score} vs ${want.score}`);
      let dLm = 0;
      for (let i = 0; i < 68; i++) dLm = Math.max(dLm, Math.hypot(mine.landmarks[2 * i]! - want.landmarks[2 * i]!, mine.landmarks[2 * i + 1]! - want.landmarks[2 * i + 1]!));
      assert.ok(dLm <= 0.5, `${what}: landmarks off by up to ${dLm.toFixed(3)} px (crop [${Object.values(mine.crop)}] vs [${want.crop}])`);
      worstBox = Math.max(worstBox, dBox);
      worstLm = Math.max(worstLm, dLm);
      faces++;
    }
  }
  console.log(`  face-api parity: ${faces} faces in ${ref.images.length} photos, worst box Δ ${worstBox.toFixed(4)} px, worst landmark Δ ${worstLm.toFixed(4)} px`);
});

test.run();
