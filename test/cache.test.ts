import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sharp from 'sharp';
import { repoRoot } from './fixtures.js';
import { buildCache, cachedBatch, cachedFace, ensureCache, readCache, serializeCache, writeCache, type FaceCache } from '../src/data/cache.js';
import { readDataset, type Dataset } from '../src/data/datasets/index.js';
import { UserError } from '../src/errors.js';
import { toFloat64 } from '../src/safetensors/entry.js';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { fixtureDir } from './fixtures.js';
import { assertClose } from './util.js';

const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const SIZE = 64;

let tmp = '';
let full: Dataset;
/** A handful of CK+ images: grey neutral/peak pairs and one colour image (S501). */
let few: Dataset;

test.before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'oaenet-cache-'));
  full = await readDataset('ckplus', CKPLUS);
  const pick = ['neutral/S005_001_00000001.png', 'disgust/S005_001_00000011.png', 'anger/S501_001_00000067.png', 'neutral/S010_002_00000001.png', 'surprise/S010_002_00000014.png'];
  few = { ...full, samples: pick.map((p) => full.samples.find((s) => s.source === join(CKPLUS, p))!) };
});
test.after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function throwsUserError(fn: () => Promise<unknown>, part: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, UserError);
    assert.ok((e as Error).message.includes(part), (e as Error).message);
    return;
  }
  assert.unreachable('no error');
}

let built: FaceCache;

test('build: crops at the requested size, grey stored as one channel, colour as three', async () => {
  built = await buildCache(few, { size: SIZE });
  assert.is(built.count, 5);
  assert.is(built.size, SIZE);
  assert.equal(Array.from(built.channels), [1, 1, 3, 1, 1]);
  assert.is(built.pixels.length, SIZE * SIZE * 7);
  assert.equal(built.samples.map((s) => [s.source, s.label, s.subject]), few.samples.map((s) => [relative(CKPLUS, s.source), s.label, s.subject]));
  // Eyes and mouth land inside the crop (the box is built from them).
  for (let i = 0; i < built.count; i++) {
    for (const k of [36, 45, 48, 54]) {
      const [x, y] = [built.landmarks[i * 136 + 2 * k]!, built.landmarks[i * 136 + 2 * k + 1]!];
      assert.ok(x > 0 && x < SIZE && y > 0 && y < SIZE, `sample ${i} landmark ${k} at (${x}, ${y})`);
    }
  }
  const batch = cachedBatch(built, [2, 0]);
  assert.equal(batch.subarray(0, SIZE * SIZE * 3), cachedFace(built, 2).data);
  assert.equal(batch.subarray(SIZE * SIZE * 3), cachedFace(built, 0).data);
});

test('cached 224 crops and landmarks are the original alignment\'s (the mask fixture\'s six CK+ faces)', async () => {
  const dir = fixtureDir('mask', 'OAENET_MASK_FIXTURES');
  const cases: { image: string; name: string; tensors: Record<string, { key: string }> }[] = JSON.parse(await readFile(join(dir, 'mask_cases.json'), 'utf8')).cases;
  const { entries } = await readSafetensorsFile(join(dir, 'mask_cases.safetensors'));
  const tensor = (c: (typeof cases)[number], name: string) => entries.get(c.tensors[name]!.key)!;
  const sources = cases.map((c) => join(dir, '..', '..', c.image));
  const six = { ...full, samples: sources.map((p) => full.samples.find((s) => s.source === p)!) };
  const cache = await buildCache(six, { size: 224 });
  for (const [i, c] of cases.entries()) {
    // OpenCV's warpAffine rounds a few aligned pixels differently (±1), as the mask parity test measures.
    const want = tensor(c, 'crop224_bgr').data;
    const got = cachedFace(cache, i).data;
    assert.is(got.length, want.length, c.name);
    let within = 0;
    for (let k = 0; k < want.length; k++) if (Math.abs(got[k]! - want[k]!) <= 1) within++;
    assert.ok(within / want.length >= 0.99, `${c.name}: ${within} of ${want.length} values within ±1`);
    assertClose(cache.landmarks.subarray(i * 136, (i + 1) * 136), toFloat64(tensor(c, 'landmarks_224')), 1e-7, 0, `${c.name} landmarks (float32)`);
  }
});

test('write → read round trip is identical; written atomically', async () => {
  const path = join(tmp, 'sub', 'ck.safetensors');
  await writeCache(path, built);
  const back = await readCache(path, { dataset: 'ckplus', size: SIZE });
  assert.equal(back.key, built.key);
  assert.equal(back.samples, built.samples);
  assert.equal(back.channels, built.channels);
  assert.equal(back.pixels, built.pixels);
  assert.equal(back.landmarks, built.landmarks);
  // Every CK+ image has its landmark file: nothing detected, nothing left out.
  assert.is(back.key.detector, undefined);
  assert.equal(back.skipped, []);
  for (let i = 0; i < built.count; i++) assert.equal(cachedFace(back, i).data, cachedFace(built, i).data);
  assert.equal(await readdir(join(tmp, 'sub')), ['ck.safetensors'], 'no temporary file left');
  await throwsUserError(() => readCache(path, { size: 224 }), 'was built with size 64, not 224');
  await throwsUserError(() => readCache(path, { dataset: 'rafdb' }), 'was built with dataset ckplus');
});

test('ensureCache: reuses a matching file, rebuilds when an option, the samples or a file change', async () => {
  const path = join(tmp, 'ensure.safetensors');
  const three = { ...few, samples: few.samples.slice(0, 3) };
  assert.ok((await ensureCache(path, three, { size: 32 })).rebuilt);
  const again = await ensureCache(path, three, { size: 32 });
  assert.not.ok(again.rebuilt);
  assert.is(again.cache.count, 3);
  const resized = await ensureCache(path, three, { size: 48 });
  assert.ok(resized.rebuilt);
  assert.is((await readCache(path)).size, 48);
  assert.ok((await ensureCache(path, { ...few, samples: few.samples.slice(0, 2) }, { size: 48 })).rebuilt);
  // A landmark file touched since: its mtime is in the key.
  const copy = join(tmp, 'lm_landmarks.txt');
  const [a] = few.samples;
  await writeFile(copy, await readFile(a!.landmarks as string));
  const edited = { ...few, samples: [{ ...a!, landmarks: copy }] };
  assert.ok((await ensureCache(path, edited, { size: 48 })).rebuilt);
  assert.not.ok((await ensureCache(path, edited, { size: 48 })).rebuilt);
  const later = new Date(Date.now() + 5000);
  await utimes(copy, later, later);
  assert.ok((await ensureCache(path, edited, { size: 48 })).rebuilt);
  // A corrupt file is rebuilt by ensureCache and a UserError for readCache.
  await writeFile(path, 'not a cache');
  await throwsUserError(() => readCache(path), path);
  assert.ok((await ensureCache(path, edited, { size: 48 })).rebuilt);
  await throwsUserError(() => ensureCache(path, edited, { size: 5 }), 'image size 5');
});

test('cache size for all 484 CK+ images at 224 stays well under 64 MiB', async () => {
  // Exact bytes without decoding 484 images: the stored channels of each crop follow the PNG's colour type
  // (a colour-typed PNG could still be grey, so this is an upper bound; on this data it is exact).
  const size = 224;
  const channels = Uint8Array.from(await Promise.all(full.samples.map(async (s) => ((await sharp(s.image as string).metadata()).channels! >= 3 ? 3 : 1))));
  const n = full.samples.length;
  const total = channels.reduce((t, c) => t + c * size * size, 0);
  const standIn: FaceCache = {
    ...built,
    key: { ...built.key, size },
    count: n,
    size,
    channels,
    pixels: new Uint8Array(total),
    offsets: new Float64Array(n),
    landmarks: new Float32Array(n * 136),
    samples: full.samples.map((s) => ({ source: relative(CKPLUS, s.source), label: s.label, subject: s.subject, split: s.split })),
  };
  const bytes = serializeCache(standIn).byteLength;
  console.log(`  cache for ${n} CK+ images at ${size}: ${(bytes / 2 ** 20).toFixed(1)} MiB (${channels.filter((c) => c === 3).length} colour crops)`);
  assert.ok(bytes < 32 * 2 ** 20, `${bytes} bytes`);
});

test.run();
