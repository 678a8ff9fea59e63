// The preprocessed training set in ONE safetensors file (the file carried to a GPU host): aligned
// size×size uint8 crops, each stored with one channel when it is grey (most of CK+; 3× smaller) or
// as B,G,R, 68 landmarks in crop pixels (float32), labels, subject ids, official splits, and the
// source paths in the metadata. A key (dataset, path, size, preprocessing version, the landmark
// detector's settings when some landmarks are detected, and a fingerprint of the sample list with file
// sizes and mtimes) decides whether an existing file is stale; files are written atomically.
// Samples without landmarks get them from the landmark nets (src/data/landmark_source.ts), loaded once
// per build; one in which no face is found is left out with a warning (a dataset of thousands should not
// stop at one bad photo), counted at the end and listed in the file's metadata `skipped`.

import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { LANDMARKS } from '../face/geometry.js';
import { entryFrom, toFloat32, toInt32, type Entry } from '../safetensors/entry.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../safetensors/file.js';
import { serializeSafetensors, type Safetensors } from '../safetensors/format.js';
import type { Dataset, OfficialSplit, Sample, SampleMeta } from './datasets/common.js';
import { UserError, reason, userError } from '../errors.js';
import { CLASS_NAMES, NUM_CLASSES } from './labels.js';
import { DEFAULT_DETECT, LandmarkSource, NoFaceError, detectorKey, type DetectSettings } from './landmark_source.js';
import { prepareFace } from './preprocess.js';
import type { FaceCrops } from './crops.js';

export { cachedBatch, cachedFace } from './crops.js';

const FORMAT = 'oaenet-face-cache/1';
/** Bump when src/face's alignment, crop or resize changes its output: old caches then rebuild. */
export const PREPROCESS_VERSION = 'align-v1';
export const DEFAULT_IMAGE_SIZE = 224;

export interface CacheKey {
  format: string;
  dataset: string;
  path: string;
  size: number;
  preprocess: string;
  /** detectorKey(settings) when some samples have no landmarks of their own, else absent. */
  detector?: string;
  /** sha256 of every sample's source, label, subject, split, landmark source and file size/mtime. */
  fingerprint: string;
}

export interface FaceCache extends FaceCrops {
  key: CacheKey;
  /** The folder that `samples[i].source` is relative to (on the machine that built the cache). */
  root: string;
  samples: SampleMeta[];
  /** Sources (relative to root) of the samples left out because no face was found in them. */
  skipped: string[];
}

export interface CacheOptions {
  /** Crop side (--image-size), default 224. */
  size?: number;
  /** Images decoded at once (default 4). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** How samples without landmarks get them (default DEFAULT_DETECT). */
  detect?: DetectSettings;
  /** Where warnings about left-out samples go (default console.warn). */
  warn?: (line: string) => void;
}

/** Individual warnings printed per build before only the final count is. */
const WARN_EACH = 10;

/**
 * Runs fn over items with at most `limit` in flight; results in input order. After a failure no item
 * starts, and the error is thrown once every running one has settled (so none still uses the landmark
 * nets when they are disposed).
 */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const error = settled.find((r) => r.status === 'rejected');
  if (error) throw error.reason;
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

export async function cacheKey(ds: Dataset, size = DEFAULT_IMAGE_SIZE, detect: DetectSettings = DEFAULT_DETECT): Promise<CacheKey> {
  const hash = createHash('sha256');
  const rows = await mapLimit(ds.samples, 64, async (s) => {
    const image = typeof s.image === 'string' ? await fileStamp(s.image) : createHash('sha256').update(s.image.data).digest('hex');
    const lm = s.landmarks === null ? null : typeof s.landmarks === 'string' ? [s.landmarks, await fileStamp(s.landmarks)] : Array.from(s.landmarks);
    return JSON.stringify([s.source, s.label, s.subject, s.split, image, lm]);
  });
  for (const r of rows) hash.update(r).update('\n');
  const detector = ds.samples.some((s) => s.landmarks === null) ? { detector: detectorKey(detect) } : {};
  return { format: FORMAT, dataset: ds.name, path: ds.path, size: checkSize(size), preprocess: PREPROCESS_VERSION, ...detector, fingerprint: hash.digest('hex') };
}

/** Aligns and crops every sample of the dataset (in memory; writeCache stores it). */
export async function buildCache(ds: Dataset, opts: CacheOptions = {}): Promise<FaceCache> {
  return build(ds, await cacheKey(ds, opts.size ?? DEFAULT_IMAGE_SIZE, opts.detect), opts);
}

const skippedLine = (c: FaceCache, total: number): string =>
  `warning: ${c.skipped.length} of ${total} images left out, no face found in them (a written cache lists them in its metadata "skipped"); give them 68-point landmark files to keep them`;

async function build(ds: Dataset, key: CacheKey, opts: CacheOptions): Promise<FaceCache> {
  const { size } = key;
  const warn = opts.warn ?? console.warn;
  const total = ds.samples.length;
  const source = new LandmarkSource(opts.detect);
  let done = 0;
  let faces: ({ crop: Uint8Array; landmarks: Float64Array } | null)[];
  try {
    faces = await mapLimit(ds.samples, opts.concurrency ?? 4, async (s: Sample) => {
      try {
        const f = await prepareFace(s, size, source.detect);
        return { crop: greyPlane(f.face.data) ?? f.face.data, landmarks: f.landmarks };
      } catch (e) {
        if (!(e instanceof NoFaceError)) throw e;
        return null;
      } finally {
        opts.onProgress?.(++done, total);
      }
    });
  } finally {
    await source.dispose();
  }
  const kept = ds.samples.flatMap((s, i) => (faces[i] ? [{ s, ...faces[i]! }] : []));
  const left = ds.samples.filter((_, i) => !faces[i]);
  if (kept.length === 0) throw userError(ds.path, `no face found in any of its ${total} image${total === 1 ? '' : 's'}`, 'check that they show faces, or give them 68-point landmark files');
  const n = kept.length;
  const channels = Uint8Array.from(kept, (k) => k.crop.length / (size * size));
  const offsets = offsetsOf(channels, size);
  const pixels = new Uint8Array(offsets[n]!);
  const landmarks = new Float32Array(n * LANDMARKS * 2);
  kept.forEach((k, i) => {
    pixels.set(k.crop, offsets[i]!);
    landmarks.set(k.landmarks, i * LANDMARKS * 2);
  });
  const samples = kept.map(({ s: { source, label, subject, split } }) => ({ source: relative(ds.root, source), label, subject, split }));
  const skipped = left.map((s) => relative(ds.root, s.source));
  const cache = { key, root: ds.root, count: n, size, channels, pixels, offsets: offsets.subarray(0, n), landmarks, samples, skipped };
  left.slice(0, WARN_EACH).forEach((s) => warn(`warning: ${s.source}: no face found; left out of the cache`));
  if (left.length > 0) warn(skippedLine(cache, total));
  return cache;
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
    skipped: JSON.stringify(c.skipped),
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
  let key: CacheKey, subjectIds: string[], sources: string[], skipped: string[];
  try {
    // `skipped` is absent from caches written before landmarks were detected.
    [key, subjectIds, sources, skipped] = [JSON.parse(metadata.key!), JSON.parse(metadata.subject_ids!), JSON.parse(metadata.sources!), JSON.parse(metadata.skipped ?? '[]')];
  } catch {
    throw bad('has malformed metadata');
  }
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!Number.isInteger(key?.size) || !strings(subjectIds) || !strings(sources) || !strings(skipped)) throw bad('has malformed metadata');
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
  return { key, root: metadata.root ?? '', count: n, size, channels, pixels, offsets: offsets.subarray(0, n), landmarks, samples, skipped };
}

/**
 * The cache at `path` for this dataset and size: read when its key matches, else built and written
 * (an unreadable or stale file is rebuilt, never trusted).
 */
export async function ensureCache(path: string, ds: Dataset, opts: CacheOptions = {}): Promise<{ cache: FaceCache; rebuilt: boolean }> {
  const want = await cacheKey(ds, opts.size ?? DEFAULT_IMAGE_SIZE, opts.detect);
  const old = await readCache(path).catch(() => null);
  const fields = [...new Set([...Object.keys(want), ...Object.keys(old?.key ?? {})])] as (keyof CacheKey)[];
  if (old && fields.every((k) => old.key[k] === want[k])) {
    // Said again on reuse: otherwise the smaller face count would go unexplained.
    if (old.skipped.length > 0) (opts.warn ?? console.warn)(skippedLine(old, old.count + old.skipped.length));
    return { cache: old, rebuilt: false };
  }
  const cache = await build(ds, want, opts);
  await writeCache(path, cache);
  return { cache, rebuilt: true };
}
