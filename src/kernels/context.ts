// The GPU runtime one process uses: device, pipeline cache, buffer pool, recorder, tuning.
// Errors the device reports asynchronously are kept and thrown at the next submit or read, so a
// bad kernel fails loudly with Dawn's message instead of producing garbage or hanging. A validation
// error is thrown once; device loss is permanent, so every later call throws it.

import { requestDevice, type Backend, type DeviceInfo } from './device.js';
import { PipelineCache, type KernelSpec } from './pipeline.js';
import { BufferPool, type PooledBuffer } from './pool.js';
import { Recorder, type Dispatch } from './recorder.js';
import { loadShaderDir } from './shader.js';
import { tuningFor, type Tuning } from './tuning.js';

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

  dispatch(spec: KernelSpec, d: Dispatch): void {
    this.recorder.dispatch(spec, d);
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
    const size = Math.ceil(bytes / 4) * 4;
    const staging = this.staging.acquire(size);
    this.recorder.copy(src.buffer, byteOffset, staging.buffer, 0, size);
    this.recorder.flush();
    try {
      await staging.buffer.mapAsync(GPUMapMode.READ, 0, size);
    } catch (e) {
      this.check();
      throw e;
    }
    const out = staging.buffer.getMappedRange(0, size).slice(0, bytes);
    staging.buffer.unmap();
    this.staging.release(staging);
    this.check();
    return out;
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
