// What decides whether stored faces are still those of a dataset: the build (format, dataset, path,
// crop size, preprocessing version, the landmark detector's settings when some landmarks are detected)
// and, per shard, a hash of its samples' rows (source, label, subject, split, landmark source, and each
// file's size and mtime). The samples are cut into shards of a fixed count, so a changed file or an
// interrupted build costs one shard, not the dataset.

import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { userError } from '../../errors.js';
import type { Dataset } from '../datasets/common.js';
import { DEFAULT_DETECT, detectorKey, type DetectSettings } from '../landmark_source.js';
import type { CacheKey } from './faces.js';
import { mapLimit } from './map_limit.js';

export const FORMAT = 'oaenet-face-cache/2';
/** The single-file format written before shards: recognised so that it can be replaced. */
export const OLD_FORMAT = 'oaenet-face-cache/1';
/** Bump when src/face's alignment, crop or resize changes its output: old caches then rebuild. */
export const PREPROCESS_VERSION = 'align-v1';
export const DEFAULT_IMAGE_SIZE = 224;
/** Shard files hold about this many bytes of colour crops (fewer when some are grey or left out). */
const SHARD_BYTES = 64 * 2 ** 20;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Samples per shard at this crop size: 445 at 224. */
export function defaultShardFaces(size: number): number {
  return Math.max(1, Math.floor(SHARD_BYTES / (size * size * 3)));
}

export function checkSize(size: number): number {
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw userError(`image size ${size}`, 'is not an integer from 8 to 4096', 'pass --image-size 224 (the network input) or another side length');
  return size;
}

/** The key without its fingerprint: every shard of one build carries it. */
export type BuildKey = Omit<CacheKey, 'fingerprint'>;

/** A build's plan: its key, and the sample range and rows hash of each shard. */
export interface CachePlan {
  key: CacheKey;
  build: BuildKey;
  /** [start, end) sample indices per shard. */
  ranges: [number, number][];
  rows: string[];
}

async function fileStamp(path: string): Promise<string> {
  const s = await stat(path).catch(() => null);
  return s ? `${s.size}:${s.mtimeMs}` : 'missing';
}

/** The fingerprint of shards with these rows hashes. */
export const fingerprintOf = (rows: readonly string[]): string => sha256(rows.join('\n'));

export async function cachePlan(ds: Dataset, size = DEFAULT_IMAGE_SIZE, detect: DetectSettings = DEFAULT_DETECT, shardFaces = defaultShardFaces(size)): Promise<CachePlan> {
  const rows = await mapLimit(ds.samples, 64, async (s) => {
    const image = typeof s.image === 'string' ? await fileStamp(s.image) : createHash('sha256').update(s.image.data).digest('hex');
    const lm = s.landmarks === null ? null : typeof s.landmarks === 'string' ? [s.landmarks, await fileStamp(s.landmarks)] : Array.from(s.landmarks);
    return JSON.stringify([s.source, s.label, s.subject, s.split, image, lm]);
  });
  const ranges: [number, number][] = [];
  for (let at = 0; at < rows.length; at += shardFaces) ranges.push([at, Math.min(rows.length, at + shardFaces)]);
  const hashes = ranges.map(([a, b]) => sha256(rows.slice(a, b).join('\n')));
  const detector = ds.samples.some((s) => s.landmarks === null) ? { detector: detectorKey(detect) } : {};
  const build: BuildKey = { format: FORMAT, dataset: ds.name, path: ds.path, size: checkSize(size), preprocess: PREPROCESS_VERSION, ...detector };
  return { key: { ...build, fingerprint: fingerprintOf(hashes) }, build, ranges, rows: hashes };
}

export async function cacheKey(ds: Dataset, size = DEFAULT_IMAGE_SIZE, detect: DetectSettings = DEFAULT_DETECT): Promise<CacheKey> {
  return (await cachePlan(ds, size, detect)).key;
}
