// GPU time per kernel from timestamp queries. While a profile runs, the recorder gives every
// dispatch its own compute pass with begin/end timestamps (so the figures include a pass's small
// overhead, and batching is off). At each submit the timestamps are resolved and copied into a
// mappable buffer; finish() reads them all and sums the time per kernel (shader and entry point).

export interface KernelTime {
  kernel: string;
  calls: number;
  ms: number;
}

/** Dispatches timed per submit; the recorder submits when they are used up. */
const CAPACITY = 2048;

export class KernelProfiler {
  private readonly querySet: GPUQuerySet;
  private readonly resolved: GPUBuffer;
  private labels: string[] = [];
  private readonly reads: Promise<void>[] = [];
  private readonly totals = new Map<string, KernelTime>();

  constructor(private readonly device: GPUDevice) {
    if (!device.features.has('timestamp-query')) throw new Error('this adapter has no timestamp queries: kernels cannot be profiled on it');
    this.querySet = device.createQuerySet({ type: 'timestamp', count: 2 * CAPACITY });
    this.resolved = device.createBuffer({ size: 16 * CAPACITY, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  }

  get full(): boolean {
    return this.labels.length === CAPACITY;
  }

  /** The timestamp writes of the pass of the next dispatch, which runs `kernel`. */
  next(kernel: string): GPUComputePassTimestampWrites {
    const i = this.labels.length;
    this.labels.push(kernel);
    return { querySet: this.querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Before a submit: resolve this encoder's timestamps into a buffer of their own. */
  resolve(encoder: GPUCommandEncoder): (() => void) | null {
    const n = this.labels.length;
    if (n === 0) return null;
    const labels = this.labels;
    this.labels = [];
    const out = this.device.createBuffer({ size: 16 * n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    encoder.resolveQuerySet(this.querySet, 0, 2 * n, this.resolved, 0);
    encoder.copyBufferToBuffer(this.resolved, 0, out, 0, 16 * n);
    // After the submit: map and add up, in the background.
    return () => {
      this.reads.push(
        out.mapAsync(GPUMapMode.READ).then(() => {
          const ns = new BigUint64Array(out.getMappedRange());
          labels.forEach((kernel, i) => {
            const t = this.totals.get(kernel) ?? { kernel, calls: 0, ms: 0 };
            t.calls++;
            // A pass whose end reads before its begin (a wrapped or reset clock) counts as 0.
            t.ms += ns[2 * i + 1]! > ns[2 * i]! ? Number(ns[2 * i + 1]! - ns[2 * i]!) / 1e6 : 0;
            this.totals.set(kernel, t);
          });
          out.destroy();
        }),
      );
    };
  }

  /** Every kernel's time, largest first (after the recorder's last submit). */
  async finish(): Promise<KernelTime[]> {
    await Promise.all(this.reads);
    this.querySet.destroy();
    this.resolved.destroy();
    return [...this.totals.values()].sort((a, b) => b.ms - a.ms);
  }
}

/** A table of kernel times with each one's share of the total, the largest first. */
export function formatKernelTimes(rows: readonly KernelTime[], top = 20): string {
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const shown = rows.slice(0, top);
  const width = Math.max(6, ...shown.map((r) => r.kernel.length));
  const lines = shown.map((r) => `${r.kernel.padEnd(width)}  ${String(r.calls).padStart(6)}  ${r.ms.toFixed(3).padStart(10)}  ${((100 * r.ms) / total).toFixed(1).padStart(5)}%`);
  if (rows.length > top) {
    const rest = rows.slice(top);
    const ms = rest.reduce((s, r) => s + r.ms, 0);
    lines.push(`${`${rest.length} others`.padEnd(width)}  ${String(rest.reduce((s, r) => s + r.calls, 0)).padStart(6)}  ${ms.toFixed(3).padStart(10)}  ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
  }
  return [`${'kernel'.padEnd(width)}   calls     GPU ms  share`, ...lines, `${'total'.padEnd(width)}  ${String(rows.reduce((s, r) => s + r.calls, 0)).padStart(6)}  ${total.toFixed(3).padStart(10)}`].join('\n');
}
