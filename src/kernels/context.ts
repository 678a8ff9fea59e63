// The GPU runtime one process uses: device, pipeline cache, buffer pool, recorder, tuning.
// Errors the device reports asynchronously are kept and thrown at the next submit or read, so a
// bad kernel fails loudly with Dawn's message instead of producing garbage or hanging. A validation
// error is thrown once; device loss is permanent, so every later call throws it.

import { requestDevice, type Backend, type DeviceInfo } from './device.js';
import type { Kernel } from './kernel.js';
import { PipelineCache, type Constants } from './pipeline.js';
import { KernelProfiler, type KernelTime } from './profiler.js';
import { BufferPool, type PooledBuffer } from './pool.js';
import { Recorder, type Dispatch } from './recorder.js';
import { loadShaderDir } from './shader.js';
import { tuningFor, type Tuning } from './tuning.js';

/** A range of a buffer to copy back to the host. */
export interface ReadRange {
  src: PooledBuffer;
  bytes: number;
  byteOffset?: number;
}

/** Staging buffers for a batched read are at most this big (one larger range gets its own). */
const READ_CHUNK_BYTES = 64 << 20;

export class Gpu {
  readonly device: GPUDevice;
  readonly pool: BufferPool;
  readonly pipelines: PipelineCache;
  readonly recorder: Recorder;
  readonly tuning: Tuning;
  private readonly staging: BufferPool;
  private error: Error | null = null;
  private lost: Error | null = null;
  private destroyed = false;

  constructor(readonly info: DeviceInfo) {
    const device = (this.device = info.device);
    this.tuning = tuningFor(info);
    this.pipelines = new PipelineCache(device);
    const U = GPUBufferUsage;
    this.pool = new BufferPool(device, U.STORAGE | U.COPY_SRC | U.COPY_DST, 'tensor');
    this.staging = new BufferPool(device, U.MAP_READ | U.COPY_DST, 'readback');
    this.recorder = new Recorder(device, this.pipelines, this.tuning.dispatchesPerSubmit, () => this.check());
    device.onuncapturederror = (e) => {
      const msg = (e as GPUUncapturedErrorEvent).error.message;
      if (!this.error) this.error = new Error(`WebGPU error: ${msg}`);
      console.error(`[webgpu] ${msg}`);
    };
    device.lost.then((l) => {
      if (!this.destroyed) this.lost = new Error(`WebGPU device lost (${l.reason}): ${l.message}`);
    });
  }

  /** Throws device loss, or the first device error reported since the last check. */
  check(): void {
    if (this.lost) throw this.lost;
    const e = this.error;
    this.error = null;
    if (e) throw e;
  }

  dispatch(k: Kernel, constants: Constants, d: Dispatch): void {
    this.recorder.dispatch(k, constants, d);
  }

  flush(): void {
    this.recorder.flush();
  }

  /** Writes host data into a buffer, after every dispatch recorded so far (they may still read it). */
  write(dst: PooledBuffer, data: ArrayBufferView, byteOffset = 0): void {
    this.recorder.flush();
    const bytes = data.byteLength;
    if (bytes % 4 === 0) {
      this.device.queue.writeBuffer(dst.buffer, byteOffset, data.buffer, data.byteOffset, bytes);
    } else {
      const padded = new Uint8Array(Math.ceil(bytes / 4) * 4);
      padded.set(new Uint8Array(data.buffer, data.byteOffset, bytes));
      this.device.queue.writeBuffer(dst.buffer, byteOffset, padded);
    }
  }

  /** Copies `bytes` from a buffer back to the host, after all recorded work. */
  async read(src: PooledBuffer, bytes: number, byteOffset = 0): Promise<ArrayBuffer> {
    return (await this.readMany([{ src, bytes, byteOffset }]))[0]!;
  }

  /**
   * Copies several ranges back with one submit and one map per staging chunk: a checkpoint reads
   * hundreds of tensors, and a map round trip each made that the slow part of saving.
   */
  async readMany(parts: readonly ReadRange[]): Promise<ArrayBuffer[]> {
    const chunks: { size: number; items: { part: number; at: number; size: number }[] }[] = [];
    parts.forEach((p, part) => {
      const size = Math.ceil(p.bytes / 4) * 4;
      let chunk = chunks[chunks.length - 1];
      if (!chunk || (chunk.size > 0 && chunk.size + size > READ_CHUNK_BYTES)) chunks.push((chunk = { size: 0, items: [] }));
      chunk.items.push({ part, at: chunk.size, size });
      chunk.size += size;
    });
    const staged = chunks.map((c) => ({ ...c, staging: c.size > 0 ? this.staging.acquire(c.size) : null }));
    for (const c of staged) {
      for (const it of c.items) if (it.size > 0) this.recorder.copy(parts[it.part]!.src.buffer, parts[it.part]!.byteOffset ?? 0, c.staging!.buffer, it.at, it.size);
    }
    this.recorder.flush();
    try {
      await Promise.all(staged.map((c) => c.staging?.buffer.mapAsync(GPUMapMode.READ, 0, c.size)));
    } catch (e) {
      this.check();
      throw e;
    }
    const out: ArrayBuffer[] = new Array(parts.length);
    for (const c of staged) {
      const mapped = c.staging ? c.staging.buffer.getMappedRange(0, c.size) : new ArrayBuffer(0);
      for (const it of c.items) out[it.part] = mapped.slice(it.at, it.at + parts[it.part]!.bytes);
      if (c.staging) {
        c.staging.buffer.unmap();
        this.staging.release(c.staging);
      }
    }
    this.check();
    return out;
  }

  /**
   * Runs `fn` with every dispatch timed on the GPU (timestamp queries), and returns its result with
   * the time per kernel. Dispatches are not batched meanwhile, so time `fn` apart from this.
   */
  async profile<T>(fn: () => Promise<T>): Promise<{ result: T; kernels: KernelTime[] }> {
    if (this.recorder.profiler) throw new Error('profile: a profile is already running');
    this.recorder.flush();
    const profiler = (this.recorder.profiler = new KernelProfiler(this.device));
    try {
      const result = await fn();
      this.recorder.flush();
      return { result, kernels: await profiler.finish() };
    } finally {
      this.recorder.profiler = null;
    }
  }

  /** Waits until the queue is idle (for timing). */
  async sync(): Promise<void> {
    this.recorder.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.check();
  }

  destroy(): void {
    this.destroyed = true;
    this.device.destroy();
  }
}

let current: Gpu | null = null;
let pending: Promise<Gpu> | null = null;

/** Creates the process's GPU runtime once; later calls return the same one. */
export function initGpu(backend?: Backend): Promise<Gpu> {
  if (current) return Promise.resolve(current);
  pending ??= (async () => {
    if (typeof process !== 'undefined' && process.versions?.node) await loadShaderDir();
    current = new Gpu(await requestDevice(backend));
    return current;
  })();
  return pending;
}

export function gpu(): Gpu {
  if (!current) throw new Error('GPU not initialised: await initGpu() first');
  return current;
}

/** Releases the device so that a Node process can exit. */
export function closeGpu(): void {
  current?.destroy();
  current = null;
  pending = null;
}
