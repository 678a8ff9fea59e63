// One tensor of a safetensors file: its dtype, shape and raw little-endian bytes, and conversions
// between those bytes and typed arrays (typed-array constructors: fast bulk copies). Hosts running
// WebGPU are little-endian, so the bytes are reinterpreted through typed arrays directly.
// Conversions return fresh arrays, never aliases of the file's bytes.

import { numel } from '../graph/tensor.js';
import { fail, show, showShape } from './errors.js';
import { bf16ToFloat32Array, f16ToFloat32Array, float32ToBf16Array, float32ToF16Array } from './float16.js';

export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const ITEMSIZE: Readonly<Record<DType, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
export const FLOAT_DTYPES: ReadonlySet<DType> = new Set(['F64', 'F32', 'F16', 'BF16']);

export interface Entry {
  dtype: DType;
  shape: number[];
  /** Raw little-endian bytes, C order; parsed entries are views into the file's bytes. */
  data: Uint8Array;
}

export const isDType = (v: unknown): v is DType => typeof v === 'string' && Object.hasOwn(ITEMSIZE, v);
export const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(what, `shape ${show(shape)} is not an array of non-negative integers`, 'fix the shape');
}

/** A hand-made entry must be consistent before its bytes are reinterpreted. */
export function checkEntry(e: Entry, what: string): void {
  if (!isDType(e.dtype)) fail(what, `unknown dtype ${show(e.dtype)}`, `use one of ${Object.keys(ITEMSIZE).join(', ')}`);
  checkShape(e.shape, what);
  const bytes = numel(e.shape) * ITEMSIZE[e.dtype];
  if (e.data.byteLength !== bytes) fail(what, `${e.dtype} ${showShape(e.shape)} needs ${bytes} bytes but data has ${e.data.byteLength}`, 'fix the shape or the data');
}

/** The entry's bytes as an aligned typed array of its element type (copied only when misaligned). */
function view<T>(e: Entry, Ctor: { new (b: ArrayBuffer, off: number, len: number): T }): T {
  const size = ITEMSIZE[e.dtype];
  const n = e.data.byteLength / size;
  if (e.data.byteOffset % size === 0) return new Ctor(e.data.buffer as ArrayBuffer, e.data.byteOffset, n);
  return new Ctor(e.data.slice().buffer, 0, n);
}

/** Any dtype as float64 (I64 beyond 2^53 rounds; BOOL is 0/1). */
export function toFloat64(e: Entry): Float64Array {
  checkEntry(e, 'toFloat64');
  switch (e.dtype) {
    case 'F64':
      return view(e, Float64Array).slice();
    case 'F32':
    case 'F16':
    case 'BF16':
      return new Float64Array(toFloat32(e));
    default:
      return new Float64Array(numbers(e));
  }
}

/** Any dtype as float32, rounding to nearest. */
export function toFloat32(e: Entry): Float32Array {
  checkEntry(e, 'toFloat32');
  switch (e.dtype) {
    case 'F32':
      return view(e, Float32Array).slice();
    case 'F16':
      return f16ToFloat32Array(view(e, Uint16Array));
    case 'BF16':
      return bf16ToFloat32Array(view(e, Uint16Array));
    case 'F64':
      return new Float32Array(view(e, Float64Array));
    default:
      return new Float32Array(numbers(e));
  }
}

/**
 * Integer (and BOOL) dtypes as int32; throws if a value does not fit or the dtype is a float.
 * `what` prefixes error messages (e.g. the file and key).
 */
export function toInt32(e: Entry, what = 'toInt32'): Int32Array {
  checkEntry(e, what);
  if (FLOAT_DTYPES.has(e.dtype)) fail(what, `cannot convert ${e.dtype} to int32 exactly`, 'use toFloat32 for floating-point tensors');
  if (e.dtype === 'I64') {
    const v = view(e, BigInt64Array);
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      if (x < -2147483648n || x > 2147483647n) fail(what, `I64 value ${x} at index ${i} does not fit in int32`, 'keep it as I64 (toFloat64) instead');
      out[i] = Number(x);
    }
    return out;
  }
  return new Int32Array(numbers(e));
}

/** Integer dtypes as plain numbers (exact up to 2^53). */
function numbers(e: Entry): ArrayLike<number> {
  switch (e.dtype) {
    case 'I64': {
      const v = view(e, BigInt64Array);
      const out = new Float64Array(v.length);
      for (let i = 0; i < v.length; i++) out[i] = Number(v[i]!);
      return out;
    }
    case 'I32':
      return view(e, Int32Array);
    case 'I16':
      return view(e, Int16Array);
    case 'I8':
      return view(e, Int8Array);
    case 'U8':
      return view(e, Uint8Array);
    case 'BOOL':
      return view(e, Uint8Array).map((b) => (b ? 1 : 0));
    default:
      throw new Error(`numbers() of float dtype ${e.dtype}`); // callers route floats elsewhere
  }
}

/** [lowest, past the highest]: 2^63 - 1 is not a double, so the upper bound is exclusive. */
const INT_RANGE: Partial<Record<DType, [number, number]>> = {
  I64: [-(2 ** 63), 2 ** 63],
  I32: [-(2 ** 31), 2 ** 31],
  I16: [-(2 ** 15), 2 ** 15],
  I8: [-128, 128],
  U8: [0, 256],
  BOOL: [0, 2],
};

/**
 * Encodes values as an entry of the given dtype: floats round to nearest; integer dtypes need
 * integral values in range (I64 also takes bigints).
 */
export function entryFrom(
  dtype: DType,
  values: ArrayLike<number> | BigInt64Array | readonly bigint[],
  shape: readonly number[],
  what = `${dtype} entry ${showShape(shape)}`,
): Entry {
  checkShape(shape, what);
  if (!isDType(dtype)) fail(what, `unknown dtype ${show(dtype)}`, `use one of ${Object.keys(ITEMSIZE).join(', ')}`);
  if (values.length !== numel(shape)) fail(what, `${values.length} values do not fill the shape (${numel(shape)})`, 'fix the shape or the data');
  const range = INT_RANGE[dtype];
  if (range) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (typeof v === 'bigint' ? dtype !== 'I64' || BigInt.asIntN(64, v) !== v : !Number.isInteger(v) || v < range[0] || v >= range[1]) {
        fail(what, `value ${v} at index ${i} is not an integer in the ${dtype} range`, 'round or clamp the values, or pick a wider dtype');
      }
    }
  } else if (values instanceof BigInt64Array || (Array.isArray(values) && values.some((v) => typeof v === 'bigint'))) {
    fail(what, 'bigint values need an integer dtype', 'convert them to numbers');
  }
  const nums = values as ArrayLike<number>;
  let typed: ArrayBufferView;
  switch (dtype) {
    case 'F64': typed = new Float64Array(nums); break;
    case 'F32': typed = new Float32Array(nums); break;
    case 'F16': typed = float32ToF16Array(nums); break;
    case 'BF16': typed = float32ToBf16Array(nums); break;
    case 'I64': typed = BigInt64Array.from(values as ArrayLike<number | bigint>, (v) => BigInt(v)); break;
    case 'I32': typed = new Int32Array(nums); break;
    case 'I16': typed = new Int16Array(nums); break;
    case 'I8': typed = new Int8Array(nums); break;
    case 'U8':
    case 'BOOL': typed = new Uint8Array(nums); break;
  }
  return { dtype, shape: [...shape], data: new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength) };
}

export const f64Entry = (data: ArrayLike<number>, shape: readonly number[]): Entry => entryFrom('F64', data, shape);
export const f32Entry = (data: ArrayLike<number>, shape: readonly number[]): Entry => entryFrom('F32', data, shape);
export const f16Entry = (data: ArrayLike<number>, shape: readonly number[]): Entry => entryFrom('F16', data, shape);
export const bf16Entry = (data: ArrayLike<number>, shape: readonly number[]): Entry => entryFrom('BF16', data, shape);
export const i64Entry = (data: ArrayLike<number> | BigInt64Array | readonly bigint[], shape: readonly number[]): Entry => entryFrom('I64', data, shape);
export const i32Entry = (data: ArrayLike<number>, shape: readonly number[]): Entry => entryFrom('I32', data, shape);
export const u8Entry = (data: ArrayLike<number>, shape: readonly number[]): Entry => entryFrom('U8', data, shape);
