// Tensors: a shape over f32 (or i32) storage in a pooled GPU buffer. Storage is reference-counted
// so that views (reshape) and the autograd tape can hold it after the user's handle is disposed.
// Every new tensor joins the innermost scope; scope() disposes what its function did not return.

import { gpu } from '../kernels/context.js';
import type { PooledBuffer } from '../kernels/pool.js';

export type DType = 'f32' | 'i32';
export type Shape = readonly number[];

class Storage {
  refs = 1;
  constructor(readonly buf: PooledBuffer) {}
  retain(): this {
    this.refs++;
    return this;
  }
  release(): void {
    if (--this.refs === 0) gpu().pool.release(this.buf);
  }
}

export function numel(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

const scopes: Set<Tensor>[] = [];
let nextId = 1;

/** Autograd bookkeeping attached by the tape (kept opaque here). */
export interface GradNode {
  readonly name: string;
}

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  requiresGrad = false;
  grad: Tensor | null = null;
  /** The tape node that produced this tensor, if it was recorded. */
  node: GradNode | null = null;
  /** Set for parameters and other tensors that outlive scopes. */
  kept = false;
  name: string | undefined;
  private storage: Storage | null;

  private constructor(readonly shape: Shape, readonly dtype: DType, storage: Storage) {
    this.size = numel(shape);
    this.storage = storage;
    scopes.at(-1)?.add(this);
  }

  /** Uninitialised tensor (contents are whatever the pooled buffer held). */
  static empty(shape: Shape, dtype: DType = 'f32'): Tensor {
    for (const d of shape) if (!Number.isInteger(d) || d < 0) throw new Error(`bad shape [${shape}]`);
    return new Tensor([...shape], dtype, new Storage(gpu().pool.acquire(Math.max(4, numel(shape) * 4))));
  }

  static from(data: ArrayLike<number>, shape: Shape, dtype: DType = 'f32'): Tensor {
    const n = numel(shape);
    if (data.length !== n) throw new Error(`${data.length} values do not fill shape [${shape}] (${n})`);
    const t = Tensor.empty(shape, dtype);
    const arr = dtype === 'f32' ? Float32Array.from(data) : Int32Array.from(data);
    if (n > 0) gpu().write(t.buf, arr);
    return t;
  }

  get disposed(): boolean {
    return this.storage === null;
  }

  get buf(): PooledBuffer {
    if (!this.storage) throw new Error(`tensor ${this.name ?? this.id} [${this.shape}] used after dispose`);
    return this.storage.buf;
  }

  get buffer(): GPUBuffer {
    return this.buf.buffer;
  }

  /** A new handle to the same storage with another shape of equal size (no copy). */
  reshape(shape: Shape): Tensor {
    if (numel(shape) !== this.size) throw new Error(`cannot reshape [${this.shape}] to [${shape}]`);
    return new Tensor([...shape], this.dtype, this.storageRef().retain());
  }

  /** A second handle to this storage that no scope owns (the tape saves tensors this way). */
  share(): Tensor {
    const t = new Tensor(this.shape, this.dtype, this.storageRef().retain());
    scopes.at(-1)?.delete(t);
    t.kept = true;
    return t;
  }

  private storageRef(): Storage {
    if (!this.storage) throw new Error(`tensor ${this.name ?? this.id} [${this.shape}] used after dispose`);
    return this.storage;
  }

  async read(): Promise<Float32Array | Int32Array> {
    return (await Tensor.readAll([this]))[0]!;
  }

  /** Reads several tensors back in one round trip (checkpoints read hundreds). */
  static async readAll(tensors: readonly Tensor[]): Promise<(Float32Array | Int32Array)[]> {
    const bytes = await gpu().readMany(tensors.map((t) => ({ src: t.buf, bytes: t.size * 4 })));
    return tensors.map((t, i) => (t.dtype === 'f32' ? new Float32Array(bytes[i]!) : new Int32Array(bytes[i]!)));
  }

  async readF32(): Promise<Float32Array> {
    if (this.dtype !== 'f32') throw new Error('readF32 on an i32 tensor');
    return (await this.read()) as Float32Array;
  }

  /** Overwrites the contents from the host. */
  write(data: ArrayLike<number>): void {
    if (data.length !== this.size) throw new Error(`${data.length} values for a tensor of ${this.size}`);
    gpu().write(this.buf, this.dtype === 'f32' ? Float32Array.from(data) : Int32Array.from(data));
  }

  dispose(): void {
    if (!this.storage) return;
    this.storage.release();
    this.storage = null;
    for (const s of scopes) s.delete(this);
  }

  /** Exempts this tensor from scope disposal. */
  keep(): this {
    this.kept = true;
    for (const s of scopes) s.delete(this);
    return this;
  }

  toString(): string {
    return `Tensor(${this.name ?? '#' + this.id}, [${this.shape}], ${this.dtype})`;
  }
}

type Tensors = Tensor | Tensors[] | { [k: string]: Tensors } | null | undefined | number | string | boolean;

function collect(x: unknown, out: Set<Tensor>): void {
  if (x instanceof Tensor) out.add(x);
  else if (Array.isArray(x)) for (const v of x) collect(v, out);
  else if (x && typeof x === 'object') for (const v of Object.values(x)) collect(v, out);
}

/**
 * Runs fn; disposes every tensor it created except those it returns (which move to the
 * enclosing scope) and kept ones.
 */
export function scope<T extends Tensors | void>(fn: () => T): T {
  const mine = new Set<Tensor>();
  scopes.push(mine);
  let result: T;
  try {
    result = fn();
  } finally {
    scopes.pop();
    const returned = new Set<Tensor>();
    // On an exception nothing is returned: everything created is released.
    if (typeof result! !== 'undefined') collect(result!, returned);
    for (const t of mine) {
      if (returned.has(t)) scopes.at(-1)?.add(t);
      else if (!t.kept) t.dispose();
    }
  }
  return result;
}

export function poolStats(): { liveBytes: number; liveBuffers: number; allocations: number; freeBytes: number } {
  return { ...gpu().pool.stats };
}
