// The safetensors container: strict parsing (every malformed input is a one-line SafetensorsError
// naming the file, the problem and the fix, never a crash or a huge allocation), deterministic
// serialization, atomic file writes, dtype conversions, and named tensor loading/saving.
// Layout: u64 LE header length N, N bytes of UTF-8 JSON, then the data section whose tensors'
// data_offsets (relative to it) tile it exactly. Hosts running WebGPU are little-endian, so raw
// bytes are reinterpreted through typed arrays directly.

import { Tensor, numel } from './tensor.js';
import { bf16ToFloat32Array, f16ToFloat32Array, float32ToBf16Array, float32ToF16Array } from './float16.js';

export type DType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export const ITEMSIZE: Readonly<Record<DType, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };
const FLOAT_DTYPES: ReadonlySet<DType> = new Set(['F64', 'F32', 'F16', 'BF16']);

export interface Entry {
  dtype: DType;
  shape: number[];
  /** Raw little-endian bytes, C order; parsed entries are views into the file's bytes. */
  data: Uint8Array;
}

export interface Safetensors {
  entries: Map<string, Entry>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

/** Headers above this are rejected before decoding (the reference implementation's cap). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';
const CORRUPT = 'the file is truncated, corrupt or not safetensors: re-export or re-download it';

const isDType = (v: unknown): v is DType => typeof v === 'string' && Object.hasOwn(ITEMSIZE, v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isIndex = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
/** A value for a one-line message: JSON (never has raw newlines), cut short. */
function show(v: unknown, max = 80): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}
const q = (key: string): string => show(key, 160);
const fmt = (shape: readonly number[]): string => (Array.isArray(shape) ? `[${shape.join(', ')}]` : show(shape));

function fail(source: string, problem: string, fix = CORRUPT): never {
  throw new SafetensorsError(`${source}: ${problem}; ${fix}`);
}

interface Span {
  key: string;
  begin: number;
  end: number;
}

/** Parses and validates a whole safetensors file; entries are views into `bytes`. */
export function parseSafetensors(bytes: Uint8Array, source = 'safetensors input'): Safetensors {
  const buf = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a Buffer's views would be Buffers
  if (buf.length < 8) fail(source, `${buf.length} bytes is shorter than the 8-byte header length`);
  const n64 = new DataView(buf.buffer, buf.byteOffset, 8).getBigUint64(0, true);
  if (n64 === 0n) fail(source, 'header length is 0');
  if (n64 > BigInt(MAX_HEADER_BYTES)) fail(source, `header length ${n64} exceeds the ${MAX_HEADER_BYTES}-byte limit`);
  const n = Number(n64);
  if (n > buf.length - 8) fail(source, `header length ${n} runs past the end of the ${buf.length}-byte file`);

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(8, 8 + n));
  } catch {
    fail(source, 'header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(source, `header is not valid JSON (${show((e as Error).message, 160).slice(1, -1)})`);
  }
  if (!isObject(header)) fail(source, 'header JSON is not an object');

  const dataStart = 8 + n;
  const dataLength = buf.length - dataStart;
  let metadata: Record<string, string> = {};
  const spans: Span[] = [];
  const entries = new Map<string, Entry>();
  for (const [key, v] of Object.entries(header)) {
    if (key === METADATA) {
      metadata = checkMetadata(v, source);
      continue;
    }
    const { dtype, shape, begin, end } = checkEntry(key, v, dataLength, source);
    spans.push({ key, begin, end });
    entries.set(key, { dtype, shape, data: buf.subarray(dataStart + begin, dataStart + end) });
  }
  checkTiling(spans, dataLength, source);
  return { entries, metadata };
}

function checkMetadata(v: unknown, source: string): Record<string, string> {
  if (!isObject(v)) fail(source, `${METADATA} is not an object`, 'it must map strings to strings');
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') fail(source, `${METADATA}[${q(k)}] is ${show(s)}, not a string`, 'metadata values must be strings');
  }
  return Object.fromEntries(Object.entries(v)) as Record<string, string>;
}

function checkEntry(key: string, v: unknown, dataLength: number, source: string): { dtype: DType; shape: number[]; begin: number; end: number } {
  const what = `tensor ${q(key)}`;
  if (!isObject(v)) fail(source, `${what} is ${show(v)}, not an object with dtype, shape and data_offsets`);
  for (const field of Object.keys(v)) {
    if (field !== 'dtype' && field !== 'shape' && field !== 'data_offsets') fail(source, `${what} has unknown field ${q(field)}`);
  }
  const { dtype, shape, data_offsets: offsets } = v;
  if (!isDType(dtype)) fail(source, `${what} has unknown dtype ${show(dtype)}`, `supported: ${Object.keys(ITEMSIZE).join(', ')}`);
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(source, `${what} has shape ${show(shape)}, not an array of non-negative integers`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    fail(source, `${what} has data_offsets ${show(offsets)}, not two non-negative integers`);
  }
  const [begin, end] = offsets as [number, number];
  if (begin > end) fail(source, `${what} has data_offsets [${begin}, ${end}] with begin > end`);
  if (end > dataLength) fail(source, `${what} ends at byte ${end} of a ${dataLength}-byte data section`);
  // A product of huge dimensions loses precision but then exceeds end - begin (≤ 2^53) anyway.
  const bytes = numel(shape) * ITEMSIZE[dtype];
  if (end - begin !== bytes) fail(source, `${what} (${dtype} ${fmt(shape)}) needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  return { dtype, shape: [...shape], begin, end };
}

/** The spans, sorted, must cover [0, dataLength) exactly: no gap, no overlap, no trailing bytes. */
function checkTiling(spans: Span[], dataLength: number, source: string): void {
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Span | null = null;
  for (const s of spans) {
    if (s.begin < at) fail(source, `tensor ${q(s.key)} [${s.begin}, ${s.end}) overlaps tensor ${q(prev!.key)} [${prev!.begin}, ${prev!.end})`);
    if (s.begin > at) {
      const after = prev ? `tensor ${q(prev.key)} ends` : 'the data section starts';
      fail(source, `${s.begin - at} unused bytes between byte ${at}, where ${after}, and tensor ${q(s.key)}`);
    }
    at = s.end;
    prev = s;
  }
  if (at !== dataLength) {
    fail(source, `${dataLength - at} trailing bytes after ${prev ? `the last tensor's data (byte ${at} of ${dataLength})` : 'a header without tensors'}`);
  }
}

function checkShape(shape: readonly number[], what: string): void {
  if (!Array.isArray(shape) || !shape.every(isIndex)) fail(what, `shape ${show(shape)} is not an array of non-negative integers`, 'fix the shape');
}

/** A hand-made entry must be consistent before its bytes are reinterpreted. */
function checkEntryObject(e: Entry, what: string): void {
  if (!isDType(e.dtype)) fail(what, `unknown dtype ${show(e.dtype)}`, `use one of ${Object.keys(ITEMSIZE).join(', ')}`);
  checkShape(e.shape, what);
  const bytes = numel(e.shape) * ITEMSIZE[e.dtype];
  if (e.data.byteLength !== bytes) fail(what, `${e.dtype} ${fmt(e.shape)} needs ${bytes} bytes but data has ${e.data.byteLength}`, 'fix the shape or the data');
}

const entriesOf = (entries: Map<string, Entry> | Record<string, Entry>): [string, Entry][] =>
  entries instanceof Map ? [...entries] : Object.entries(entries);

/**
 * Serializes entries with keys in sorted order (data laid out in that order) and the header
 * padded with spaces so that the data section starts 8-byte aligned.
 */
export function serializeSafetensors(entries: Map<string, Entry> | Record<string, Entry>, metadata?: Record<string, string>): Uint8Array {
  const list = entriesOf(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const parts: string[] = [];
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') fail('serializeSafetensors', `metadata ${q(k)} is ${show(v)}, not a string`, 'metadata values must be strings');
    }
    parts.push(`${JSON.stringify(METADATA)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const [key, e] of list) {
    const what = `serializeSafetensors: tensor ${q(key)}`;
    if (key === METADATA) fail('serializeSafetensors', `${q(METADATA)} cannot name a tensor`, 'rename it');
    checkEntryObject(e, what);
    const bytes = e.data.byteLength;
    parts.push(`${JSON.stringify(key)}:{"dtype":"${e.dtype}","shape":[${e.shape.join(',')}],"data_offsets":[${offset},${offset + bytes}]}`);
    offset += bytes;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + n + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const [, e] of list) {
    out.set(e.data, at);
    at += e.data.byteLength;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// dtype conversions (typed-array constructors: fast bulk copies). Results are always fresh arrays,
// never aliases of the file's bytes.

/** The entry's bytes as an aligned typed array of its element type (copied only when misaligned). */
function view<T>(e: Entry, Ctor: { new (b: ArrayBuffer, off: number, len: number): T }): T {
  const size = ITEMSIZE[e.dtype];
  const n = e.data.byteLength / size;
  if (e.data.byteOffset % size === 0) return new Ctor(e.data.buffer as ArrayBuffer, e.data.byteOffset, n);
  return new Ctor(e.data.slice().buffer, 0, n);
}

/** Any dtype as float64 (I64 beyond 2^53 rounds; BOOL is 0/1). */
export function toFloat64(e: Entry): Float64Array {
  checkEntryObject(e, 'toFloat64');
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
  checkEntryObject(e, 'toFloat32');
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
  checkEntryObject(e, what);
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
  what = `${dtype} entry ${fmt(shape)}`,
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

// ---------------------------------------------------------------------------------------------
// Files.

// Node modules are imported on use, so the parsing half of this module also loads in a browser.

export async function readSafetensorsFile(path: string): Promise<Safetensors> {
  const { readFile } = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    fail(path, `cannot read the file (${(e as Error).message})`, 'check the path and its permissions');
  }
  return parseSafetensors(bytes, path);
}

let tmpCounter = 0;

/**
 * Writes atomically: a temporary file in the same folder is written, fsynced and renamed over
 * `path`, so readers see the old file or the complete new one, never a partial one.
 */
export async function writeSafetensorsFile(path: string, entries: Map<string, Entry> | Record<string, Entry>, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(entries, metadata));
}

/** Writes a temp file beside `path`, syncs it and renames it over `path`: readers see the old or the new file, never a part. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const { open, rename, rm } = await import('node:fs/promises');
  const { basename, dirname, join } = await import('node:path');
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${tmpCounter++}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    fail(path, `cannot write the file (${(e as Error).message})`, `check that the folder ${dir} exists and is writable and that the path is not a folder`);
  }
  // Persist the rename itself; some platforms cannot fsync a folder, which only weakens durability.
  try {
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    /* best effort */
  }
}

// ---------------------------------------------------------------------------------------------
// Tensors (GPU side).

/** An f32 tensor for float dtypes, an i32 tensor for integer and BOOL dtypes, with the entry's shape. */
export function entryToTensor(e: Entry): Tensor {
  return FLOAT_DTYPES.has(e.dtype) ? Tensor.from(toFloat32(e), e.shape, 'f32') : Tensor.from(toInt32(e), e.shape, 'i32');
}

/** The tensor's contents as an F32 or I32 entry. */
export async function tensorToEntry(t: Tensor): Promise<Entry> {
  return (await tensorsToEntries([t]))[0]!;
}

/** Entries of several tensors, read back in one round trip. */
export async function tensorsToEntries(tensors: readonly Tensor[]): Promise<Entry[]> {
  const data = await Tensor.readAll(tensors);
  return tensors.map((t, i) => ({ dtype: t.dtype === 'f32' ? 'F32' : 'I32', shape: [...t.shape], data: new Uint8Array(data[i]!.buffer) }));
}

export type NamedTensors = Map<string, Tensor> | Record<string, Tensor>;

const tensorsOf = (named: NamedTensors): [string, Tensor][] => (named instanceof Map ? [...named] : Object.entries(named));

export interface LoadOptions {
  /** Names the file in error messages. */
  source?: string;
  /** Tolerate targets that have no entry (they keep their contents). */
  allowMissing?: boolean;
  /** Tolerate entries that no target wants. */
  allowUnexpected?: boolean;
}

const listKeys = (keys: string[]): string => keys.slice(0, 5).map(q).join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '');

/**
 * Copies entries into same-named tensors (e.g. a model's parameters under their state-dict names).
 * Everything is checked before anything is written: names, shapes, and dtypes (float entries
 * only into f32 tensors; integer entries into i32 tensors, or f32 ones, as numbers).
 */
export function loadNamedTensors(entries: Map<string, Entry>, targets: NamedTensors, opts: LoadOptions = {}): void {
  const source = opts.source ?? 'safetensors input';
  const list = tensorsOf(targets);
  const missing = list.filter(([k]) => !entries.has(k)).map(([k]) => k);
  if (missing.length && !opts.allowMissing) fail(source, `${missing.length} tensors are missing: ${listKeys(missing)}`, 'it holds another model\'s weights: load a file saved from this model');
  const wanted = new Set(list.map(([k]) => k));
  const unexpected = [...entries.keys()].filter((k) => !wanted.has(k));
  if (unexpected.length && !opts.allowUnexpected) fail(source, `${unexpected.length} unexpected tensors: ${listKeys(unexpected)}`, 'it holds another model\'s weights: load a file saved from this model');
  const work: [string, Tensor, Entry][] = [];
  for (const [k, t] of list) {
    const e = entries.get(k);
    if (!e) continue;
    if (e.shape.length !== t.shape.length || e.shape.some((d, i) => d !== t.shape[i])) {
      fail(source, `tensor ${q(k)} has shape ${fmt(e.shape)} but the target has ${fmt(t.shape)}`, 'load a file saved from the same architecture');
    }
    if (t.dtype === 'i32' && FLOAT_DTYPES.has(e.dtype)) fail(source, `tensor ${q(k)} is ${e.dtype} but the target is an i32 tensor`, 'store integer data with an integer dtype');
    work.push([k, t, e]);
  }
  // Conversions may still throw (an I64 beyond int32): convert all before the first write.
  const data = work.map(([k, t, e]) => (t.dtype === 'f32' ? toFloat32(e) : toInt32(e, `${source}: tensor ${q(k)}`)));
  work.forEach(([, t], i) => t.write(data[i]!));
}

export interface SaveOptions {
  /** Stored dtype per name (default F32 / I32 by tensor dtype), e.g. I64 for num_batches_tracked. */
  dtypes?: Record<string, DType>;
}

/** Reads the tensors back into entries, converting to the requested dtypes. */
export async function namedTensorsToEntries(named: NamedTensors, opts: SaveOptions = {}): Promise<Map<string, Entry>> {
  const list = tensorsOf(named);
  const names = new Set(list.map(([k]) => k));
  const stray = Object.keys(opts.dtypes ?? {}).filter((k) => !names.has(k));
  if (stray.length) fail('namedTensorsToEntries', `dtypes name unknown tensors: ${listKeys(stray)}`, 'fix the names');
  const out = new Map<string, Entry>();
  const entries = await tensorsToEntries(list.map(([, t]) => t));
  for (const [i, [k]] of list.entries()) {
    const e = entries[i]!;
    const dtype = opts.dtypes?.[k];
    const convert = dtype && dtype !== e.dtype;
    out.set(k, convert ? entryFrom(dtype, e.dtype === 'F32' ? toFloat32(e) : toInt32(e), e.shape, `tensor ${q(k)} stored as ${dtype}`) : e);
  }
  return out;
}

export async function loadTensorsFile(path: string, targets: NamedTensors, opts: Omit<LoadOptions, 'source'> = {}): Promise<Record<string, string>> {
  const { entries, metadata } = await readSafetensorsFile(path);
  loadNamedTensors(entries, targets, { ...opts, source: path });
  return metadata;
}

export async function saveTensorsFile(path: string, named: NamedTensors, opts: SaveOptions & { metadata?: Record<string, string> } = {}): Promise<void> {
  await writeSafetensorsFile(path, await namedTensorsToEntries(named, opts), opts.metadata);
}
