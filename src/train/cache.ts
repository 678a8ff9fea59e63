// The preprocessed training set in ONE safetensors file (the file carried to a GPU host): aligned
// size×size uint8 crops, each stored with one channel when it is grey (most of CK+; 3× smaller) or
// as B,G,R, 68 landmarks in crop pixels (float32), labels, subject ids, official splits, and the
// source paths in the metadata. A key (dataset, path, size, preprocessing version, and a fingerprint
// of the sample list with file sizes and mtimes) decides whether an existing file is stale; files are
// written atomically.

import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { LANDMARKS } from '../mask/landmarks.js';
import type { BgrImage } from '../mask/image.js';
import { entryFrom, readSafetensorsFile, serializeSafetensors, toFloat32, toInt32, writeSafetensorsFile, type Entry, type Safetensors } from '../graph/safetensors.js';
import type { Dataset, OfficialSplit, Sample, SampleMeta } from './datasets/common.js';
import { UserError, reason, userError } from './errors.js';
import { CLASS_NAMES, NUM_CLASSES } from './labels.js';
import { prepareFace } from './preprocess.js';

const FORMAT = 'oaenet-face-cache/1';
/** Bump when src/mask's alignment, crop or resize changes its output: old caches then rebuild. */
export const PREPROCESS_VERSION = 'align-v1';
export const DEFAULT_IMAGE_SIZE = 224;

export interface CacheKey {
  format: string;
  dataset: string;
  path: string;
  size: number;
  preprocess: string;
  /** sha256 of every sample's source, label, subject, split, landmark source and file size/mtime. */
  fingerprint: string;
}

export interface FaceCache {
  key: CacheKey;
  /** The folder that `samples[i].source` is relative to (on the machine that built the cache). */
  root: string;
  count: number;
  size: number;
  /** Per crop: 1 (grey) or 3 (B,G,R). */
  channels: Uint8Array;
  /** Crop i is size×size×channels[i] bytes at offsets[i]. */
  pixels: Uint8Array;
  offsets: Float64Array;
  /** [count, 68, 2] (x, y) in crop pixels. */
  landmarks: Float32Array;
  samples: SampleMeta[];
}

export interface CacheOptions {
  /** Crop side (--image-size), default 224. */
  size?: number;
  /** Images decoded at once (default 4). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Runs fn over items with at most `limit` in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

async function fileStamp(path: string): Promise<string> {
  const s = await stat(path).catch(() => null);
  return s ? `${s.size}:${s.mtimeMs}` : 'missing';
}

function checkSize(size: number): number {
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw userError(`image size ${size}`, 'is not an integer from 8 to 4096', 'pass --image-size 224 (the network input) or another side length');
  return size;
}

export async function cacheKey(ds: Dataset, size = DEFAULT_IMAGE_SIZE): Promise<CacheKey> {
  const hash = createHash('sha256');
  const rows = await mapLimit(ds.samples, 64, async (s) => {
    const image = typeof s.image === 'string' ? await fileStamp(s.image) : createHash('sha256').update(s.image.data).digest('hex');
    const lm = s.landmarks === null ? null : typeof s.landmarks === 'string' ? [s.landmarks, await fileStamp(s.landmarks)] : Array.from(s.landmarks);
    return JSON.stringify([s.source, s.label, s.subject, s.split, image, lm]);
  });
  for (const r of rows) hash.update(r).update('\n');
  return { format: FORMAT, dataset: ds.name, path: ds.path, size: checkSize(size), preprocess: PREPROCESS_VERSION, fingerprint: hash.digest('hex') };
}

/** Refuses datasets whose landmarks must come from the (not yet written) landmark model. */
function requireLandmarks(ds: Dataset): void {
  const missing = ds.samples.filter((s) => s.landmarks === null);
  if (missing.length === 0) return;
  const fix = missing.length === ds.samples.length
    ? 'use CK+ or a list file whose images have <stem>_landmarks.txt beside them'
    : `${missing.length} of ${ds.samples.length} images lack <stem>_landmarks.txt (e.g. ${missing[0]!.source}); add them or leave those images out`;
  throw userError(ds.path, `not yet: landmarks for ${ds.name} need the face landmark model (issue 4)`, fix);
}

/** Aligns and crops every sample of the dataset (in memory; writeCache stores it). */
export async function buildCache(ds: Dataset, opts: CacheOptions = {}): Promise<FaceCache> {
  requireLandmarks(ds);
  return build(ds, await cacheKey(ds, opts.size ?? DEFAULT_IMAGE_SIZE), opts);
}

async function build(ds: Dataset, key: CacheKey, opts: CacheOptions): Promise<FaceCache> {
  const { size } = key;
  const n = ds.samples.length;
  const landmarks = new Float32Array(n * LANDMARKS * 2);
  let done = 0;
  const crops = await mapLimit(ds.samples, opts.concurrency ?? 4, async (s: Sample, i) => {
    const f = await prepareFace(s, size);
    landmarks.set(f.landmarks, i * LANDMARKS * 2);
    opts.onProgress?.(++done, n);
    return greyPlane(f.face.data) ?? f.face.data;
  });
  const channels = Uint8Array.from(crops, (c) => c.length / (size * size));
  const offsets = offsetsOf(channels, size);
  const pixels = new Uint8Array(offsets[n]!);
  crops.forEach((c, i) => pixels.set(c, offsets[i]!));
  const samples = ds.samples.map(({ source, label, subject, split }) => ({ source: relative(ds.root, source), label, subject, split }));
  return { key, root: ds.root, count: n, size, channels, pixels, offsets: offsets.subarray(0, n), landmarks, samples };
}

/** Start of each crop in the pixel bytes, plus the total at [n]. */
function offsetsOf(channels: Uint8Array, size: number): Float64Array {
  const out = new Float64Array(channels.length + 1);
  channels.forEach((c, i) => (out[i + 1] = out[i]! + c * size * size));
  return out;
}

/** The single channel of B,G,R pixels when all three are equal everywhere (a third of the bytes), else null. */
function greyPlane(bgr: Uint8Array): Uint8Array | null {
  const out = new Uint8Array(bgr.length / 3);
  for (let j = 0; j < out.length; j++) {
    const v = bgr[3 * j]!;
    if (v !== bgr[3 * j + 1] || v !== bgr[3 * j + 2]) return null;
    out[j] = v;
  }
  return out;
}

/** Writes crop i as size×size×3 B,G,R bytes (grey expanded) into `out` at byte `at`. */
function copyFace(c: FaceCache, i: number, out: Uint8Array, at: number): void {
  const px = c.size * c.size;
  const src = c.pixels.subarray(c.offsets[i]!, c.offsets[i]! + px * c.channels[i]!);
  if (c.channels[i] === 3) return out.set(src, at);
  for (let j = 0; j < px; j++) out[at + 3 * j] = out[at + 3 * j + 1] = out[at + 3 * j + 2] = src[j]!;
}

/** Crop i as a size×size×3 B,G,R image. */
export function cachedFace(c: FaceCache, i: number): BgrImage {
  const data = new Uint8Array(c.size * c.size * 3);
  copyFace(c, i, data, 0);
  return { data, height: c.size, width: c.size };
}

/** The crops of `indices` as one [B, size, size, 3] B,G,R array (the mask's and the batch's input). */
export function cachedBatch(c: FaceCache, indices: readonly number[]): Uint8Array {
  const bytes = c.size * c.size * 3;
  const out = new Uint8Array(indices.length * bytes);
  indices.forEach((i, b) => copyFace(c, i, out, b * bytes));
  return out;
}

const SPLIT_CODES: readonly (OfficialSplit | null)[] = [null, 'train', 'val', 'test'];

function toFile(c: FaceCache): [Record<string, Entry>, Record<string, string>] {
  const subjects = [...new Set(c.samples.map((s) => s.subject).filter((s) => s !== null))].sort();
  const entries = {
    pixels: { dtype: 'U8', shape: [c.pixels.length], data: c.pixels } as Entry,
    channels: { dtype: 'U8', shape: [c.count], data: c.channels } as Entry,
    landmarks: entryFrom('F32', c.landmarks, [c.count, LANDMARKS, 2]),
    labels: entryFrom('I32', c.samples.map((s) => s.label), [c.count]),
    subjects: entryFrom('I32', c.samples.map((s) => (s.subject === null ? -1 : subjects.indexOf(s.subject))), [c.count]),
    splits: entryFrom('U8', c.samples.map((s) => SPLIT_CODES.indexOf(s.split)), [c.count]),
  };
  const metadata = {
    format: FORMAT,
    key: JSON.stringify(c.key),
    root: c.root,
    classes: JSON.stringify(CLASS_NAMES),
    subject_ids: JSON.stringify(subjects),
    sources: JSON.stringify(c.samples.map((s) => s.source)),
  };
  return [entries, metadata];
}

/** The file's bytes (what writeCache stores): for sizing without writing. */
export function serializeCache(c: FaceCache): Uint8Array {
  return serializeSafetensors(...toFile(c));
}

export async function writeCache(path: string, c: FaceCache): Promise<void> {
  await mkdir(dirname(resolve(path)), { recursive: true }).catch((e) => {
    throw userError(path, `cannot create its folder (${reason(e)})`, 'choose a writable cache path');
  });
  try {
    await writeSafetensorsFile(path, ...toFile(c));
  } catch (e) {
    throw new UserError(reason(e));
  }
}

/**
 * Reads a cache; `expect` (e.g. the dataset and size the trainer was asked for) must match its key.
 * Every problem is a UserError naming the file.
 */
export async function readCache(path: string, expect: Partial<Pick<CacheKey, 'dataset' | 'size'>> = {}): Promise<FaceCache> {
  const bad = (problem: string): UserError => userError(path, problem, 'delete it and build the cache again');
  let file: Safetensors;
  try {
    file = await readSafetensorsFile(path);
  } catch (e) {
    throw new UserError(reason(e));
  }
  const { entries, metadata } = file;
  if (metadata.format !== FORMAT) throw bad(`is not an OAENet face cache (format ${JSON.stringify(metadata.format ?? null)}, expected ${FORMAT})`);
  let key: CacheKey, subjectIds: string[], sources: string[];
  try {
    [key, subjectIds, sources] = [JSON.parse(metadata.key!), JSON.parse(metadata.subject_ids!), JSON.parse(metadata.sources!)];
  } catch {
    throw bad('has malformed metadata');
  }
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!Number.isInteger(key?.size) || !strings(subjectIds) || !strings(sources)) throw bad('has malformed metadata');
  for (const k of ['dataset', 'size'] as const) {
    if (expect[k] !== undefined && expect[k] !== key[k]) throw userError(path, `was built with ${k} ${key[k]}, not ${expect[k]}`, `build it again with ${k} ${expect[k]} or pass ${k} ${key[k]}`);
  }
  const get = (name: string, dtype: Entry['dtype'], shape: number[]): Entry => {
    const e = entries.get(name);
    if (!e || e.dtype !== dtype || e.shape.length !== shape.length || e.shape.some((d, i) => d !== shape[i])) throw bad(`entry ${name} is missing or not ${dtype} [${shape}]`);
    return e;
  };
  const n = entries.get('labels')?.shape[0] ?? 0;
  const size = key.size;
  const channels = get('channels', 'U8', [n]).data;
  if (channels.some((ch) => ch !== 1 && ch !== 3)) throw bad('has crops with neither 1 nor 3 channels');
  const offsets = offsetsOf(channels, size);
  const pixels = get('pixels', 'U8', [offsets[n]!]).data;
  const labels = toInt32(get('labels', 'I32', [n]));
  const subjects = toInt32(get('subjects', 'I32', [n]));
  const splits = get('splits', 'U8', [n]).data;
  if (sources.length !== n) throw bad(`lists ${sources.length} sources for ${n} crops`);
  if (labels.some((l) => l < 0 || l >= NUM_CLASSES)) throw bad('has labels outside the classes');
  if (subjects.some((s) => s < -1 || s >= subjectIds.length) || splits.some((s) => s >= SPLIT_CODES.length)) throw bad('has bad subject or split codes');
  const samples = sources.map((source, i) => ({ source, label: labels[i]!, subject: subjects[i]! < 0 ? null : subjectIds[subjects[i]!]!, split: SPLIT_CODES[splits[i]!]! }));
  const landmarks = toFloat32(get('landmarks', 'F32', [n, LANDMARKS, 2]));
  return { key, root: metadata.root ?? '', count: n, size, channels, pixels, offsets: offsets.subarray(0, n), landmarks, samples };
}

/**
 * The cache at `path` for this dataset and size: read when its key matches, else built and written
 * (an unreadable or stale file is rebuilt, never trusted).
 */
export async function ensureCache(path: string, ds: Dataset, opts: CacheOptions = {}): Promise<{ cache: FaceCache; rebuilt: boolean }> {
  requireLandmarks(ds);
  const want = await cacheKey(ds, opts.size ?? DEFAULT_IMAGE_SIZE);
  const old = await readCache(path).catch(() => null);
  const fields = Object.keys(want) as (keyof CacheKey)[];
  if (old && fields.every((k) => old.key[k] === want[k])) return { cache: old, rebuilt: false };
  const cache = await build(ds, want, opts);
  await writeCache(path, cache);
  return { cache, rebuilt: true };
}
