// Preprocessing a dataset shard by shard: each sample of a shard's range aligned and cropped (a few
// images decoded at once), grey crops kept as one channel, and a sample that cannot be used (unreadable
// or missing file, no face found, landmarks off the image) left out with a warning unless the build is
// strict. Only one shard's crops are in memory at a time; where they go (a file, or memory for a small
// in-memory cache) is the caller's choice.

import { relative } from 'node:path';
import { UserError } from '../../errors.js';
import { LANDMARKS } from '../../face/geometry.js';
import type { Dataset } from '../datasets/common.js';
import { LandmarkSource, type DetectSettings } from '../landmark_source.js';
import { prepareFace } from '../preprocess.js';
import { UnusableSample } from '../unusable_sample.js';
import { memoryCrops, type FaceCache, type SkipKind, type SkipReason } from './faces.js';
import { DEFAULT_IMAGE_SIZE, cachePlan, type CachePlan } from './key.js';
import { mapLimit } from './map_limit.js';
import { cacheOf, type ShardContent } from './shard.js';

export interface CacheOptions {
  /** Crop side (--image-size), default 224. */
  size?: number;
  /** Images decoded at once (default 4). */
  concurrency?: number;
  /** `resumed` of `total` samples were in shards an earlier build had written. */
  onProgress?: (done: number, total: number, resumed: number) => void;
  /** How samples without landmarks get them (default DEFAULT_DETECT). */
  detect?: DetectSettings;
  /** Where warnings about left-out samples go (default console.warn). */
  warn?: (line: string) => void;
  /** Stop at the first sample that cannot be used instead of leaving it out (--strict). */
  strict?: boolean;
  /** Samples per shard (default: about 64 MiB of colour crops). */
  shardFaces?: number;
}

/** Individual warnings printed per build before only the final count is. */
const WARN_EACH = 10;

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

/** Preprocesses the shards `todo` of the plan in turn, handing each to `keep` before starting the next. */
export async function buildShards(ds: Dataset, plan: CachePlan, todo: readonly number[], opts: CacheOptions, keep: (r: number, shard: ShardContent) => Promise<void>): Promise<void> {
  const { size } = plan.key;
  const warn = opts.warn ?? console.warn;
  const total = ds.samples.length;
  const resumed = total - todo.reduce((n, r) => n + plan.ranges[r]![1] - plan.ranges[r]![0], 0);
  const source = new LandmarkSource(opts.detect);
  let done = resumed;
  let warned = 0;
  try {
    for (const r of todo) {
      const [start, end] = plan.ranges[r]!;
      type Outcome = { crop: Uint8Array; landmarks: Float64Array } | { left: SkipReason };
      const faces = await mapLimit(ds.samples.slice(start, end), opts.concurrency ?? 4, async (s): Promise<Outcome> => {
        try {
          const f = await prepareFace(s, size, source.detect);
          return { crop: greyPlane(f.face.data) ?? f.face.data, landmarks: f.landmarks };
        } catch (e) {
          if (!(e instanceof UnusableSample) || opts.strict) throw e;
          if (warned++ < WARN_EACH) warn(`warning: ${e.problem}; left out of the cache`);
          return { left: { kind: e.kind, message: e.message } };
        } finally {
          opts.onProgress?.(++done, total, resumed);
        }
      });
      const kept = faces.flatMap((f, i) => ('crop' in f ? [{ ...f, s: ds.samples[start + i]! }] : []));
      const left = faces.flatMap((f, i) => ('left' in f ? [{ reason: f.left, s: ds.samples[start + i]! }] : []));
      const pixels = new Uint8Array(kept.reduce((n, k) => n + k.crop.length, 0));
      const landmarks = new Float32Array(kept.length * LANDMARKS * 2);
      let at = 0;
      kept.forEach((k, i) => {
        pixels.set(k.crop, at);
        at += k.crop.length;
        landmarks.set(k.landmarks, i * LANDMARKS * 2);
      });
      await keep(r, {
        build: plan.build,
        root: ds.root,
        range: [start, end],
        total,
        rows: plan.rows[r]!,
        samples: kept.map(({ s: { source, label, subject, split } }) => ({ source: relative(ds.root, source), label, subject, split })),
        skipped: left.map(({ s }) => relative(ds.root, s.source)),
        skipReasons: left.map(({ reason }) => reason),
        channels: Uint8Array.from(kept, (k) => k.crop.length / (size * size)),
        landmarks,
        pixels,
      });
    }
  } finally {
    await source.dispose();
  }
}

const COUNTED: Record<SkipKind, string> = { unreadable: 'unreadable', 'no face': 'with no face found', 'bad landmarks': 'with landmarks off the image' };

/** The count of left-out images by reason, and where they are listed. */
function leftOutLine(reasons: readonly SkipReason[], total: number, listed: string): string {
  const counts = (Object.keys(COUNTED) as SkipKind[]).flatMap((k) => {
    const n = reasons.filter((r) => r.kind === k).length;
    return n > 0 ? [`${n} ${COUNTED[k]}`] : [];
  });
  return `warning: ${reasons.length} of ${total} images left out: ${counts.join(', ')} (${listed}); replace those files or give them 68-point landmark files to keep them, or pass --strict to stop at the first`;
}

/**
 * Checks a finished cache (`data` names its dataset in messages): it must hold a face, and under
 * --strict leave none out; the images left out are counted in a warning (said again on reuse, so that
 * a smaller face count never goes unexplained), `listed` saying where they are listed.
 */
export function checkFinished(cache: FaceCache, data: string, opts: Pick<CacheOptions, 'strict' | 'warn'>, listed: string): void {
  const total = cache.count + cache.skipped.length;
  const reasons = cache.skipReasons;
  if (cache.count === 0) {
    if (reasons.every((r) => r.kind === 'no face')) throw new UserError(`${data}: no face found in any of its ${total} image${total === 1 ? '' : 's'}; check that they show faces, or give them 68-point landmark files`);
    throw new UserError(`${data}: none of its ${total} image${total === 1 ? '' : 's'} could be used; the first: ${reasons[0]!.message}`);
  }
  if (reasons.length === 0) return;
  if (opts.strict) throw new UserError(`${data}: ${reasons.length} of its ${total} images cannot be used (the first: ${reasons[0]!.message}); fix or remove them, or drop --strict to leave them out`);
  (opts.warn ?? console.warn)(leftOutLine(reasons, total, listed));
}

/** A cache built in memory: its shards' contents, kept for writeCache. */
export type BuiltCache = FaceCache & { shards: ShardContent[] };

/** Aligns and crops every sample of the dataset into memory (for a few faces; ensureCache streams to disk). */
export async function buildCache(ds: Dataset, opts: CacheOptions = {}): Promise<BuiltCache> {
  const plan = await cachePlan(ds, opts.size ?? DEFAULT_IMAGE_SIZE, opts.detect, opts.shardFaces);
  const shards: ShardContent[] = [];
  await buildShards(ds, plan, plan.ranges.map((_, r) => r), opts, async (_, s) => void shards.push(s));
  const pixels = new Uint8Array(shards.reduce((n, s) => n + s.pixels.length, 0));
  shards.reduce((at, s) => (pixels.set(s.pixels, at), at + s.pixels.length), 0);
  const cache = { ...cacheOf(plan.key, shards, (channels, size) => memoryCrops(pixels, channels, size)), shards };
  checkFinished(cache, ds.path, opts, 'a written cache lists them');
  return cache;
}
