// The safetensors container: strict parsing (every malformed input is a one-line SafetensorsError
// naming the file, the problem and the fix, never a crash or a huge allocation) and deterministic
// serialization. Layout: u64 LE header length N, N bytes of UTF-8 JSON, then the data section whose
// tensors' data_offsets (relative to it) tile it exactly.

import { numel } from '../graph/tensor.js';
import { ITEMSIZE, checkEntry, isDType, isIndex, type DType, type Entry } from './entry.js';
import { fail, quote, show, showShape } from './errors.js';

export interface Safetensors {
  entries: Map<string, Entry>;
  metadata: Record<string, string>;
}

/** Headers above this are rejected before decoding (the reference implementation's cap). */
export const MAX_HEADER_BYTES = 100_000_000;
const METADATA = '__metadata__';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

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
    const { dtype, shape, begin, end } = checkHeaderEntry(key, v, dataLength, source);
    spans.push({ key, begin, end });
    entries.set(key, { dtype, shape, data: buf.subarray(dataStart + begin, dataStart + end) });
  }
  checkTiling(spans, dataLength, source);
  return { entries, metadata };
}

function checkMetadata(v: unknown, source: string): Record<string, string> {
  if (!isObject(v)) fail(source, `${METADATA} is not an object`, 'it must map strings to strings');
  for (const [k, s] of Object.entries(v)) {
    if (typeof s !== 'string') fail(source, `${METADATA}[${quote(k)}] is ${show(s)}, not a string`, 'metadata values must be strings');
  }
  return Object.fromEntries(Object.entries(v)) as Record<string, string>;
}

function checkHeaderEntry(key: string, v: unknown, dataLength: number, source: string): { dtype: DType; shape: number[]; begin: number; end: number } {
  const what = `tensor ${quote(key)}`;
  if (!isObject(v)) fail(source, `${what} is ${show(v)}, not an object with dtype, shape and data_offsets`);
  for (const field of Object.keys(v)) {
    if (field !== 'dtype' && field !== 'shape' && field !== 'data_offsets') fail(source, `${what} has unknown field ${quote(field)}`);
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
  if (end - begin !== bytes) fail(source, `${what} (${dtype} ${showShape(shape)}) needs ${bytes} bytes but data_offsets [${begin}, ${end}] hold ${end - begin}`);
  return { dtype, shape: [...shape], begin, end };
}

/** The spans, sorted, must cover [0, dataLength) exactly: no gap, no overlap, no trailing bytes. */
function checkTiling(spans: Span[], dataLength: number, source: string): void {
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let prev: Span | null = null;
  for (const s of spans) {
    if (s.begin < at) fail(source, `tensor ${quote(s.key)} [${s.begin}, ${s.end}) overlaps tensor ${quote(prev!.key)} [${prev!.begin}, ${prev!.end})`);
    if (s.begin > at) {
      const after = prev ? `tensor ${quote(prev.key)} ends` : 'the data section starts';
      fail(source, `${s.begin - at} unused bytes between byte ${at}, where ${after}, and tensor ${quote(s.key)}`);
    }
    at = s.end;
    prev = s;
  }
  if (at !== dataLength) {
    fail(source, `${dataLength - at} trailing bytes after ${prev ? `the last tensor's data (byte ${at} of ${dataLength})` : 'a header without tensors'}`);
  }
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
      if (typeof v !== 'string') fail('serializeSafetensors', `metadata ${quote(k)} is ${show(v)}, not a string`, 'metadata values must be strings');
    }
    parts.push(`${JSON.stringify(METADATA)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const [key, e] of list) {
    const what = `serializeSafetensors: tensor ${quote(key)}`;
    if (key === METADATA) fail('serializeSafetensors', `${quote(METADATA)} cannot name a tensor`, 'rename it');
    checkEntry(e, what);
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
