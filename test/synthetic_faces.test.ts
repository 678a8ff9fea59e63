import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { alignFace } from '../src/face/align.js';
import { FACE_SIZE } from '../src/face/geometry.js';
import type { GrayPixels, Sample } from '../src/data/datasets/common.js';
import { expression, faceShape, MEAN_IDENTITY, syntheticFaces, SYNTHETIC_HEIGHT, SYNTHETIC_WIDTH } from '../src/data/datasets/synthetic_faces.js';
import { NUM_CLASSES } from '../src/data/labels.js';
import { loadImage } from '../src/data/preprocess.js';

const gray = (s: Sample): GrayPixels => s.image as GrayPixels;
const points = (s: Sample): Float64Array => s.landmarks as Float64Array;
const pixel = (g: GrayPixels, x: number, y: number): number => g.data[Math.round(y) * g.width + Math.round(x)]!;

const data = syntheticFaces({ subjects: 4, imagesPerSubject: 14, seed: 7 });

test('deterministic, stable ids, balanced classes per subject', () => {
  const again = syntheticFaces({ subjects: 4, imagesPerSubject: 14, seed: 7 });
  assert.is(again.samples.length, 56);
  again.samples.forEach((s, i) => {
    const t = data.samples[i]!;
    assert.equal([s.source, s.label, s.subject, s.split], [t.source, t.label, t.subject, t.split]);
    assert.equal(points(s), points(t));
    assert.ok(Buffer.from(gray(s).data).equals(Buffer.from(gray(t).data)), s.source);
  });
  assert.equal([data.name, data.path, data.root], ['synthetic', 'generated', 'generated']);
  assert.is(data.samples[3]!.source, 'synthetic:P001:0003');
  assert.is(data.samples[14]!.subject, 'P002');
  for (const p of ['P001', 'P002', 'P003', 'P004']) {
    const counts = new Array(NUM_CLASSES).fill(0);
    for (const s of data.samples) if (s.subject === p) counts[s.label]++;
    assert.equal(counts, new Array(NUM_CLASSES).fill(2), p);
  }
  // A larger set keeps the first images; another seed changes them.
  const more = syntheticFaces({ subjects: 5, imagesPerSubject: 15, seed: 7 });
  assert.equal(points(more.samples[16]!), points(data.samples[15]!));
  assert.ok(Buffer.from(gray(more.samples[16]!).data).equals(Buffer.from(gray(data.samples[15]!).data)));
  const other = syntheticFaces({ subjects: 1, imagesPerSubject: 1, seed: 8 });
  assert.not.equal(points(other.samples[0]!), points(data.samples[0]!));
  assert.throws(() => syntheticFaces({ subjects: 0, imagesPerSubject: 7, seed: 1 }), /subjects is 0/);
  assert.throws(() => syntheticFaces({ subjects: 2, imagesPerSubject: 2.5, seed: 1 }), /imagesPerSubject/);
});

test('68 landmarks inside the image', () => {
  for (const s of data.samples) {
    const lm = points(s), g = gray(s);
    assert.equal([g.width, g.height, g.data.length], [SYNTHETIC_WIDTH, SYNTHETIC_HEIGHT, SYNTHETIC_WIDTH * SYNTHETIC_HEIGHT]);
    assert.is(lm.length, 136);
    for (let i = 0; i < 136; i += 2) assert.ok(lm[i]! >= 0 && lm[i]! <= g.width - 1 && lm[i + 1]! >= 0 && lm[i + 1]! <= g.height - 1, `${s.source} point ${i / 2}`);
  }
});

test('every landmark lies on a drawn stroke: its pixel is darker than the skin', () => {
  for (const s of data.samples) {
    const lm = points(s), g = gray(s);
    // Skin: the median around the middle of the cheek, between jaw point 2 and nose point 31.
    const cx = (lm[4]! + lm[62]!) / 2, cy = (lm[5]! + lm[63]!) / 2;
    const around: number[] = [];
    for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) around.push(pixel(g, cx + dx, cy + dy));
    const skin = around.sort((a, b) => a - b)[12]!;
    for (let i = 0; i < 68; i++) {
      const v = pixel(g, lm[2 * i]!, lm[2 * i + 1]!);
      assert.ok(v < skin - 30, `${s.source} point ${i}: ${v} vs skin ${skin}`);
    }
  }
});

test('expressions move the landmarks they should (face units, mean identity)', () => {
  const shape = (label: number): Float64Array => faceShape(MEAN_IDENTITY, expression(label, 1));
  const y = (lm: Float64Array, i: number): number => lm[2 * i + 1]!;
  const x = (lm: Float64Array, i: number): number => lm[2 * i]!;
  const cornerRise = (lm: Float64Array): number => (y(lm, 51) + y(lm, 57)) / 2 - (y(lm, 48) + y(lm, 54)) / 2;
  const innerGap = (lm: Float64Array): number => y(lm, 66) - y(lm, 62);
  const eyeOpen = (lm: Float64Array): number => y(lm, 41) - y(lm, 37);
  const browY = (lm: Float64Array, i: number): number => y(lm, i);
  const [neutral, happy, sad, surprise, fear, disgust, anger] = [0, 1, 2, 3, 4, 5, 6].map(shape) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  assert.ok(cornerRise(happy) > cornerRise(neutral) + 0.1 && x(happy, 54) - x(happy, 48) > x(neutral, 54) - x(neutral, 48));
  assert.ok(eyeOpen(happy) < eyeOpen(neutral));
  assert.ok(cornerRise(sad) < cornerRise(neutral) - 0.08 && browY(sad, 21) < browY(neutral, 21) - 0.08);
  assert.ok(innerGap(surprise) > 0.25 && eyeOpen(surprise) > 1.4 * eyeOpen(neutral) && browY(surprise, 19) < browY(neutral, 19) - 0.1);
  assert.ok(x(fear, 22) - x(fear, 21) < x(neutral, 22) - x(neutral, 21) - 0.1 && eyeOpen(fear) > eyeOpen(neutral) && innerGap(fear) > 0);
  assert.ok(x(fear, 54) - x(fear, 48) > x(neutral, 54) - x(neutral, 48));
  assert.ok(y(disgust, 51) < y(neutral, 51) - 0.05 && y(disgust, 33) < y(neutral, 33) - 0.05 && eyeOpen(disgust) < eyeOpen(neutral));
  assert.ok(browY(anger, 21) > browY(neutral, 21) + 0.1 && y(anger, 57) - y(anger, 51) < y(neutral, 57) - y(neutral, 51) - 0.05);
  assert.is(innerGap(neutral), 0);
});

test('alignFace accepts every face: a 224×224 face with its landmarks inside', async () => {
  for (const s of data.samples) {
    const a = alignFace(await loadImage(s), points(s));
    assert.equal([a.face.width, a.face.height], [FACE_SIZE, FACE_SIZE], s.source);
    for (const v of a.landmarks) assert.ok(v >= 0 && v < FACE_SIZE, `${s.source}: aligned landmark ${v}`);
  }
});

test.run();
