// Safetensors entries to and from GPU tensors: single tensors, and named sets (a model's state
// under its state-dict names) checked as a whole before anything is written, read back in one
// round trip.

import { Tensor } from '../graph/tensor.js';
import { FLOAT_DTYPES, entryFrom, toFloat32, toInt32, type DType, type Entry } from './entry.js';
import { fail, quote, showShape } from './errors.js';

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

const tensors = (n: number): string => (n === 1 ? 'tensor' : 'tensors');

const listKeys = (keys: string[]): string => keys.slice(0, 5).map(quote).join(', ') + (keys.length > 5 ? ` and ${keys.length - 5} more` : '');

/**
 * Copies entries into same-named tensors (e.g. a model's parameters under their state-dict names).
 * Everything is checked before anything is written: names, shapes, and dtypes (float entries
 * only into f32 tensors; integer entries into i32 tensors, or f32 ones, as numbers).
 */
export function loadNamedTensors(entries: Map<string, Entry>, targets: NamedTensors, opts: LoadOptions = {}): void {
  const source = opts.source ?? 'safetensors input';
  const list = tensorsOf(targets);
  const missing = list.filter(([k]) => !entries.has(k)).map(([k]) => k);
  if (missing.length && !opts.allowMissing) fail(source, `${missing.length} ${tensors(missing.length)} ${missing.length === 1 ? 'is' : 'are'} missing: ${listKeys(missing)}`, 'it holds another model\'s weights: load a file saved from this model');
  const wanted = new Set(list.map(([k]) => k));
  const unexpected = [...entries.keys()].filter((k) => !wanted.has(k));
  if (unexpected.length && !opts.allowUnexpected) fail(source, `${unexpected.length} unexpected ${tensors(unexpected.length)}: ${listKeys(unexpected)}`, 'it holds another model\'s weights: load a file saved from this model');
  const work: [string, Tensor, Entry][] = [];
  for (const [k, t] of list) {
    const e = entries.get(k);
    if (!e) continue;
    if (e.shape.length !== t.shape.length || e.shape.some((d, i) => d !== t.shape[i])) {
      fail(source, `tensor ${quote(k)} has shape ${showShape(e.shape)} but the target has ${showShape(t.shape)}`, 'load a file saved from the same architecture');
    }
    if (t.dtype === 'i32' && FLOAT_DTYPES.has(e.dtype)) fail(source, `tensor ${quote(k)} is ${e.dtype} but the target is an i32 tensor`, 'store integer data with an integer dtype');
    work.push([k, t, e]);
  }
  // Conversions may still throw (an I64 beyond int32): convert all before the first write.
  const data = work.map(([k, t, e]) => (t.dtype === 'f32' ? toFloat32(e) : toInt32(e, `${source}: tensor ${quote(k)}`)));
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
    out.set(k, convert ? entryFrom(dtype, e.dtype === 'F32' ? toFloat32(e) : toInt32(e), e.shape, `tensor ${quote(k)} stored as ${dtype}`) : e);
  }
  return out;
}
