// Buffer pool: size classes (quarter steps between powers of two, so at most 25% slack) with free
// lists. A warm training step therefore creates no GPU buffers; counters make that testable.

export interface PooledBuffer {
  readonly buffer: GPUBuffer;
  /** Capacity in bytes (the size class), ≥ what was asked for. */
  readonly bytes: number;
  /** Stable identity for bind-group caching. */
  readonly id: number;
}

export interface PoolStats {
  /** Bytes in buffers handed out and not yet released. */
  liveBytes: number;
  liveBuffers: number;
  /** GPU buffers ever created by this pool (grows only on a miss). */
  allocations: number;
  /** Bytes held in free lists. */
  freeBytes: number;
}

export function sizeClass(bytes: number): number {
  const b = Math.max(256, Math.ceil(bytes / 256) * 256);
  if (b <= 4096) return b;
  const p = 2 ** Math.floor(Math.log2(b));
  const quarter = p / 4;
  return Math.ceil(b / quarter) * quarter;
}

let nextId = 1;

export class BufferPool {
  private free = new Map<number, PooledBuffer[]>();
  readonly stats: PoolStats = { liveBytes: 0, liveBuffers: 0, allocations: 0, freeBytes: 0 };

  constructor(
    private readonly device: GPUDevice,
    private readonly usage: GPUBufferUsageFlags,
    private readonly label: string,
  ) {}

  acquire(bytes: number): PooledBuffer {
    const size = sizeClass(bytes);
    const list = this.free.get(size);
    let b = list?.pop();
    if (b) {
      this.stats.freeBytes -= size;
    } else {
      const buffer = this.device.createBuffer({ size, usage: this.usage, label: `${this.label}#${nextId}` });
      b = { buffer, bytes: size, id: nextId++ };
      this.stats.allocations++;
    }
    this.stats.liveBytes += size;
    this.stats.liveBuffers++;
    return b;
  }

  release(b: PooledBuffer): void {
    let list = this.free.get(b.bytes);
    if (!list) this.free.set(b.bytes, (list = []));
    list.push(b);
    this.stats.liveBytes -= b.bytes;
    this.stats.liveBuffers--;
    this.stats.freeBytes += b.bytes;
  }

  /** Destroy every free buffer. Only call when no recorded-but-unsubmitted work refers to them. */
  trim(): void {
    for (const list of this.free.values()) for (const b of list) b.buffer.destroy();
    this.free.clear();
    this.stats.freeBytes = 0;
  }
}
