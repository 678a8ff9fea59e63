// Every face of a photo (FaceLandmarker.findFaces, what evaluate.js predicts): boxes of the detector's
// input sizes pooled, a box inside a better one dropped; two faces side by side both found; a face crop
// of 48 to 140 px found whole (input 320 alone misses it or boxes a part); a blank square found as no face.

import { join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { FIND_FACES, FaceLandmarker, type Face } from '../src/face/detect/index.js';
import { nonMaxSuppression, overlapOfSmaller } from '../src/face/detect/detector.js';
import { decodeBgr, type BgrImage } from '../src/face/image.js';
import { readLandmarks } from '../src/face/landmarks.js';
import { repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';

const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const HAPPY = join(CKPLUS, 'happy', 'S010_006_00000015');
const SURPRISE = join(CKPLUS, 'surprise', 'S011_001_00000016');

let finder: FaceLandmarker;

test.before(async () => {
  await setupGpu();
  finder = await FaceLandmarker.load();
});

test.after(() => finder.dispose());

const png = async (s: Sharp): Promise<BgrImage> => decodeBgr(new Uint8Array(await s.png().toBuffer()));

/** The eye midpoint of 68 landmarks. */
const eyes = (p: ArrayLike<number>): [number, number] => [(p[72]! + p[90]!) / 2, (p[73]! + p[91]!) / 2];
const inside = ([x, y]: [number, number], f: Face): boolean => x >= f.crop.x && y >= f.crop.y && x < f.crop.x + f.crop.width && y < f.crop.y + f.crop.height;

test('overlap of the smaller box: a box inside a larger one is dropped whatever their IoU', () => {
  assert.is(overlapOfSmaller([0, 0, 100, 100], [10, 10, 20, 20]), 1);
  assert.is(overlapOfSmaller([0, 0, 10, 10], [5, 0, 10, 10]), 0.5);
  // IoU 0.04 keeps the small box; overlap of the smaller 1 drops it.
  const boxes = [[0, 0, 100, 100], [10, 10, 20, 20], [200, 0, 50, 50]];
  assert.equal(nonMaxSuppression(boxes, [0.9, 0.8, 0.7], 0.4), [0, 1, 2]);
  assert.equal(nonMaxSuppression(boxes, [0.9, 0.8, 0.7], 0.5, overlapOfSmaller), [0, 2]);
});

test('two faces side by side: both found, best first, each box around its own face', async () => {
  const [a, b] = [`${HAPPY}.png`, `${SURPRISE}.png`];
  const half = async (f: string): Promise<Buffer> => sharp(f).resize(320, 245).png().toBuffer();
  const img = await png(sharp({ create: { width: 640, height: 245, channels: 3, background: '#808080' } }).composite([{ input: await half(a), left: 0, top: 0 }, { input: await half(b), left: 320, top: 0 }]));
  const faces = await finder.findFaces(img);
  assert.is(faces.length, 2, JSON.stringify(faces.map((f) => f.box)));
  assert.ok(faces[0]!.box.score >= faces[1]!.box.score);
  const [left, right] = [...faces].sort((p, q) => p.crop.x - q.crop.x) as [Face, Face];
  const [ea, eb] = [eyes(await readLandmarks(`${HAPPY}_landmarks.txt`)), eyes(await readLandmarks(`${SURPRISE}_landmarks.txt`))];
  // Each frame is drawn at half size, the second 320 px to the right.
  assert.ok(inside([ea[0] / 2, ea[1] / 2], left), `eyes at ${ea} not in ${JSON.stringify(left.crop)}`);
  assert.ok(inside([320 + eb[0] / 2, eb[1] / 2], right), `eyes at ${eb} not in ${JSON.stringify(right.crop)}`);
});

test('face crops of 48 to 140 px: the detector finds the whole face with a score; a blank square is no face', async () => {
  const truth = await readLandmarks(`${SURPRISE}_landmarks.txt`);
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < 68; i++) [x0, y0, x1, y1] = [Math.min(x0, truth[2 * i]!), Math.min(y0, truth[2 * i + 1]!), Math.max(x1, truth[2 * i]!), Math.max(y1, truth[2 * i + 1]!)];
  // A square around the landmarks with a 20% margin, as FER2013/RAF-DB-style crops frame a face.
  const s = Math.round(1.2 * Math.max(x1 - x0, y1 - y0));
  const [left, top] = [Math.round((x0 + x1 - s) / 2), Math.round((y0 + y1 - s) / 2)];
  const rows: string[] = [];
  for (const side of [48, 100, 140]) {
    const img = await png(sharp(`${SURPRISE}.png`).extract({ left, top, width: s, height: s }).resize(side, side));
    const faces = await finder.findFaces(img);
    assert.is(faces.length, 1, `${side} px: ${JSON.stringify(faces.map((f) => f.box))}`);
    const { crop, box } = faces[0]!;
    assert.ok(box.score > 0.9, `${side} px: score ${box.score}`);
    // At 140 px, input 320 alone boxes the face from the brows to the chin only (about 92 px wide).
    assert.ok(crop.width >= 0.85 * side && crop.height >= 0.75 * side, `${side} px: box ${JSON.stringify(crop)} is part of the face`);
    rows.push(`${side} px: ${box.score.toFixed(3)}`);
  }
  const green = await png(sharp({ create: { width: 120, height: 120, channels: 3, background: { r: 0, g: 200, b: 0 } } }));
  assert.equal(await finder.findFaces(green), []);
  assert.equal(await finder.findFaces(green, { ...FIND_FACES, scoreThreshold: 0.05 }), [], 'nothing face-like at any score');
  console.log(`  face crops, detector score: ${rows.join(', ')}; a green square: no box`);
});

test.run();
