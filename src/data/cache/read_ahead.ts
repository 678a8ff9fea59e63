// Batches read ahead of the training step: while the GPU runs one step, the crops of the next `depth`
// batches are read from the cache's shard files (the reads run on libuv's threads) and expanded to
// B,G,R, so a step never waits on the disk when the disk keeps up.

import { readFaces, type FaceCache, type LoadedFaces } from './faces.js';

export class ReadAhead {
  private readonly pending: Promise<LoadedFaces>[] = [];
  private at = 0;

  /** `batches`: the sample indices of each batch, in the order next() hands them out. */
  constructor(
    private readonly cache: FaceCache,
    private readonly batches: readonly (readonly number[])[],
    private readonly depth = 2,
  ) {
    this.fill();
  }

  /** The next batch's faces; the batches after it start reading at once. */
  next(): Promise<LoadedFaces> {
    const p = this.pending.shift();
    if (!p) throw new Error(`ReadAhead: all ${this.batches.length} batches were taken`);
    this.fill();
    return p;
  }

  private fill(): void {
    while (this.pending.length < this.depth && this.at < this.batches.length) {
      const p = readFaces(this.cache, this.batches[this.at++]!);
      p.catch(() => undefined); // reported where next() is awaited; a batch never taken must not crash the process
      this.pending.push(p);
    }
  }
}
