// A face cache on disk: a folder of shard files (shard-00000.safetensors, …), each written atomically as
// preprocessing reaches the end of its range, and skipped.txt listing the images left out. A build
// interrupted at any point continues from the shards already written; a changed file rebuilds only its
// shard. `--cache` may name only such a folder (or a new or empty one): anything else is refused, never
// overwritten.

import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError, reason, userError } from '../../errors.js';
import { writeFileAtomic } from '../../safetensors/file.js';
import type { Dataset } from '../datasets/common.js';
import { buildShards, checkFinished, type BuiltCache, type CacheOptions } from './build.js';
import type { FaceCache } from './faces.js';
import { DEFAULT_IMAGE_SIZE, OLD_FORMAT, cachePlan, fingerprintOf, type CachePlan } from './key.js';
import { mapLimit } from './map_limit.js';
import { BadShard, cacheOf, readShardIndex, serializeShard, type ShardOnDisk } from './shard.js';
import { shardCrops } from './shard_crops.js';

const SHARD = /^shard-(\d{5,})\.safetensors$/;
const SKIPPED = 'skipped.txt';
const shardName = (r: number): string => `shard-${String(r).padStart(5, '0')}.safetensors`;
/** What a cache folder may hold: shards, the skipped list, and their temporary files mid-write. */
const isOurs = (name: string): boolean => SHARD.test(name) || name === SKIPPED || /^\.(shard-\d{5,}\.safetensors|skipped\.txt)\.\d+\.\d+\.tmp$/.test(name);
const REBUILD = 'build it again with --data-dir (and --preprocess-only to only build it)';

/** A file written by the single-file cache format: the safetensors header names OLD_FORMAT. */
async function isOldCacheFile(path: string): Promise<boolean> {
  try {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      return bytesRead > 8 && head.subarray(8, bytesRead).toString('latin1').includes(`"format":"${OLD_FORMAT}"`);
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}

/** Makes `path` a cache folder, or refuses: only a face cache (or an old single-file one) may be replaced. */
async function claimFolder(path: string): Promise<void> {
  const st = await stat(path).catch(() => null);
  if (st?.isFile() && (await isOldCacheFile(path))) await rm(path);
  else if (st?.isFile()) throw userError(path, 'is a file, not a face cache (a face cache is a folder of shards); it is left as it is', 'pass --cache a new folder name, or an existing face cache folder');
  else if (st && !st.isDirectory()) throw userError(path, 'is neither a folder nor a file', 'pass --cache a new folder name');
  if (st?.isDirectory()) {
    const foreign = (await readdir(path)).filter((n) => !isOurs(n));
    if (foreign.length > 0) throw userError(path, `holds files that are not part of a face cache (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); nothing was changed`, 'pass --cache a new or empty folder, or an existing face cache');
    return;
  }
  await mkdir(path, { recursive: true }).catch((e) => {
    throw userError(path, `cannot create the cache folder (${reason(e)})`, 'choose a writable --cache path');
  });
}

/** The folder's shards by number: the index of each readable one, or why it is not one. */
async function scanShards(path: string): Promise<Map<number, ShardOnDisk | BadShard>> {
  const names = (await readdir(path)).filter((n) => SHARD.test(n));
  const found = await mapLimit(names, 16, async (n) => readShardIndex(join(path, n)).catch((e: unknown) => (e instanceof BadShard ? e : new BadShard(reason(e)))));
  return new Map(names.map((n, i) => [Number(SHARD.exec(n)![1]), found[i]!]));
}

/** Atomic write; its failure is one line naming the file. */
async function writeAtomic(file: string, bytes: Uint8Array): Promise<void> {
  await writeFileAtomic(file, bytes).catch((e: unknown) => {
    throw new UserError(reason(e));
  });
}

async function writeSkippedList(path: string, cache: FaceCache): Promise<void> {
  const file = join(path, SKIPPED);
  if (cache.skipped.length === 0) return void (await rm(file, { force: true }));
  const lines = cache.skipped.map((s, i) => `${s}\t${cache.skipReasons[i]!.kind}\t${cache.skipReasons[i]!.message}\n`);
  await writeAtomic(file, new TextEncoder().encode(`# images left out of this face cache (source relative to ${cache.root}, reason, message)\n${lines.join('')}`));
}

/** Removes temporary files left by a build that was killed mid-write (its process is gone). */
async function removeStaleTemps(path: string): Promise<void> {
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  };
  for (const n of await readdir(path)) {
    const pid = /^\..*\.(\d+)\.\d+\.tmp$/.exec(n)?.[1];
    if (pid !== undefined && isOurs(n) && !alive(Number(pid))) await rm(join(path, n), { force: true });
  }
}

/** The cache its shards make up, with crops read from disk. */
function cacheFromShards(shards: ShardOnDisk[]): FaceCache {
  const build = shards[0]!.build;
  return cacheOf({ ...build, fingerprint: fingerprintOf(shards.map((s) => s.rows)) }, shards, (_, size) => shardCrops(shards, size));
}

const sameBuild = (a: ShardOnDisk, plan: CachePlan): boolean => JSON.stringify(a.build) === JSON.stringify(plan.build);

/**
 * The cache at `path` for this dataset and size: kept where its shards match the dataset, the rest built
 * (an unreadable or stale shard is rebuilt, never trusted; shards already written by an interrupted build
 * are kept). `rebuilt`: whether any shard was built.
 */
export async function ensureCache(path: string, ds: Dataset, opts: CacheOptions = {}): Promise<{ cache: FaceCache; rebuilt: boolean }> {
  const plan = await cachePlan(ds, opts.size ?? DEFAULT_IMAGE_SIZE, opts.detect, opts.shardFaces);
  await claimFolder(path);
  const found = await scanShards(path);
  const fits = (r: number): boolean => {
    const s = found.get(r);
    return !!s && !(s instanceof BadShard) && sameBuild(s, plan) && s.root === ds.root && s.rows === plan.rows[r] && s.range.join() === plan.ranges[r]!.join();
  };
  const todo = plan.ranges.map((_, r) => r).filter((r) => !fits(r));
  const extra = [...found.keys()].filter((r) => r >= plan.ranges.length);
  if (todo.length > 0 || extra.length > 0) {
    await removeStaleTemps(path);
    for (const r of extra) await rm(join(path, shardName(r)), { force: true });
    await buildShards(ds, plan, todo, opts, async (r, shard) => {
      await writeAtomic(join(path, shardName(r)), serializeShard(shard));
      found.set(r, await readShardIndex(join(path, shardName(r))));
    });
  }
  const cache = cacheFromShards(plan.ranges.map((_, r) => found.get(r) as ShardOnDisk));
  if (todo.length > 0) await writeSkippedList(path, cache);
  checkFinished(cache, ds.path, opts, `listed in ${join(path, SKIPPED)}`);
  return { cache, rebuilt: todo.length > 0 };
}

/**
 * Reads the cache folder at `path` without its dataset (e.g. on a GPU host that carries only the cache);
 * `expect` (the dataset and size the trainer was asked for) must match its key. Every problem is a
 * UserError naming the file.
 */
export async function readCache(path: string, expect: { dataset?: string; size?: number } = {}, opts: Pick<CacheOptions, 'strict' | 'warn'> = {}): Promise<FaceCache> {
  const st = await stat(path).catch(() => null);
  if (!st) throw userError(path, 'no face cache is there', REBUILD);
  if (st.isFile() && (await isOldCacheFile(path))) throw userError(path, 'is a face cache of the older single-file format, which is no longer read', 'build it again with --data-dir (a cache is now a folder of shards)');
  if (!st.isDirectory()) throw userError(path, 'is not a face cache (a face cache is a folder of shard-*.safetensors files)', 'pass --cache the folder a build wrote, or --data-dir to build one');
  const found = await scanShards(path);
  const shards: ShardOnDisk[] = [];
  for (const [r, s] of [...found].sort(([a], [b]) => a - b)) {
    if (s instanceof BadShard) throw userError(join(path, shardName(r)), `is not a face cache shard (${s.message})`, `delete it and ${REBUILD} (the build keeps the other shards)`);
    shards.push(s);
  }
  if (shards.length === 0) throw userError(path, 'holds no face cache shards', REBUILD);
  // Shards a build kept carry the sample count of the build that wrote them; the last one's is the cache's.
  const last = shards.at(-1)!;
  const complete = shards.every((s, r) => JSON.stringify(s.build) === JSON.stringify(last.build) && s.range[0] === (r === 0 ? 0 : shards[r - 1]!.range[1])) && last.range[1] === last.total;
  if (!complete) {
    throw userError(path, `is an unfinished face cache (${shards.length} shards, up to sample ${last.range[1]} of ${last.total}, or from different builds)`, 'finish it: run the same command with --data-dir; the build continues from the shards already written');
  }
  const cache = cacheFromShards(shards);
  for (const k of ['dataset', 'size'] as const) {
    if (expect[k] !== undefined && expect[k] !== cache.key[k]) throw userError(path, `was built with ${k} ${cache.key[k]}, not ${expect[k]}`, `build it again with ${k} ${expect[k]} or pass ${k} ${cache.key[k]}`);
  }
  checkFinished(cache, path, opts, `listed in ${join(path, SKIPPED)}`);
  return cache;
}

/** Writes a cache built in memory (buildCache) as a cache folder at `path`, replacing the cache there. */
export async function writeCache(path: string, cache: BuiltCache): Promise<void> {
  await claimFolder(path);
  for (const n of await readdir(path)) if (SHARD.test(n)) await rm(join(path, n));
  for (const [r, shard] of cache.shards.entries()) await writeAtomic(join(path, shardName(r)), serializeShard(shard));
  await writeSkippedList(path, cache);
}
