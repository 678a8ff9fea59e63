// The crops of a cache on disk, read by position from its shard files when a batch needs them: memory
// holds the batches being read, not the cache. Each read opens the shard files it needs and closes them
// again, so no file handles stay open however many shards a cache has.

import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { UserError, reason } from '../../errors.js';
import type { CropStore } from './faces.js';
import type { ShardOnDisk } from './shard.js';

export function shardCrops(shards: readonly ShardOnDisk[], size: number): CropStore {
  const files = shards.map((s) => s.file); // not the shards themselves: their landmarks live in the cache
  const count = shards.reduce((n, s) => n + s.channels.length, 0);
  const shardOf = new Uint32Array(count);
  const position = new Float64Array(count);
  const length = new Uint32Array(count);
  let i = 0;
  shards.forEach((s, k) => {
    let at = s.pixelsAt;
    for (const c of s.channels) {
      [shardOf[i], position[i], length[i]] = [k, at, c * size * size];
      at += length[i++]!;
    }
  });
  const failed = (k: number, e: unknown): UserError =>
    new UserError(`${files[k]}: cannot read the face crops (${reason(e)}); the cache changed while in use: build it again (pass --data-dir)`);
  const short = (got: number, i: number): Error => new Error(`${got} of the ${length[i]} bytes of a crop at byte ${position[i]}`);

  const readOne = (i: number): Uint8Array => {
    const k = shardOf[i]!;
    const out = new Uint8Array(length[i]!);
    try {
      const fd = openSync(files[k]!, 'r');
      try {
        const got = readSync(fd, out, 0, out.length, position[i]!);
        if (got !== out.length) throw short(got, i);
      } finally {
        closeSync(fd);
      }
    } catch (e) {
      throw failed(k, e);
    }
    return out;
  };

  const read = async (indices: readonly number[]): Promise<Uint8Array[]> => {
    const out = indices.map((i) => new Uint8Array(length[i]!));
    const byShard = new Map<number, number[]>();
    indices.forEach((i, b) => {
      const slots = byShard.get(shardOf[i]!);
      if (slots) slots.push(b);
      else byShard.set(shardOf[i]!, [b]);
    });
    await Promise.all(
      [...byShard].map(async ([k, slots]) => {
        try {
          const fh = await open(files[k]!, 'r');
          try {
            await Promise.all(
              slots.map(async (b) => {
                const i = indices[b]!;
                const { bytesRead } = await fh.read(out[b]!, 0, length[i]!, position[i]!);
                if (bytesRead !== length[i]) throw short(bytesRead, i);
              }),
            );
          } finally {
            await fh.close();
          }
        } catch (e) {
          throw failed(k, e);
        }
      }),
    );
    return out;
  };
  return { readSync: readOne, read };
}
