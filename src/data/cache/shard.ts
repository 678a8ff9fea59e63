// One shard of a cache folder: a safetensors file holding the faces of one range of the dataset's
// samples. Entries (in this data order): channels U8 [n], landmarks F32 [n, 68, 2], pixels U8 (the
// crops, concatenated); metadata: the build key, the range, the rows hash, the samples and the ones
// left out with why. Opening a cache reads each shard's header and small entries only: the crops stay on
// disk, read by position when a batch needs them.

import { open } from 'node:fs/promises';
import { LANDMARKS } from '../../face/geometry.js';
import { entryFrom, type Entry } from '../../safetensors/entry.js';
import { serializeSafetensors } from '../../safetensors/format.js';
import type { OfficialSplit, SampleMeta } from '../datasets/common.js';
import { CLASS_NAMES, NUM_CLASSES } from '../labels.js';
import type { CacheKey, CropStore, FaceCache, SkipKind, SkipReason } from './faces.js';
import { FORMAT, type BuildKey } from './key.js';

export interface ShardIndex {
  build: BuildKey;
  root: string;
  /** [start, end) of the dataset's samples. */
  range: [number, number];
  /** Samples in the whole dataset, so that a folder knows when its shards cover it. */
  total: number;
  rows: string;
  samples: SampleMeta[];
  skipped: string[];
  skipReasons: SkipReason[];
  channels: Uint8Array;
  landmarks: Float32Array;
}

export interface ShardContent extends ShardIndex {
  pixels: Uint8Array;
}

/** An opened shard: its index and where its crops start in the file. */
export interface ShardOnDisk extends ShardIndex {
  file: string;
  pixelsAt: number;
}

const SPLITS: readonly (OfficialSplit | null)[] = ['train', 'val', 'test', null];
const KINDS: readonly SkipKind[] = ['unreadable', 'no face', 'bad landmarks'];
/** A shard's header holds a few hundred samples' metadata: far less than this. */
const MAX_HEADER = 64 * 2 ** 20;

export function serializeShard(s: ShardContent): Uint8Array {
  const n = s.samples.length;
  const entries: Record<string, Entry> = {
    channels: { dtype: 'U8', shape: [n], data: s.channels },
    landmarks: entryFrom('F32', s.landmarks, [n, LANDMARKS, 2]),
    pixels: { dtype: 'U8', shape: [s.pixels.length], data: s.pixels },
  };
  return serializeSafetensors(entries, {
    format: FORMAT,
    build: JSON.stringify(s.build),
    root: s.root,
    range: JSON.stringify(s.range),
    total: String(s.total),
    rows: s.rows,
    classes: JSON.stringify(CLASS_NAMES),
    samples: JSON.stringify(s.samples.map((m) => [m.source, m.label, m.subject, m.split])),
    skipped: JSON.stringify(s.skipped.map((src, i) => [src, s.skipReasons[i]!.kind, s.skipReasons[i]!.message])),
  });
}

/** Why a file is not a shard (the caller names the file and the fix). */
export class BadShard extends Error {}

const isInt = (v: unknown, lo: number, hi = Number.MAX_SAFE_INTEGER): v is number => Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseJson(text: string | undefined, what: string): unknown {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new BadShard(`its ${what} is not JSON`);
  }
}

function sampleOf(v: unknown): SampleMeta {
  if (!Array.isArray(v) || v.length !== 4) throw new BadShard('a sample is not [source, label, subject, split]');
  const [source, label, subject, split] = v as unknown[];
  if (typeof source !== 'string' || !isInt(label, 0, NUM_CLASSES - 1) || (subject !== null && typeof subject !== 'string') || !SPLITS.includes(split as OfficialSplit)) {
    throw new BadShard(`sample ${JSON.stringify(v).slice(0, 80)} is malformed`);
  }
  return { source, label, subject: subject as string | null, split: split as OfficialSplit | null };
}

/** The checked metadata of a shard header (everything but the entries). */
function indexOf(meta: Record<string, unknown>): Omit<ShardIndex, 'channels' | 'landmarks'> {
  if (meta.format !== FORMAT) throw new BadShard(`its format is ${JSON.stringify(meta.format ?? null)}, not ${FORMAT}`);
  const build = parseJson(meta.build as string, 'build key');
  if (!isObject(build) || build.format !== FORMAT || typeof build.dataset !== 'string' || typeof build.path !== 'string' || !isInt(build.size, 8, 4096) || typeof build.preprocess !== 'string') {
    throw new BadShard('its build key is malformed');
  }
  const range = parseJson(meta.range as string, 'range');
  const total = Number(meta.total);
  if (!Array.isArray(range) || range.length !== 2 || !isInt(range[0], 0) || !isInt(range[1], range[0] as number) || !isInt(total, range[1] as number)) throw new BadShard('its range is malformed');
  const samples = parseJson(meta.samples as string, 'samples');
  const skipped = parseJson(meta.skipped as string, 'skipped list');
  if (!Array.isArray(samples)) throw new BadShard('its samples are not a list');
  if (!Array.isArray(skipped) || !skipped.every((s) => Array.isArray(s) && s.length === 3 && typeof s[0] === 'string' && KINDS.includes(s[1]) && typeof s[2] === 'string')) throw new BadShard('its skipped list is malformed');
  if (samples.length + skipped.length !== range[1] - range[0]) throw new BadShard(`it accounts for ${samples.length + skipped.length} of the ${range[1] - range[0]} samples of its range`);
  if (typeof meta.rows !== 'string' || typeof meta.root !== 'string') throw new BadShard('its rows hash or root is missing');
  return {
    build: build as unknown as BuildKey,
    root: meta.root,
    range: range as [number, number],
    total,
    rows: meta.rows,
    samples: samples.map(sampleOf),
    skipped: skipped.map((s) => s[0] as string),
    skipReasons: skipped.map((s) => ({ kind: s[1] as SkipKind, message: s[2] as string })),
  };
}

/** data_offsets of entry `name`, which must be `dtype` [shape] and start at `at`. */
function span(header: Record<string, unknown>, name: string, dtype: string, shape: number[], at: number, itemsize: number): number {
  const e = header[name];
  const want = shape.reduce((a, b) => a * b, itemsize);
  if (!isObject(e) || e.dtype !== dtype || JSON.stringify(e.shape) !== JSON.stringify(shape)) throw new BadShard(`entry ${name} is not ${dtype} [${shape}]`);
  const off = e.data_offsets;
  if (!Array.isArray(off) || off[0] !== at || off[1] !== at + want) throw new BadShard(`entry ${name} is not at bytes [${at}, ${at + want})`);
  return at + want;
}

/** Reads a shard's header, channels and landmarks (not its crops); a malformed file is a BadShard. */
export async function readShardIndex(file: string): Promise<ShardOnDisk> {
  const fh = await open(file, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const head = Buffer.alloc(8);
    if ((await fh.read(head, 0, 8, 0)).bytesRead < 8) throw new BadShard('it is shorter than a safetensors header');
    const n = Number(head.readBigUInt64LE(0));
    if (n <= 0 || n > MAX_HEADER || 8 + n > fileSize) throw new BadShard(`its header length ${n} does not fit the ${fileSize}-byte file`);
    const text = Buffer.alloc(n);
    await fh.read(text, 0, n, 8);
    const header = parseJson(text.toString('utf8'), 'header');
    if (!isObject(header) || !isObject(header.__metadata__)) throw new BadShard('it has no metadata');
    const index = indexOf(header.__metadata__);
    const { size } = index.build;
    const count = index.samples.length;
    const afterChannels = span(header, 'channels', 'U8', [count], 0, 1);
    const afterLandmarks = span(header, 'landmarks', 'F32', [count, LANDMARKS, 2], afterChannels, 4);
    const small = Buffer.alloc(afterLandmarks);
    await fh.read(small, 0, afterLandmarks, 8 + n);
    const channels = new Uint8Array(small.subarray(0, afterChannels));
    if (channels.some((c) => c !== 1 && c !== 3)) throw new BadShard('it has crops with neither 1 nor 3 channels');
    const pixels = channels.reduce((t, c) => t + c * size * size, 0);
    const end = span(header, 'pixels', 'U8', [pixels], afterLandmarks, 1);
    if (Object.keys(header).length !== 4) throw new BadShard('it holds entries other than channels, landmarks and pixels');
    if (8 + n + end !== fileSize) throw new BadShard(`it is ${fileSize} bytes, not the ${8 + n + end} its header describes (truncated?)`);
    const landmarks = new Float32Array(small.buffer.slice(small.byteOffset + afterChannels, small.byteOffset + afterLandmarks));
    return { ...index, channels, landmarks, file, pixelsAt: 8 + n + afterLandmarks };
  } finally {
    await fh.close();
  }
}

/** The cache that these shards (in range order) make up; `crops` reads their crops. */
export function cacheOf(key: CacheKey, shards: readonly ShardIndex[], crops: (channels: Uint8Array, size: number) => CropStore): FaceCache {
  const channels = new Uint8Array(shards.reduce((n, s) => n + s.channels.length, 0));
  const landmarks = new Float32Array(channels.length * LANDMARKS * 2);
  let at = 0;
  for (const s of shards) {
    channels.set(s.channels, at);
    landmarks.set(s.landmarks, at * LANDMARKS * 2);
    at += s.channels.length;
  }
  return {
    key,
    root: shards[0]?.root ?? '',
    count: channels.length,
    size: key.size,
    channels,
    landmarks,
    samples: shards.flatMap((s) => s.samples),
    skipped: shards.flatMap((s) => s.skipped),
    skipReasons: shards.flatMap((s) => s.skipReasons),
    crops: crops(channels, key.size),
  };
}
