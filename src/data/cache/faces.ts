// A face cache as its users see it: the aligned size×size uint8 crops (grey ones stored as one channel, a
// third of the bytes; colour ones as B,G,R), 68 landmarks per crop in crop pixels, and the samples'
// labels, subjects and splits. The crops are read through a CropStore, which holds them in memory (a
// fresh build) or reads them from the cache folder's shard files, so that a cache larger than memory
// can be trained on. Nothing here needs Node.js: the browser takes faces from an in-memory cache.

import type { BgrImage } from '../../face/image.js';
import { LANDMARKS } from '../../face/geometry.js';
import type { SampleMeta } from '../datasets/common.js';

export interface CacheKey {
  format: string;
  dataset: string;
  path: string;
  size: number;
  preprocess: string;
  /** detectorKey(settings) when some samples have no landmarks of their own, else absent. */
  detector?: string;
  /** sha256 over every sample's source, label, subject, split, landmark source and file size/mtime. */
  fingerprint: string;
}

/** Why a sample was left out of a cache. */
export type SkipKind = 'unreadable' | 'no face' | 'bad landmarks';

export interface SkipReason {
  kind: SkipKind;
  /** One line naming the file and the problem. */
  message: string;
}

/** Reads stored crops: size×size×channels[i] bytes each, fresh arrays the caller may change. */
export interface CropStore {
  readSync(i: number): Uint8Array;
  read(indices: readonly number[]): Promise<Uint8Array[]>;
}

export interface FaceCache {
  key: CacheKey;
  /** The folder that `samples[i].source` is relative to (on the machine that built the cache). */
  root: string;
  count: number;
  size: number;
  /** Per crop: 1 (grey) or 3 (B,G,R). */
  channels: Uint8Array;
  /** [count, 68, 2] (x, y) in crop pixels. */
  landmarks: Float32Array;
  samples: SampleMeta[];
  /** Sources (relative to root) of the samples left out, and why (same order). */
  skipped: string[];
  skipReasons: SkipReason[];
  crops: CropStore;
}

/** Start of each crop in concatenated crop bytes, plus the total at [n]. */
export function offsetsOf(channels: Uint8Array, size: number): Float64Array {
  const out = new Float64Array(channels.length + 1);
  channels.forEach((c, i) => (out[i + 1] = out[i]! + c * size * size));
  return out;
}

/** Crops held in memory, concatenated. */
export function memoryCrops(pixels: Uint8Array, channels: Uint8Array, size: number): CropStore {
  const offsets = offsetsOf(channels, size);
  if (offsets[channels.length] !== pixels.length) throw new Error(`memoryCrops: ${pixels.length} bytes for crops of ${offsets[channels.length]}`);
  const readSync = (i: number): Uint8Array => pixels.slice(offsets[i]!, offsets[i + 1]!);
  return { readSync, read: async (indices) => indices.map(readSync) };
}

/** Stored crop bytes (one channel or B,G,R) as size×size×3 B,G,R (colour ones as they are). */
export function toBgr(stored: Uint8Array, size: number): Uint8Array {
  const px = size * size;
  if (stored.length === 3 * px) return stored;
  const out = new Uint8Array(3 * px);
  for (let j = 0; j < px; j++) out[3 * j] = out[3 * j + 1] = out[3 * j + 2] = stored[j]!;
  return out;
}

/** Crop i as a size×size×3 B,G,R image. */
export function cachedFace(c: FaceCache, i: number): BgrImage {
  return { data: toBgr(c.crops.readSync(i), c.size), height: c.size, width: c.size };
}

/** The faces of one batch on the host: fresh B,G,R crops (free to flip in place), landmarks and labels. */
export interface LoadedFaces {
  size: number;
  /** size×size×3 B,G,R each. */
  faces: Uint8Array[];
  /** [n, 68, 2] in crop pixels. */
  landmarks: Float64Array;
  labels: number[];
}

function loaded(c: FaceCache, indices: readonly number[], stored: Uint8Array[]): LoadedFaces {
  const landmarks = new Float64Array(indices.length * LANDMARKS * 2);
  indices.forEach((idx, b) => landmarks.set(c.landmarks.subarray(idx * LANDMARKS * 2, (idx + 1) * LANDMARKS * 2), b * LANDMARKS * 2));
  return { size: c.size, faces: stored.map((s) => toBgr(s, c.size)), landmarks, labels: indices.map((i) => c.samples[i]!.label) };
}

export function loadFaces(c: FaceCache, indices: readonly number[]): LoadedFaces {
  return loaded(c, indices, indices.map((i) => c.crops.readSync(i)));
}

/** As loadFaces, reading the crops without blocking (from the shard files of a cache on disk). */
export async function readFaces(c: FaceCache, indices: readonly number[]): Promise<LoadedFaces> {
  return loaded(c, indices, await c.crops.read(indices));
}
