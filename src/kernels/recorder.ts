// Records dispatches into one compute pass and submits them in batches.
//
// Uniforms: every dispatch gets its own 256-byte slot of one uniform ring buffer, bound with a
// dynamic offset. The ring's CPU copy is uploaded with queue.writeBuffer right before the submit
// that uses it; queue operations are ordered, so reusing slot 0 after a submit is safe, while
// rewriting one uniform buffer between unsubmitted dispatches would not be.
// Bind groups are cached by (layout, buffers): pooled buffers are reused, so a warm step hits.

import { kernelName, type Kernel } from './kernel.js';
import type { Constants, PipelineCache } from './pipeline.js';
import type { KernelProfiler } from './profiler.js';

const SLOT = 256; // minUniformBufferOffsetAlignment upper bound
const SLOTS = 128;
export const MAX_PARAMS = SLOT / 4;
const MAX_BIND_GROUPS = 16384;

export interface Dispatch {
  reads: GPUBuffer[];
  writes: GPUBuffer[];
  /** The uniform struct's u32 words (see encodeParams). */
  params: ArrayLike<number>;
  groups: readonly [number, number?, number?];
}

export class Recorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly ring: GPUBuffer;
  private readonly ringCpu = new Uint32Array((SLOT * SLOTS) / 4);
  private slot = 0;
  private pending = 0;
  private bindGroups = new Map<string, GPUBindGroup>();
  private bufferIds = new WeakMap<GPUBuffer, number>();
  private nextBufferId = 1;
  /** Dispatches recorded since start (for benchmarks and tests). */
  dispatches = 0;
  submits = 0;
  /** While set, each dispatch runs in a timed pass of its own (see Gpu.profile). */
  profiler: KernelProfiler | null = null;

  constructor(
    private readonly device: GPUDevice,
    private readonly pipelines: PipelineCache,
    private readonly perSubmit: number,
    private readonly check: () => void,
  ) {
    this.ring = device.createBuffer({ size: SLOT * SLOTS, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, label: 'uniform ring' });
  }

  private idOf(b: GPUBuffer): number {
    let id = this.bufferIds.get(b);
    if (id === undefined) this.bufferIds.set(b, (id = this.nextBufferId++));
    return id;
  }

  private bindGroup(layout: GPUBindGroupLayout, layoutId: number, buffers: GPUBuffer[]): GPUBindGroup {
    let key = String(layoutId);
    for (const b of buffers) key += ',' + this.idOf(b);
    let bg = this.bindGroups.get(key);
    if (!bg) {
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      const entries: GPUBindGroupEntry[] = [{ binding: 0, resource: { buffer: this.ring, size: SLOT } }];
      buffers.forEach((buffer, i) => entries.push({ binding: i + 1, resource: { buffer } }));
      bg = this.device.createBindGroup({ layout, entries });
      this.bindGroups.set(key, bg);
    }
    return bg;
  }

  dispatch(k: Kernel, constants: Constants, d: Dispatch): void {
    const [gx, gy = 1, gz = 1] = d.groups;
    if (gx === 0 || gy === 0 || gz === 0) return;
    if (d.params.length > MAX_PARAMS) throw new Error(`${kernelName(k)}: ${d.params.length} param words exceed ${MAX_PARAMS}`);
    if (this.slot === SLOTS) this.flush();
    const p = this.pipelines.get(k, constants);
    const offset = this.slot * SLOT;
    this.ringCpu.set(d.params as ArrayLike<number>, offset / 4);
    this.slot++;
    if (this.profiler) {
      this.pass?.end();
      this.pass = null;
      if (this.profiler.full) this.flush();
    }
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (!this.pass) {
      const timed = this.profiler && { timestampWrites: this.profiler.next(kernelName(k)) };
      this.pass = this.encoder.beginComputePass(timed || undefined);
    }
    this.pass.setPipeline(p.pipeline);
    this.pass.setBindGroup(0, this.bindGroup(p.layout, p.id, [...d.reads, ...d.writes]), [offset]);
    this.pass.dispatchWorkgroups(gx, gy, gz);
    if (this.profiler) {
      this.pass.end();
      this.pass = null;
    }
    this.dispatches++;
    if (++this.pending >= this.perSubmit) this.flush();
  }

  /** Buffer-to-buffer copy, ordered with the dispatches around it. */
  copy(src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    this.encoder.copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.pending++;
  }

  flush(): void {
    if (!this.encoder) return;
    this.pass?.end();
    if (this.slot > 0) this.device.queue.writeBuffer(this.ring, 0, this.ringCpu, 0, (this.slot * SLOT) / 4);
    const timed = this.profiler?.resolve(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
    timed?.();
    this.encoder = null;
    this.pass = null;
    this.slot = 0;
    this.pending = 0;
    this.submits++;
    this.check();
  }
}
