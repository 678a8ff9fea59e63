// What prediction refuses before it runs, each as a message naming the problem: an image over the pixel
// limit (read from its header, before any decoding) or under the smallest side; landmarks that cannot be
// a face of the image; a checkpoint with NaN/Inf weights or an integer dtype for float weights (nothing
// loaded); a recorded image_size that is not a network input side.

import { join } from 'node:path';
import sharp from 'sharp';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { ImageSizeError, MAX_PIXELS, decodeBgr } from '../src/face/image.js';
import { faceProblem, readLandmarks } from '../src/face/landmarks.js';
import { checkpointImageSize, loadStateEntries, stateEntries } from '../src/model/checkpoint.js';
import { TinyCnn } from '../src/model/tiny_cnn.js';
import { entryFrom, toFloat32, type Entry } from '../src/safetensors/entry.js';
import { repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';

const HAPPY = join(repoRoot(), '..', 'shared', 'data', 'ckplus', 'happy', 'S010_006_00000015');

/** PNG's CRC-32 (zlib's crc32, which older Node versions lack). */
function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A PNG whose header claims width × height: a 1×1 PNG with its IHDR size (and CRC) rewritten. */
async function pngClaiming(width: number, height: number): Promise<Uint8Array> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } }).png().toBuffer());
  // Signature (8), then IHDR: length (4), type (4), width (4), height (4), 5 bytes more, CRC over type..data.
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

async function refusal(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(() => null, (err: unknown) => err as Error);
  if (!e) assert.unreachable('accepted');
  return e!;
}

test('images: over 50 megapixels refused from the header alone, under 16 px a side refused, in between decoded', async () => {
  const t0 = performance.now();
  const huge = await refusal(decodeBgr(await pngClaiming(16000, 16000)));
  assert.instance(huge, ImageSizeError);
  assert.is(huge.message, '16000×16000 pixels (256 megapixels) is over the limit of 50 megapixels');
  // Decoding 16000×16000 would take seconds and 768 MB; the header takes milliseconds.
  assert.ok(performance.now() - t0 < 1000, `${performance.now() - t0} ms`);
  assert.ok(10_000 * 5_001 > MAX_PIXELS);
  assert.instance(await refusal(decodeBgr(await pngClaiming(10_000, 5_001))), ImageSizeError);
  const tiny = await refusal(decodeBgr(new Uint8Array(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } }).png().toBuffer())));
  assert.instance(tiny, ImageSizeError);
  assert.is(tiny.message, '1×1 pixels is too small to show a face (at least 16 pixels a side)');
  const ok = await decodeBgr(new Uint8Array(await sharp({ create: { width: 16, height: 20, channels: 3, background: '#808080' } }).png().toBuffer()));
  assert.equal([ok.width, ok.height, ok.data.length], [16, 20, 16 * 20 * 3]);
});

test('landmarks: a face of its image, or one line saying why not', async () => {
  const lm = await readLandmarks(`${HAPPY}_landmarks.txt`);
  assert.is(faceProblem(lm, 640, 490), null);
  assert.is(faceProblem(new Float64Array(136), 640, 490), 'its landmarks outline a face 0 px across, too small to align: at least 8 px, with the eyes above the mouth');
  assert.is(faceProblem(lm, 100, 100), '68 of its 68 landmarks lie outside the 100×100 image');
  // Upside down (y mirrored): the mouth above the eyes.
  const flipped = lm.map((v, i) => (i % 2 ? 490 - v : v));
  assert.match(faceProblem(flipped, 640, 490) ?? '', /too small to align/);
});

test('checkpoints: NaN or Inf weights and integer dtypes for float weights are refused, and nothing is loaded', async () => {
  await setupGpu();
  const source = new TinyCnn(3, 7, 4, 1);
  const target = new TinyCnn(3, 7, 4, 2);
  const entries = await stateEntries(source);
  const fcWeight = (m: TinyCnn): Promise<Float32Array> => m.stateTensors().get('fc.weight')!.readF32();
  const before = await fcWeight(target);
  const w = entries.get('fc.weight')!;
  const withValue = (v: number): Map<string, Entry> => {
    const data = toFloat32(w);
    data[5] = v;
    return new Map([...entries, ['fc.weight', entryFrom('F32', data, w.shape)]]);
  };
  const cases: [Map<string, Entry>, string][] = [
    [withValue(NaN), 'm.safetensors: tensor "fc.weight" holds NaN at index 5; the training run that wrote it diverged'],
    [withValue(-Infinity), 'm.safetensors: tensor "fc.weight" holds -Infinity at index 5;'],
    [new Map([...entries, ['fc.weight', { ...w, dtype: 'I32' }]]), 'm.safetensors: tensor "fc.weight" is I32, but it holds floating-point weights;'],
  ];
  for (const [bad, start] of cases) {
    assert.throws(() => loadStateEntries(target, bad, { source: 'm.safetensors' }), (e: Error) => e.message.startsWith(start) && !e.message.includes('\n'));
    assert.equal(await fcWeight(target), before, 'a refused file changes nothing');
  }
  loadStateEntries(target, entries, { source: 'm.safetensors' });
  assert.equal(await fcWeight(target), await fcWeight(source));
  for (const m of [source, target]) m.dispose();
});

test('checkpoint image_size: a network input side, else an Error (never a silent 224)', () => {
  assert.is(checkpointImageSize({ image_size: '32' }), 32);
  assert.is(checkpointImageSize({ state: JSON.stringify({ config: { imageSize: 48 } }) }), 48);
  assert.is(checkpointImageSize({}), undefined);
  assert.is(checkpointImageSize({ state: 'not json' }), undefined);
  const bad: [Record<string, string>, string][] = [
    [{ image_size: '7' }, 'its metadata records image_size 7, which is not a multiple of 16 from 32 to 224'],
    [{ image_size: 'abc' }, 'its metadata records image_size "abc", which is not a multiple of 16 from 32 to 224'],
    [{ image_size: '100000' }, 'its metadata records image_size 100000, which is not a multiple of 16 from 32 to 224'],
    [{ state: JSON.stringify({ config: { imageSize: 50 } }) }, 'its metadata records image_size 50, which is not a multiple of 16 from 32 to 224'],
  ];
  for (const [metadata, message] of bad) assert.throws(() => checkpointImageSize(metadata), (e: Error) => e.message === message);
});

test.run();
