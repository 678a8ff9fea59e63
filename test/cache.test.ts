import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { repoRoot } from './fixtures.js';
import { ReadAhead, buildCache, cachedFace, ensureCache, loadFaces, readCache, writeCache, type BuiltCache, type CacheOptions, type FaceCache } from '../src/data/cache.js';
import { readDataset, type Dataset, type Sample } from '../src/data/datasets/index.js';
import { alignFace } from '../src/face/align.js';
import { cropOnImage, loadImage, loadLandmarks, prepareFace } from '../src/data/preprocess.js';
import { UnusableSample } from '../src/data/unusable_sample.js';
import { toFloat64 } from '../src/safetensors/entry.js';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { fixtureDir } from './fixtures.js';
import { assertClose, userErrorOf } from './util.js';

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

/** Every crop, landmark and sample of two caches are equal. */
function assertSameFaces(a: FaceCache, b: FaceCache): void {
  assert.is(a.count, b.count);
  assert.equal(a.samples, b.samples);
  assert.equal(a.channels, b.channels);
  assert.equal(a.landmarks, b.landmarks);
  for (let i = 0; i < a.count; i++) assert.equal(cachedFace(a, i).data, cachedFace(b, i).data, `crop ${i}`);
}

/** Shard file name → mtime, to see which shards a build rewrote. */
async function shardTimes(dir: string): Promise<Map<string, number>> {
  const names = (await readdir(dir)).filter((n) => n.startsWith('shard-'));
  return new Map(await Promise.all(names.map(async (n) => [n, (await stat(join(dir, n))).mtimeMs] as [string, number])));
}

let built: BuiltCache;

test('build: crops at the requested size, grey stored as one channel, colour as three', async () => {
  built = await buildCache(few, { size: SIZE });
  assert.is(built.count, 5);
  assert.is(built.size, SIZE);
  assert.equal(Array.from(built.channels), [1, 1, 3, 1, 1]);
  assert.equal([0, 2].map((i) => built.crops.readSync(i).length), [SIZE * SIZE, SIZE * SIZE * 3]);
  assert.equal(built.samples.map((s) => [s.source, s.label, s.subject]), few.samples.map((s) => [relative(CKPLUS, s.source), s.label, s.subject]));
  // Eyes and mouth land inside the crop (the box is built from them).
  for (let i = 0; i < built.count; i++) {
    for (const k of [36, 45, 48, 54]) {
      const [x, y] = [built.landmarks[i * 136 + 2 * k]!, built.landmarks[i * 136 + 2 * k + 1]!];
      assert.ok(x > 0 && x < SIZE && y > 0 && y < SIZE, `sample ${i} landmark ${k} at (${x}, ${y})`);
    }
  }
  // A grey crop comes back as three equal channels; loadFaces gathers a batch with its landmarks and labels.
  const grey = cachedFace(built, 0).data;
  assert.ok(grey.every((v, j) => v === grey[j - (j % 3)]));
  const batch = loadFaces(built, [2, 0]);
  assert.equal(batch.faces, [cachedFace(built, 2).data, grey]);
  assert.equal(batch.landmarks, Float64Array.from([...built.landmarks.subarray(2 * 136, 3 * 136), ...built.landmarks.subarray(0, 136)]));
  assert.equal(batch.labels, [built.samples[2]!.label, built.samples[0]!.label]);
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

test('write → read round trip is identical: a folder of shards, written atomically', async () => {
  const path = join(tmp, 'sub', 'ck');
  await writeCache(path, built);
  const back = await readCache(path, { dataset: 'ckplus', size: SIZE });
  assert.equal(back.key, built.key);
  assertSameFaces(back, built);
  // Every CK+ image has its landmark file: nothing detected, nothing left out.
  assert.is(back.key.detector, undefined);
  assert.equal(back.skipped, []);
  assert.equal(await readdir(path), ['shard-00000.safetensors'], 'one shard, no temporary file left');
  await userErrorOf(() => readCache(path, { size: 224 }), 'was built with size 64, not 224');
  await userErrorOf(() => readCache(path, { dataset: 'rafdb' }), 'was built with dataset ckplus');
});

test('ensureCache: reuses a matching cache, rebuilds when an option, the samples or a file change', async () => {
  const path = join(tmp, 'ensure');
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
  // A damaged shard is rebuilt by ensureCache and a UserError naming it for readCache.
  const shard = join(path, 'shard-00000.safetensors');
  await writeFile(shard, (await readFile(shard)).subarray(0, -100));
  await userErrorOf(() => readCache(path), shard, 'is not a face cache shard', 'delete it');
  assert.ok((await ensureCache(path, edited, { size: 48 })).rebuilt);
  await userErrorOf(() => ensureCache(path, edited, { size: 5 }), 'image size 5');
});

test('shards: a build streams to several files; an interrupted build continues where it stopped; a changed file rebuilds its shard only', async () => {
  const path = join(tmp, 'sharded');
  const opts: CacheOptions = { size: SIZE, shardFaces: 2 };
  // Interrupted after the 3rd face: shard 0 (faces 0–1) is written, shard 1 is not.
  let seen = 0;
  const stop = new Error('interrupted');
  const interrupted = ensureCache(path, few, { ...opts, concurrency: 1, onProgress: () => { if (++seen === 3) throw stop; } });
  assert.is(await interrupted.then(() => null, (e: unknown) => e), stop);
  assert.equal((await readdir(path)).filter((n) => !n.startsWith('.')), ['shard-00000.safetensors']);
  await userErrorOf(() => readCache(path), path, 'unfinished face cache', 'up to sample 2 of 5', 'continues from the shards already written');
  // Continued: the two faces already written are not prepared again.
  const progress: [number, number, number][] = [];
  const { cache, rebuilt } = await ensureCache(path, few, { ...opts, onProgress: (...p) => progress.push(p) });
  assert.ok(rebuilt);
  assert.equal(progress[0], [3, 5, 2]);
  assert.equal(progress.at(-1), [5, 5, 2]);
  assert.equal(await readdir(path), ['shard-00000.safetensors', 'shard-00001.safetensors', 'shard-00002.safetensors']);
  assertSameFaces(cache, built);
  assertSameFaces(await readCache(path), built);
  // Crops stay on disk until a batch asks for them: bytes changed in a shard after opening are what is read.
  const last = join(path, 'shard-00002.safetensors');
  const file = await readFile(last);
  await writeFile(last, Buffer.concat([file.subarray(0, file.length - SIZE * SIZE), Buffer.alloc(SIZE * SIZE, 7)]));
  assert.ok(cachedFace(cache, 4).data.every((v) => v === 7));
  await writeFile(last, file);
  // A landmark file of face 3 (shard 1) edited: that shard alone is rebuilt.
  const root = join(tmp, 'edited');
  await mkdir(root, { recursive: true });
  const moved = few.samples.map((s, i) => ({ ...s, landmarks: i === 3 ? join(root, 'lm.txt') : s.landmarks }));
  await copyFile(few.samples[3]!.landmarks as string, join(root, 'lm.txt'));
  const before = await shardTimes(path);
  await new Promise((r) => setTimeout(r, 20));
  const redone: number[] = [];
  await ensureCache(path, { ...few, samples: moved }, { ...opts, onProgress: (done) => redone.push(done) });
  const after = await shardTimes(path);
  assert.equal(redone, [4, 5], 'faces 3 and 4 (shard 1) only');
  assert.equal(['shard-00000.safetensors', 'shard-00001.safetensors', 'shard-00002.safetensors'].map((n) => before.get(n) === after.get(n)), [true, false, true]);
  // Fewer samples: the shards past the end are removed.
  await ensureCache(path, { ...few, samples: few.samples.slice(0, 2) }, opts);
  assert.equal(await readdir(path), ['shard-00000.safetensors']);
});

test('read ahead: the next batches are read while one is used, from the shard files, the same faces as in memory', async () => {
  const path = join(tmp, 'ahead');
  const { cache } = await ensureCache(path, few, { size: SIZE, shardFaces: 2 });
  const batches = [[4, 0], [1], [3, 2], [0]];
  const started: number[][] = [];
  const counted: FaceCache = { ...cache, crops: { ...cache.crops, read: (idx) => (started.push([...idx]), cache.crops.read(idx)) } };
  const ahead = new ReadAhead(counted, batches, 2);
  assert.equal(started, batches.slice(0, 2), 'two batches read before any is asked for');
  for (const [k, b] of batches.entries()) {
    const got = await ahead.next();
    assert.equal(started.length, Math.min(batches.length, k + 3), `batch ${k} taken: the ${k + 2}th after it is reading`);
    const want = loadFaces(built, b);
    assert.equal(got.faces, want.faces);
    assert.equal(got.landmarks, want.landmarks);
    assert.equal(got.labels, want.labels);
  }
  assert.throws(() => ahead.next(), /all 4 batches were taken/);
  // A shard removed under a running cache: a one-line error naming it.
  await rm(join(path, 'shard-00001.safetensors'));
  await userErrorOf(() => new ReadAhead(cache, [[0, 2]]).next(), join(path, 'shard-00001.safetensors'), 'cannot read the face crops', 'build it again');
});

/** A copy of `few` in a temp folder with image i replaced by `bytes` (null: missing). */
async function withBadImage(name: string, i: number, bytes: Uint8Array | null): Promise<Dataset> {
  const root = join(tmp, name);
  await mkdir(root, { recursive: true });
  const samples: Sample[] = [];
  for (const [k, s] of few.samples.entries()) {
    const image = join(root, `${k}.png`);
    if (k !== i) await copyFile(s.image as string, image);
    else if (bytes) await writeFile(image, bytes);
    samples.push({ ...s, source: image, image });
  }
  return { ...few, path: root, root, samples };
}

test('one unreadable or missing image is left out with a warning and listed in the cache; --strict stops at it', async () => {
  const png = await readFile(few.samples[1]!.image as string);
  const truncated = await withBadImage('truncated', 1, png.subarray(0, png.length >> 2));
  const missing = await withBadImage('missing', 3, null);
  for (const [ds, bad] of [[truncated, 1], [missing, 3]] as const) {
    const warnings: string[] = [];
    const path = join(ds.root, 'cache');
    const { cache } = await ensureCache(path, ds, { size: 32, warn: (l) => warnings.push(l) });
    assert.is(cache.count, 4);
    assert.equal(cache.skipped, [`${bad}.png`]);
    assert.is(cache.skipReasons[0]!.kind, 'unreadable');
    assert.ok(cache.skipReasons[0]!.message.includes(`${join(ds.root, `${bad}.png`)}: cannot decode the image`), cache.skipReasons[0]!.message);
    assert.is(warnings.length, 2, warnings.join('\n'));
    assert.ok(warnings[0]!.startsWith(`warning: ${join(ds.root, `${bad}.png`)}: cannot decode the image`) && warnings[0]!.endsWith('left out of the cache'), warnings[0]);
    assert.ok(warnings[1]!.includes('1 of 5 images left out: 1 unreadable') && warnings[1]!.includes(join(path, 'skipped.txt')) && warnings[1]!.includes('--strict'), warnings[1]);
    const listed = (await readFile(join(path, 'skipped.txt'), 'utf8')).trim().split('\n');
    assert.is(listed.length, 2);
    assert.ok(listed[1]!.startsWith(`${bad}.png\tunreadable\t${join(ds.root, `${bad}.png`)}: cannot decode the image`), listed[1]);
    assert.equal((await readCache(path, {}, { warn: () => undefined })).skipped, [`${bad}.png`]);
    // Strict: the reused cache is refused for what it left out, and a fresh build stops at the bad file.
    await userErrorOf(() => ensureCache(path, ds, { size: 32, strict: true }), ds.path, '1 of its 5 images cannot be used', `${bad}.png`, 'drop --strict');
    await userErrorOf(() => ensureCache(join(ds.root, 'strict'), ds, { size: 32, strict: true }), join(ds.root, `${bad}.png`), 'cannot decode the image', 'intact PNG/JPEG');
  }
  // Nothing usable at all: one line naming the dataset and the first problem.
  const none = { ...missing, samples: missing.samples.slice(3, 4) };
  await userErrorOf(() => buildCache(none, { size: 32, warn: () => undefined }), `${missing.path}: none of its 1 image could be used; the first: ${join(missing.root, '3.png')}`);
});

test('landmarks far outside the image: refused with a warning (an all-black crop otherwise), alone a one-line error', async () => {
  const s = few.samples[0]!;
  const img = await loadImage(s);
  const lm = (await loadLandmarks(s))!;
  assert.ok(cropOnImage(img, alignFace(img, lm, 32)) > 0.99, 'a CK+ face is all on the image');
  const shifted = (dx: number): Float64Array => lm.map((v, i) => (i % 2 === 0 ? v + dx : v));
  // This face spans x 217–519 of 640: moved a quarter past the right edge it still gives a usable crop,
  // moved two thirds past it (or far beyond) it does not.
  assert.ok(cropOnImage(img, alignFace(img, shifted(200), 32)) > 0.6);
  assert.ok(cropOnImage(img, alignFace(img, shifted(330), 32)) < 0.4);
  const far = { ...s, landmarks: shifted(5 * img.width) };
  assert.ok(cropOnImage(img, alignFace(img, far.landmarks, 32)) === 0);
  const e = await prepareFace(far, 32).then(() => null, (err: unknown) => err);
  assert.instance(e, UnusableSample);
  assert.is((e as UnusableSample).kind, 'bad landmarks');
  assert.ok((e as Error).message.startsWith(`${s.source}: the landmarks put 100% of the face crop off the image`), (e as Error).message);
  const warnings: string[] = [];
  const cache = await buildCache({ ...few, samples: [far, ...few.samples.slice(1)] }, { size: 32, warn: (l) => warnings.push(l) });
  assert.equal([cache.count, cache.skipped], [4, [relative(CKPLUS, s.source)]]);
  assert.ok(warnings[1]!.includes('1 of 5 images left out: 1 with landmarks off the image'), warnings[1]);
});

test('--cache may name only a face cache: a model file or a folder of other files is refused and left as it is', async () => {
  const model = join(tmp, 'm.safetensors');
  const bytes = new TextEncoder().encode('a model file the user cares about');
  await writeFile(model, bytes);
  await userErrorOf(() => ensureCache(model, few, { size: 32 }), model, 'is a file, not a face cache', 'left as it is', '--cache');
  await userErrorOf(() => readCache(model), model, 'is not a face cache');
  assert.equal(new Uint8Array(await readFile(model)), bytes);
  const run = join(tmp, 'run');
  await mkdir(run);
  await writeFile(join(run, 'best.safetensors'), bytes);
  await userErrorOf(() => ensureCache(run, few, { size: 32 }), run, 'holds files that are not part of a face cache (best.safetensors)');
  assert.equal(await readdir(run), ['best.safetensors']);
  // The single-file cache of earlier versions is a face cache: replaced by the folder.
  const old = join(tmp, 'cache-ckplus.safetensors');
  await writeFile(old, new Uint8Array([...new Uint8Array(8), ...new TextEncoder().encode('{"__metadata__":{"format":"oaenet-face-cache/1"}}')]));
  await userErrorOf(() => readCache(old), 'older single-file format', '--data-dir');
  assert.is((await ensureCache(old, few, { size: 32 })).cache.count, 5);
  assert.ok((await stat(old)).isDirectory());
});

test.run();
