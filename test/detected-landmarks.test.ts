// Landmarks from the landmark nets for samples without their own (src/data/landmark_source.ts): their
// distance to the CK+ files' on full frames and on 48/100 px aligned crops (the whole-image rule), a list
// file without landmark files cached with detected landmarks and a key that records the detector, and a
// faceless image left out with a warning (alone: a one-line error).

import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { FaceLandmarker } from '../src/face/detect/index.js';
import { decodeBgr } from '../src/face/image.js';
import { readLandmarks } from '../src/face/landmarks.js';
import { buildCache, cacheKey, ensureCache, readCache, writeCache } from '../src/data/cache.js';
import { readDataset } from '../src/data/datasets/index.js';
import { UserError } from '../src/errors.js';
import { DEFAULT_DETECT, LandmarkSource, NoFaceError, detectLandmarks, detectorKey } from '../src/data/landmark_source.js';
import { prepareFace } from '../src/data/preprocess.js';
import { repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';

const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
/** Peak frames with landmark files of their own. */
const PEAKS = ['happy/S010_006_00000015', 'surprise/S011_001_00000016', 'anger/S010_004_00000019'];
const SIZE = 64;

let tmp = '';
let finder: FaceLandmarker;

test.before(async () => {
  await setupGpu();
  finder = await FaceLandmarker.load();
  tmp = await mkdtemp(join(tmpdir(), 'oaenet-detected-'));
  await mkdir(join(tmp, 'img'));
  // Only the PNGs: the list reader then finds no <stem>_landmarks.txt and the nets must find them.
  for (const p of PEAKS) await copyFile(join(CKPLUS, `${p}.png`), join(tmp, 'img', `${basename(p)}.png`));
  await sharp({ create: { width: 640, height: 490, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(join(tmp, 'img', 'grey.png'));
  const line = (p: string, label: number): string => `img/${basename(p)}.png\t${label}\n`;
  await writeFile(join(tmp, 'faces.txt'), PEAKS.map((p, i) => line(p, i + 1)).join(''));
  await writeFile(join(tmp, 'with_grey.txt'), line(PEAKS[0]!, 1) + line('grey', 0));
  await writeFile(join(tmp, 'grey.txt'), line('grey', 0));
});

test.after(async () => {
  finder.dispose();
  await rm(tmp, { recursive: true, force: true });
});

/** Mean point-to-point distance, pixels. */
function meanError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < 68; i++) s += Math.hypot(a[2 * i]! - b[2 * i]!, a[2 * i + 1]! - b[2 * i + 1]!);
  return s / 68;
}

/** Distance between the eye centres (points 36–41, 42–47). */
function interocular(p: ArrayLike<number>): number {
  let [lx, ly, rx, ry] = [0, 0, 0, 0];
  for (let i = 0; i < 6; i++) [lx, ly, rx, ry] = [lx + p[72 + 2 * i]!, ly + p[73 + 2 * i]!, rx + p[84 + 2 * i]!, ry + p[85 + 2 * i]!];
  return Math.hypot(rx - lx, ry - ly) / 6;
}

test('full CK+ frames: the detected landmarks lie near the CK+ files\' ones', async () => {
  const errors: number[] = [];
  const relative: number[] = [];
  for (const p of PEAKS) {
    const [img, truth] = await Promise.all([decodeBgr(join(CKPLUS, `${p}.png`)), readLandmarks(join(CKPLUS, `${p}_landmarks.txt`))]);
    const found = await detectLandmarks(finder, img);
    assert.ok(found, `${p}: no face found`);
    const e = meanError(found!, truth);
    assert.ok(e < 0.12 * interocular(truth), `${p}: mean error ${e.toFixed(2)} px, inter-ocular ${interocular(truth).toFixed(1)} px`);
    errors.push(e);
    relative.push(e / interocular(truth));
  }
  console.log(`  detected vs CK+ landmarks on 640×490 frames: mean ${(errors.reduce((a, b) => a + b) / errors.length).toFixed(2)} px (per image ${errors.map((e) => e.toFixed(2)).join(', ')}; ${relative.map((r) => (100 * r).toFixed(1) + '%').join(', ')} of the inter-ocular distance)`);
});

test('48×48 and 100×100 aligned crops: the landmark net on the whole image', async () => {
  const rows: string[] = [];
  for (const side of [48, 100]) {
    for (const p of PEAKS.slice(0, 2)) {
      const truth = await readLandmarks(join(CKPLUS, `${p}_landmarks.txt`));
      // A square around the landmarks with a 20% margin, as FER2013/RAF-DB-style crops frame a face.
      let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
      for (let i = 0; i < 68; i++) [x0, y0, x1, y1] = [Math.min(x0, truth[2 * i]!), Math.min(y0, truth[2 * i + 1]!), Math.max(x1, truth[2 * i]!), Math.max(y1, truth[2 * i + 1]!)];
      const s = Math.round(1.2 * Math.max(x1 - x0, y1 - y0));
      const [left, top] = [Math.round((x0 + x1 - s) / 2), Math.round((y0 + y1 - s) / 2)];
      const png = await sharp(join(CKPLUS, `${p}.png`)).extract({ left, top, width: s, height: s }).resize(side, side).png().toBuffer();
      const img = await decodeBgr(new Uint8Array(png));
      // Pixel centres map as (x + ½)·k − ½.
      const k = side / s;
      const want = truth.map((v, i) => (v - (i % 2 ? top : left) + 0.5) * k - 0.5);
      const found = await detectLandmarks(finder, img);
      const rel = meanError(found!, want) / interocular(want);
      assert.ok(rel < 0.12, `${p} at ${side} px: mean error ${(100 * rel).toFixed(1)}% of the inter-ocular distance`);
      rows.push(`${side} px ${(100 * rel).toFixed(1)}%`);
    }
  }
  console.log(`  whole-image landmarks on aligned crops, mean error / inter-ocular distance: ${rows.join(', ')}`);
});

test('a list file without landmark files: cache built with detected landmarks; the key records the detector', async () => {
  const ds = await readDataset('list', join(tmp, 'faces.txt'));
  assert.ok(ds.samples.every((s) => s.landmarks === null));
  const path = join(tmp, 'faces.safetensors');
  const { cache, rebuilt } = await ensureCache(path, ds, { size: SIZE });
  assert.ok(rebuilt);
  assert.is(cache.count, 3);
  assert.equal(cache.skipped, []);
  assert.is(cache.key.detector, detectorKey(DEFAULT_DETECT));
  // What is stored is the detection path's crop and landmarks.
  const source = new LandmarkSource();
  const f = await prepareFace(ds.samples[1]!, SIZE, source.detect);
  await source.dispose();
  assert.equal(cache.landmarks.subarray(136, 272), Float32Array.from(f.landmarks));
  for (let i = 0; i < cache.count; i++) {
    for (const k of [36, 45, 48, 54]) {
      const [x, y] = [cache.landmarks[i * 136 + 2 * k]!, cache.landmarks[i * 136 + 2 * k + 1]!];
      assert.ok(x > 0 && x < SIZE && y > 0 && y < SIZE, `face ${i} landmark ${k} at (${x}, ${y})`);
    }
  }
  // Same settings: reused. Other detector settings: rebuilt. A dataset with every landmark file: no detector in its key.
  assert.not.ok((await ensureCache(path, ds, { size: SIZE })).rebuilt);
  const other = { ...DEFAULT_DETECT, scoreThreshold: 0.4 };
  assert.ok((await ensureCache(path, ds, { size: SIZE, detect: other })).rebuilt);
  assert.is((await readCache(path)).key.detector, detectorKey(other));
  assert.not.ok((await ensureCache(path, ds, { size: SIZE, detect: other })).rebuilt);
  const ck = await readDataset('ckplus', CKPLUS);
  assert.is((await cacheKey({ ...ck, samples: ck.samples.slice(0, 2) }, SIZE)).detector, undefined);
});

test('no face: left out with a warning and a count, kept out on reuse; none at all or alone: one-line UserError', async () => {
  const ds = await readDataset('list', join(tmp, 'with_grey.txt'));
  const warnings: string[] = [];
  const warn = (line: string): number => warnings.push(line);
  const cache = await buildCache(ds, { size: SIZE, warn });
  assert.is(cache.count, 1);
  assert.equal(cache.samples.map((s) => s.source), [`img/${basename(PEAKS[0]!)}.png`]);
  assert.equal(cache.skipped, ['img/grey.png']);
  assert.is(warnings.length, 2, warnings.join('\n'));
  assert.ok(warnings[0]!.includes(`${join(tmp, 'img', 'grey.png')}: no face found; left out`), warnings[0]);
  assert.ok(warnings[1]!.includes('1 of 2 images left out'), warnings[1]);
  const path = join(tmp, 'with_grey.safetensors');
  await writeCache(path, cache);
  assert.equal((await readCache(path)).skipped, ['img/grey.png']);
  warnings.length = 0;
  assert.not.ok((await ensureCache(path, ds, { size: SIZE, warn })).rebuilt);
  assert.equal(warnings.length, 1);
  assert.ok(warnings[0]!.includes('1 of 2 images left out'), warnings[0]);

  const grey = await readDataset('list', join(tmp, 'grey.txt'));
  const cases: [() => Promise<unknown>, string, typeof UserError][] = [
    [() => buildCache(grey, { size: SIZE, warn }), `${join(tmp, 'grey.txt')}: no face found in any of its 1 image;`, UserError],
    [() => prepareFace(grey.samples[0]!, SIZE, (img) => detectLandmarks(finder, img)), `${join(tmp, 'img', 'grey.png')}: no face found;`, NoFaceError],
  ];
  for (const [run, start, kind] of cases) {
    const e = await run().then(() => null, (err: unknown) => err);
    assert.instance(e, kind);
    const msg = (e as Error).message;
    assert.not.match(msg, /\n/);
    assert.ok(msg.startsWith(start) && msg.includes('landmark file'), msg);
  }
});

test.run();
