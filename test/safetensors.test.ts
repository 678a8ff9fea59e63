import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureDir } from './fixtures.js';
import { rng, randn, setupGpu } from './util.js';
import { Tensor } from '../src/graph/tensor.js';
import { ITEMSIZE, entryFrom, f16Entry, f32Entry, i64Entry, toFloat32, toFloat64, toInt32, u8Entry, type DType, type Entry } from '../src/safetensors/entry.js';
import { SafetensorsError } from '../src/safetensors/errors.js';
import { loadTensorsFile, readSafetensorsFile, saveTensorsFile, writeSafetensorsFile } from '../src/safetensors/file.js';
import { bf16BitsToNumber, bf16ToFloat32Array, f16BitsToNumber, f16ToFloat32Array, f32ToBf16Bits, f32ToF16Bits } from '../src/safetensors/float16.js';
import { MAX_HEADER_BYTES, parseSafetensors, serializeSafetensors } from '../src/safetensors/format.js';
import { entryToTensor, loadNamedTensors, namedTensorsToEntries, tensorToEntry } from '../src/safetensors/tensors.js';

// Fixture paths as 'torch/…' or 'mask/…', each folder found like the parity tests find it.
const fixture = (rel: string): string => {
  const [kind, ...rest] = rel.split('/');
  const env = kind === 'mask' ? 'OAENET_MASK_FIXTURES' : 'OAENET_TORCH_FIXTURES';
  return join(fixtureDir(kind!, env), ...rest);
};


test.before(async () => {
  await setupGpu();
});

const DTYPES = Object.keys(ITEMSIZE) as DType[];

function expectError(fn: () => unknown, source: string, fragment: string, what = fragment): SafetensorsError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw new Error(`${what}: expected a SafetensorsError, got ${(e as Error)?.stack ?? e}`);
    assert.ok(e.message.includes(source), `${what}: message lacks the source: ${e.message}`);
    assert.ok(e.message.includes(fragment), `${what}: message lacks "${fragment}": ${e.message}`);
    assert.not.ok(e.message.includes('\n'), `${what}: message is not one line: ${e.message}`);
    return e;
  }
  throw new Error(`${what}: no error thrown`);
}

async function expectRejects(p: Promise<unknown>, source: string, fragment: string): Promise<SafetensorsError> {
  let err: unknown = null;
  await p.catch((e) => (err = e));
  return expectError(() => {
    if (err) throw err;
  }, source, fragment);
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** A file with an arbitrary header text (or object) and data; `len` overrides the length prefix. */
function rawFile(header: string | object, data: Uint8Array, len?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, len ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** Independent minimal decoder (DataView, per element) to check parseSafetensors + toFloat32 against. */
function independentF32(file: Uint8Array, key: string): Float32Array {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  const h = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)))[key];
  assert.is(h.dtype, 'F32');
  const [b, e] = h.data_offsets as [number, number];
  const out = new Float32Array((e - b) / 4);
  for (let i = 0; i < out.length; i++) out[i] = dv.getFloat32(8 + n + b + 4 * i, true);
  return out;
}

const sameF32Bits = (a: Float32Array, b: Float32Array): boolean => sameBytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), new Uint8Array(b.buffer, b.byteOffset, b.byteLength));

// ---------------------------------------------------------------------------------------------
// Round trips and serialization format.

function randomBytes(r: () => number, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * 256);
  return b;
}

test('round trip of every dtype, including 0-d and empty tensors', () => {
  const r = rng(1);
  const shapes = [[], [0], [3, 0, 2], [2, 3], [5]];
  const entries = new Map<string, Entry>();
  for (const dtype of DTYPES) {
    shapes.forEach((shape, i) => {
      const n = shape.reduce((a, b) => a * b, 1);
      entries.set(`${dtype}/${i}`, { dtype, shape, data: randomBytes(r, n * ITEMSIZE[dtype]) });
    });
  }
  const metadata = { format: 'pt', note: 'ünïcode "quoted"\n\ttab' };
  const file = serializeSafetensors(entries, metadata);
  const n = Number(new DataView(file.buffer).getBigUint64(0, true));
  assert.is((8 + n) % 8, 0, 'data section 8-byte aligned');
  const headerText = new TextDecoder().decode(file.subarray(8, 8 + n));
  assert.ok(/^\{.*\} *$/.test(headerText), 'header is JSON padded with spaces');
  const back = parseSafetensors(file, 'roundtrip.safetensors');
  assert.equal(back.metadata, metadata);
  assert.is(back.entries.size, entries.size);
  for (const [k, e] of entries) {
    const b = back.entries.get(k)!;
    assert.is(b.dtype, e.dtype, k);
    assert.equal(b.shape, e.shape, k);
    assert.ok(sameBytes(b.data, e.data), k);
  }
  assert.ok(sameBytes(serializeSafetensors(back.entries, back.metadata), file), 'serialize ∘ parse is the identity');
  assert.ok(sameBytes(serializeSafetensors(Object.fromEntries(entries), metadata), file), 'Record input = Map input');
});

test('serialization sorts keys (data in that order), omits empty metadata', () => {
  const keys = ['b', '10', 'a', '9', 'Z', 'é'];
  const entries = new Map(keys.map((k, i) => [k, f32Entry([i], [1])]));
  const file = serializeSafetensors(entries);
  const n = Number(new DataView(file.buffer).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
  assert.not.ok('__metadata__' in header);
  const sorted = [...keys].sort();
  sorted.forEach((k, i) => assert.equal(header[k].data_offsets, [4 * i, 4 * i + 4], k));
  // Key order in the header text follows the sorted order too (JS objects would move '10' and '9' first).
  const positions = sorted.map((k) => new TextDecoder().decode(file.subarray(8, 8 + n)).indexOf(JSON.stringify(k) + ':'));
  assert.ok(positions.every((p, i) => i === 0 || p > positions[i - 1]!), 'header text in sorted order');
  assert.is(serializeSafetensors(new Map()).length, 16, 'empty file: length prefix + "{}" padded to 8');
  const long = 'k'.repeat(500) + '"\\\n';
  assert.equal(Array.from(toFloat32(parseSafetensors(serializeSafetensors({ [long]: f32Entry([3], []) })).entries.get(long)!)), [3], 'long, escaped key');
  assert.is(parseSafetensors(serializeSafetensors(new Map())).entries.size, 0);
});

test('serialize rejects inconsistent entries', () => {
  expectError(() => serializeSafetensors({ x: { dtype: 'F32', shape: [2], data: new Uint8Array(4) } }), 'serializeSafetensors', 'needs 8 bytes');
  expectError(() => serializeSafetensors({ x: { dtype: 'F8' as DType, shape: [1], data: new Uint8Array(1) } }), 'serializeSafetensors', 'unknown dtype');
  expectError(() => serializeSafetensors({ x: { dtype: 'U8', shape: [-1], data: new Uint8Array(0) } }), 'serializeSafetensors', 'shape');
  expectError(() => serializeSafetensors({ __metadata__: u8Entry([1], [1]) }), 'serializeSafetensors', '__metadata__');
  expectError(() => serializeSafetensors({}, { format: 1 as unknown as string }), 'serializeSafetensors', 'not a string');
  // Conversions check hand-made entries too, instead of failing inside a typed-array constructor.
  expectError(() => toFloat32({ dtype: 'F32', shape: [3], data: new Uint8Array(10) }), 'toFloat32', 'needs 12 bytes');
  expectError(() => toFloat64({ dtype: 'X' as DType, shape: [1], data: new Uint8Array(1) }), 'toFloat64', 'unknown dtype');
  expectError(() => toInt32({ dtype: 'I32', shape: [0.5], data: new Uint8Array(0) }), 'toInt32', 'shape');
});

// ---------------------------------------------------------------------------------------------
// Strict validation: each corruption of a valid file is a one-line SafetensorsError naming the file.

const SRC = 'corrupt.safetensors';

type Header = Record<string, unknown> & { a: Record<string, unknown>; b: Record<string, unknown>; c: Record<string, unknown>; d: Record<string, unknown> };
const baseHeader = (): Header => ({
  __metadata__: { format: 'pt' },
  a: { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
  b: { dtype: 'I64', shape: [], data_offsets: [24, 32] },
  c: { dtype: 'U8', shape: [0], data_offsets: [32, 32] },
  d: { dtype: 'F16', shape: [3], data_offsets: [32, 38] },
});
const baseData = (extra = 0): Uint8Array => randomBytes(rng(2), 38 + extra);

function withHeader(edit: (h: Header) => void, data = baseData()): Uint8Array {
  const h = baseHeader();
  edit(h);
  return rawFile(h, data);
}

test('the unmutated base file parses (also with a space-padded header in any key order)', () => {
  const p = parseSafetensors(withHeader(() => {}), SRC);
  assert.equal([...p.entries.keys()], ['a', 'b', 'c', 'd']);
  assert.equal(p.entries.get('b')!.shape, []);
  const h = baseHeader();
  const reordered = { d: h.d, __metadata__: h.__metadata__, b: h.b, c: h.c, a: h.a };
  assert.is(parseSafetensors(rawFile(JSON.stringify(reordered) + '      ', baseData()), SRC).entries.size, 4);
});

test('length prefix and header encoding errors', () => {
  for (const n of [0, 1, 7]) expectError(() => parseSafetensors(new Uint8Array(n), SRC), SRC, 'shorter than the 8-byte', `${n} bytes`);
  const good = withHeader(() => {});
  const h = JSON.stringify(baseHeader());
  expectError(() => parseSafetensors(rawFile(h, baseData(), 0n), SRC), SRC, 'header length is 0');
  expectError(() => parseSafetensors(rawFile(h, baseData(), BigInt(good.length)), SRC), SRC, 'runs past the end');
  expectError(() => parseSafetensors(rawFile(h, baseData(), BigInt(MAX_HEADER_BYTES + 1)), SRC), SRC, 'limit');
  expectError(() => parseSafetensors(rawFile(h, baseData(), 2n ** 64n - 1n), SRC), SRC, 'limit');
  const bad = withHeader(() => {});
  bad[8 + h.indexOf('"a"') + 1] = 0xff; // the key "a" becomes an invalid UTF-8 byte
  expectError(() => parseSafetensors(bad, SRC), SRC, 'not valid UTF-8');
  expectError(() => parseSafetensors(rawFile('{"a": {', baseData()), SRC), SRC, 'not valid JSON');
  expectError(() => parseSafetensors(rawFile(h.slice(0, -1) + ',}', baseData()), SRC), SRC, 'not valid JSON');
  for (const t of ['[]', 'null', '"x"', '12', 'true']) expectError(() => parseSafetensors(rawFile(t, new Uint8Array(0)), SRC), SRC, 'not an object', t);
});

test('entry, dtype, shape and data_offsets errors', () => {
  const cases: [string, (h: Header) => void, string][] = [
    ['entry number', (h) => (h.a = 5 as never), 'not an object'],
    ['entry null', (h) => (h.a = null as never), 'not an object'],
    ['entry array', (h) => (h.a = [] as never), 'not an object'],
    ['unknown field', (h) => (h.a.extra = 1), 'unknown field "extra"'],
    ['dtype F8', (h) => (h.a.dtype = 'F8'), 'unknown dtype'],
    ['dtype lowercase', (h) => (h.a.dtype = 'f32'), 'unknown dtype'],
    ['dtype number', (h) => (h.a.dtype = 4), 'unknown dtype'],
    ['dtype missing', (h) => delete h.a.dtype, 'unknown dtype'],
    ['dtype from prototype', (h) => (h.a.dtype = 'toString'), 'unknown dtype'],
    ['shape string', (h) => (h.a.shape = '2,3'), 'shape'],
    ['shape missing', (h) => delete h.a.shape, 'shape'],
    ['shape negative', (h) => (h.a.shape = [-2, -3]), 'shape'],
    ['shape fraction', (h) => (h.a.shape = [1.5, 4]), 'shape'],
    ['shape string dim', (h) => (h.a.shape = ['2', 3]), 'shape'],
    ['shape unsafe', (h) => (h.a.shape = [2 ** 53, 0]), 'shape'],
    ['shape nested', (h) => (h.a.shape = [[2, 3]]), 'shape'],
    ['offsets missing', (h) => delete h.a.data_offsets, 'data_offsets'],
    ['offsets one', (h) => (h.a.data_offsets = [0]), 'data_offsets'],
    ['offsets three', (h) => (h.a.data_offsets = [0, 24, 24]), 'data_offsets'],
    ['offsets negative', (h) => (h.a.data_offsets = [-1, 23]), 'data_offsets'],
    ['offsets fraction', (h) => (h.a.data_offsets = [0.5, 24.5]), 'data_offsets'],
    ['offsets strings', (h) => (h.a.data_offsets = ['0', '24']), 'data_offsets'],
    ['offsets object', (h) => (h.a.data_offsets = { 0: 0, 1: 24 }), 'data_offsets'],
    ['begin > end', (h) => (h.a.data_offsets = [24, 0]), 'begin > end'],
    ['size mismatch', (h) => (h.a.shape = [2, 2]), 'needs 16 bytes'],
    ['size mismatch dtype', (h) => (h.a.dtype = 'F64'), 'needs 48 bytes'],
    ['size mismatch 0-d', (h) => (h.b.shape = [2]), 'needs 16 bytes'],
    ['past the data', (h) => (h.d.data_offsets = [34, 40]), 'ends at byte 40 of a 38-byte'],
    ['overlap', (h) => ((h.b.data_offsets = [16, 24]), (h.c.data_offsets = [24, 24])), 'overlaps'],
    ['overlap same span', (h) => (h.b = { dtype: 'F32', shape: [6], data_offsets: [0, 24] }), 'overlaps'],
    ['gap', (h) => ((h.b.data_offsets = [26, 34]), (h.c.data_offsets = [34, 34]), (h.d.data_offsets = [34, 40])), 'unused bytes'],
    ['metadata array', (h) => (h.__metadata__ = ['format', 'pt']), '__metadata__'],
    ['metadata string', (h) => (h.__metadata__ = 'pt'), '__metadata__'],
    ['metadata null', (h) => (h.__metadata__ = null), '__metadata__'],
    ['metadata number value', (h) => (h.__metadata__ = { format: 1 }), '__metadata__'],
    ['metadata nested', (h) => (h.__metadata__ = { format: { a: 'b' } }), '__metadata__'],
  ];
  for (const [what, edit, fragment] of cases) {
    const data = what === 'gap' || what === 'overlap' ? baseData(2) : baseData();
    expectError(() => parseSafetensors(withHeader(edit, data), SRC), SRC, fragment, what);
  }
  // Shifting every span leaves the first bytes unused; a longer data section leaves trailing bytes.
  const shifted = withHeader((h) => {
    for (const k of ['a', 'b', 'c', 'd'] as const) h[k].data_offsets = (h[k].data_offsets as number[]).map((o) => o + 4);
  }, baseData(4));
  expectError(() => parseSafetensors(shifted, SRC), SRC, 'where the data section starts');
  expectError(() => parseSafetensors(withHeader(() => {}, baseData(3)), SRC), SRC, '3 trailing bytes');
  expectError(() => parseSafetensors(rawFile('{}', new Uint8Array(1)), SRC), SRC, '1 trailing bytes');
  // Huge or multi-line values stay out of the one-line message.
  const huge = withHeader((h) => (h.a.shape = Array.from({ length: 100000 }, () => -1)));
  assert.ok(expectError(() => parseSafetensors(huge, SRC), SRC, 'shape').message.length < 400);
  const nl = withHeader((h) => (h.a.dtype = 'F\n32'));
  expectError(() => parseSafetensors(nl, SRC), SRC, 'unknown dtype "F\\n32"');
  expectError(() => parseSafetensors(rawFile('{\n"a":\n x}', new Uint8Array(0)), SRC), SRC, 'not valid JSON');
  // JSON numbers that overflow to Infinity.
  const inf = JSON.stringify(baseHeader()).replace('"shape":[2,3]', '"shape":[2,1e400]');
  expectError(() => parseSafetensors(rawFile(inf, baseData()), SRC), SRC, 'shape');
});

test('no mutation of a small file gives anything but a parse or a SafetensorsError', () => {
  const good = withHeader(() => {});
  const r = rng(3);
  for (let t = 0; t < 3000; t++) {
    const bad = good.slice(0, t < 200 ? Math.floor(r() * good.length) : good.length);
    if (t >= 200) for (let k = 0; k < 1 + (t % 3); k++) bad[Math.floor(r() * Math.min(bad.length, 8 + 300))] = Math.floor(r() * 256);
    try {
      parseSafetensors(bad, SRC);
    } catch (e) {
      if (!(e instanceof SafetensorsError) || !e.message.startsWith(SRC + ': ')) throw new Error(`mutation ${t}: ${(e as Error).stack}`);
    }
  }
});

// ---------------------------------------------------------------------------------------------
// dtype conversions.

test('F16 decoding: subnormals, limits, inf, NaN, signed zero', () => {
  const cases: [number, number][] = [
    [0x0000, 0], [0x8000, -0], [0x0001, 2 ** -24], [0x03ff, 1023 * 2 ** -24], [0x0400, 2 ** -14], [0x3c00, 1], [0xc000, -2],
    [0x3555, 0.333251953125], [0x7bff, 65504], [0xfbff, -65504], [0x7c00, Infinity], [0xfc00, -Infinity],
  ];
  for (const [h, v] of cases) {
    assert.ok(Object.is(f16BitsToNumber(h), v), `decode 0x${h.toString(16)}`);
    assert.is(f32ToF16Bits(v), h, `encode ${v}`);
  }
  for (const h of [0x7c01, 0x7e00, 0xfe00, 0x7fff]) assert.ok(Number.isNaN(f16BitsToNumber(h)));
  const all = new Uint16Array(65536).map((_, i) => i);
  const table = f16ToFloat32Array(all);
  for (let h = 0; h < 65536; h++) {
    const v = f16BitsToNumber(h);
    assert.ok(Object.is(table[h], Math.fround(v)) || (Number.isNaN(v) && Number.isNaN(table[h])));
    const back = f32ToF16Bits(v);
    if (Number.isNaN(v)) assert.ok((back & 0x7c00) === 0x7c00 && (back & 0x3ff) !== 0, `NaN 0x${h.toString(16)}`);
    else assert.is(back, h, `round trip 0x${h.toString(16)}`);
  }
});

test('F16 and BF16 encoding round to nearest even (against a brute-force reference)', () => {
  // Non-negative finite bit patterns are monotonic in value; the overflow threshold is half-way
  // to the next power of two, so pattern `inf` stands for that power when choosing the nearest.
  function reference(x: number, decode: (h: number) => number, inf: number, infValue: number): number {
    const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
    const a = Math.abs(x);
    const val = (h: number): number => (h === inf ? infValue : decode(h));
    if (a >= infValue) return sign | inf;
    let lo = 0, hi = inf; // val(lo) <= a < val(hi)
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (val(mid) <= a) lo = mid;
      else hi = mid;
    }
    const dl = a - val(lo), dh = val(hi) - a;
    return sign | (dl < dh ? lo : dh < dl ? hi : lo % 2 === 0 ? lo : hi);
  }
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  const r = rng(4);
  const formats = [
    { name: 'F16', enc: f32ToF16Bits, dec: f16BitsToNumber, inf: 0x7c00, infValue: 65536, minExp: -26, maxExp: 17 },
    { name: 'BF16', enc: f32ToBf16Bits, dec: bf16BitsToNumber, inf: 0x7f80, infValue: 2 ** 128, minExp: -127, maxExp: 128 },
  ];
  for (const fm of formats) {
    const xs: number[] = [];
    for (let i = 0; i < 20000; i++) {
      // Random float32 values over the format's exponent range, plus exact ties between neighbours.
      u[0] = (Math.floor(r() * 2 ** 23) | ((Math.floor(r() * (fm.maxExp - fm.minExp)) + fm.minExp + 127) << 23)) >>> 0;
      if (r() < 0.5) u[0] = (u[0]! | 0x80000000) >>> 0;
      xs.push(f[0]!);
      const h = Math.floor(r() * (fm.inf - 1));
      xs.push((fm.dec(h) + fm.dec(h + 1)) / 2);
    }
    for (const x of xs) {
      if (!Number.isFinite(x) || x !== Math.fround(x)) continue;
      const want = reference(x, fm.dec, fm.inf, fm.infValue);
      assert.is(fm.enc(x), want, `${fm.name} encode ${x}: got 0x${fm.enc(x).toString(16)} want 0x${want.toString(16)}`);
    }
  }
  // Spot checks of the boundaries.
  assert.is(f32ToF16Bits(65519), 0x7bff);
  assert.is(f32ToF16Bits(65520), 0x7c00);
  assert.is(f32ToF16Bits(2 ** -25), 0x0000);
  assert.is(f32ToF16Bits(-(2 ** -25) * 1.5), 0x8001);
  assert.is(f32ToF16Bits(3 * 2 ** -25), 0x0002);
  assert.is(f32ToF16Bits(1023.5 * 2 ** -24), 0x0400, 'largest subnormal rounds up to the smallest normal');
  assert.is(f32ToF16Bits(1 + 2 ** -11), 0x3c00);
  assert.is(f32ToF16Bits(1 + 3 * 2 ** -11), 0x3c02);
  assert.is(f32ToF16Bits(1e-30), 0);
  assert.is(f32ToF16Bits(1e30), 0x7c00);
  assert.is(f32ToBf16Bits(1 + 2 ** -8), 0x3f80);
  assert.is(f32ToBf16Bits(1 + 3 * 2 ** -8), 0x3f82);
  assert.is(f32ToBf16Bits(3.4028234663852886e38), 0x7f80, 'float32 max rounds to infinity');
  assert.is(f32ToBf16Bits(-Infinity), 0xff80);
  assert.is(f32ToBf16Bits(2 ** -149), 0x0000, 'tie to even at the bottom');
  assert.is(f32ToBf16Bits(3 * 2 ** -149), 0x0000);
  assert.is(bf16BitsToNumber(0x0001), 2 ** -133);
  assert.ok(Number.isNaN(bf16BitsToNumber(f32ToBf16Bits(NaN))));
  // A signalling NaN whose payload sits in the low bits must not round into infinity.
  const snan = new Float32Array(new Uint32Array([0x7f800001]).buffer)[0]!;
  assert.ok(Number.isNaN(bf16BitsToNumber(f32ToBf16Bits(snan))));
  assert.ok(Number.isNaN(f16BitsToNumber(f32ToF16Bits(snan))));
  const all = new Uint16Array(65536).map((_, i) => i);
  const t = bf16ToFloat32Array(all);
  for (let h = 0; h < 65536; h++) {
    const v = bf16BitsToNumber(h);
    assert.ok(Object.is(t[h], v) || (Number.isNaN(v) && Number.isNaN(t[h])));
    if (!Number.isNaN(v)) assert.is(f32ToBf16Bits(v), h);
  }
});

test('toFloat32 / toFloat64 / toInt32 of every dtype, misaligned views, range checks', () => {
  const ints = [0, 1, -2, 3, 127, -128];
  const uints = [0, 1, 2, 3, 200, 255];
  for (const dtype of DTYPES) {
    const vals = dtype === 'U8' ? uints : dtype === 'BOOL' ? [0, 1, 1, 0, 1, 0] : ints;
    const e = entryFrom(dtype, vals, [2, 3]);
    assert.is(e.data.byteLength, 6 * ITEMSIZE[dtype]);
    // The same bytes at an odd offset inside a larger buffer (as inside a file).
    const host = new Uint8Array(e.data.byteLength + 3);
    host.set(e.data, 1);
    const odd: Entry = { ...e, data: host.subarray(1, 1 + e.data.byteLength) };
    for (const x of [e, odd]) {
      assert.equal(Array.from(toFloat32(x)), vals, `${dtype} toFloat32`);
      assert.equal(Array.from(toFloat64(x)), vals, `${dtype} toFloat64`);
      if (dtype.startsWith('F') || dtype === 'BF16') expectError(() => toInt32(x), 'toInt32', 'toFloat32');
      else assert.equal(Array.from(toInt32(x)), vals, `${dtype} toInt32`);
    }
  }
  // Results are copies, not aliases of the file bytes.
  const e = f32Entry([1, 2], [2]);
  toFloat32(e)[0] = 5;
  assert.equal(Array.from(toFloat32(e)), [1, 2]);
  // Rounding of floats.
  assert.equal(Array.from(toFloat32(entryFrom('F64', [0.1, 1e300], [2]))), [Math.fround(0.1), Infinity]);
  assert.equal(Array.from(toFloat64(f16Entry([0.1, 70000, -1e-8], [3]))), [f16BitsToNumber(0x2e66), Infinity, -0]);
  // I64: full range via bigints, exact up to 2^53, int32 range enforced.
  const big = i64Entry([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n, -5n], [4]);
  assert.equal(Array.from(toFloat64(big)), [-(2 ** 63), 2 ** 63, 2 ** 53, -5]);
  expectError(() => toInt32(big), 'toInt32', 'does not fit in int32');
  assert.equal(Array.from(toInt32(i64Entry([-(2 ** 31), 2 ** 31 - 1], [2]))), [-(2 ** 31), 2 ** 31 - 1]);
  expectError(() => toInt32(i64Entry([2 ** 31], [1])), 'toInt32', '2147483648');
  // entryFrom validates values and sizes.
  expectError(() => entryFrom('I32', [1.5], [1]), 'I32 entry', 'not an integer in the I32 range');
  expectError(() => entryFrom('U8', [256], [1]), 'U8 entry', 'not an integer in the U8 range');
  expectError(() => entryFrom('I8', [-129], [1]), 'I8 entry', 'not an integer in the I8 range');
  expectError(() => entryFrom('I64', [2 ** 63], [1]), 'I64 entry', 'not an integer in the I64 range');
  expectError(() => entryFrom('I64', [2n ** 63n], [1]), 'I64 entry', 'not an integer in the I64 range');
  expectError(() => entryFrom('BOOL', [2], [1]), 'BOOL entry', 'not an integer in the BOOL range');
  expectError(() => entryFrom('F32', [1, 2, 3], [2]), 'F32 entry', 'do not fill');
  expectError(() => entryFrom('F32', [1n], [1]), 'F32 entry', 'bigint');
  expectError(() => entryFrom('F64', [1, 2n] as unknown as number[], [2]), 'F64 entry', 'bigint');
  expectError(() => entryFrom('F64', new BigInt64Array(0), [0]), 'F64 entry', 'bigint');
  assert.equal(Array.from(toFloat64(i64Entry([-(2 ** 63)], []))), [-(2 ** 63)]);
});

// ---------------------------------------------------------------------------------------------
// Reference files.

interface Desc { key: string; shape: number[]; dtype: string }
function collectDescs(x: unknown, out: Desc[]): Desc[] {
  if (Array.isArray(x)) for (const v of x) collectDescs(v, out);
  else if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o.key === 'string' && Array.isArray(o.shape) && typeof o.dtype === 'string') out.push(o as unknown as Desc);
    else for (const v of Object.values(o)) collectDescs(v, out);
  }
  return out;
}

function checkDescriptors(entries: Map<string, Entry>, json: unknown, what: string): Desc[] {
  const descs = collectDescs(json, []);
  for (const d of descs) {
    const e = entries.get(d.key);
    assert.ok(e, `${what}: ${d.key} missing`);
    assert.is(e!.dtype, d.dtype, d.key);
    assert.equal(e!.shape, d.shape, d.key);
  }
  assert.equal(new Set(descs.map((d) => d.key)), new Set(entries.keys()), `${what}: every tensor is described`);
  return descs;
}

test('ops.safetensors: keys, shapes, dtypes; F32 data matches an independent decoder', async () => {
  const path = fixture('torch/ops.safetensors');
  const file = readFileSync(path);
  const { entries, metadata } = await readSafetensorsFile(path);
  assert.equal(metadata, { format: 'pt' });
  const json = JSON.parse(readFileSync(fixture('torch/ops.json'), 'utf8'));
  checkDescriptors(entries, json.cases, 'ops');
  assert.equal(entries.get('conv2d_k1s1p0_nobias/x')!.shape, [2, 5, 8, 8]);
  assert.equal(entries.get('cross_entropy_mean/out')!.shape, []);
  assert.equal(Array.from(toInt32(entries.get('cross_entropy_mean/labels')!)), [0, 3, 6, 3]);
  for (const [k, e] of entries) if (e.dtype === 'F32') assert.ok(sameF32Bits(toFloat32(e), independentF32(file, k)), k);
});

test('oaenet_seed0.safetensors: 480 tensors, counts, all F32 data bit-exact', async () => {
  const path = fixture('torch/oaenet_seed0.safetensors');
  const t0 = performance.now();
  const { entries } = await readSafetensorsFile(path);
  const tRead = performance.now() - t0;
  assert.is(entries.size, 480);
  const json = JSON.parse(readFileSync(fixture('torch/oaenet_case.json'), 'utf8'));
  checkDescriptors(entries, json.state_dict_keys, 'oaenet');
  let f32 = 0, f32Numel = 0, i64 = 0;
  for (const [k, e] of entries) {
    if (e.dtype === 'F32') (f32++, (f32Numel += e.data.byteLength / 4));
    else {
      assert.is(e.dtype, 'I64', k);
      assert.equal(e.shape, [], k);
      assert.ok(k.endsWith('.num_batches_tracked'), k);
      assert.equal(Array.from(toInt32(e)), [0], k);
      i64++;
    }
  }
  assert.is(f32, 403);
  assert.is(i64, 77);
  assert.is(f32Numel, 11314073);
  assert.equal(entries.get('classifier.weight')!.shape, [7, 1280]);
  assert.equal(entries.get('attention_branch.layer5.up.weight')!.shape, [128, 64, 4, 4]);
  const file = readFileSync(path);
  const t1 = performance.now();
  for (const e of entries.values()) if (e.dtype === 'F32') toFloat32(e);
  const tConv = performance.now() - t1;
  for (const k of ['classifier.weight', 'maintenance_branch.features.0.0.weight', 'backbone.features.17.1.running_var']) {
    assert.ok(sameF32Bits(toFloat32(entries.get(k)!), independentF32(file, k)), k);
  }
  console.log(`  oaenet_seed0 (45 MB): read+parse ${tRead.toFixed(0)} ms, toFloat32 of all F32 tensors ${tConv.toFixed(0)} ms`);
  // Re-serialized (sorted keys, new offsets) it parses to the same tensors.
  const again = parseSafetensors(serializeSafetensors(entries, { format: 'pt' }), 'reserialized');
  for (const [k, e] of entries) assert.ok(sameBytes(again.entries.get(k)!.data, e.data), k);
});

test('mask_cases.safetensors: F64 / F32 / I32 / U8 tensors agree with the JSON', async () => {
  const { entries } = await readSafetensorsFile(fixture('mask/mask_cases.safetensors'));
  const json = JSON.parse(readFileSync(fixture('mask/mask_cases.json'), 'utf8'));
  checkDescriptors(entries, json.cases, 'mask');
  assert.equal(new Set([...entries.values()].map((e) => e.dtype)), new Set(['F64', 'F32', 'I32', 'U8']));
  for (const c of json.cases) {
    const t = c.tensors;
    assert.equal(Array.from(toInt32(entries.get(t.crop_box_ltrb.key)!)), c.crop_box_ltrb, c.name);
    assert.equal(Array.from(toFloat64(entries.get(t.rho.key)!)), c.rho, c.name);
    assert.equal(entries.get(t.crop224_bgr.key)!.shape, [224, 224, 3]);
    assert.equal(entries.get(t.crop_raw_bgr.key)!.shape, [...c.crop_hw, 3]);
    const mask = toFloat32(entries.get(t.mask.key)!);
    assert.is(mask.reduce((a, b) => Math.min(a, b)), Math.fround(c.mask_min), c.name);
    assert.is(mask.reduce((a, b) => Math.max(a, b)), Math.fround(c.mask_max), c.name);
  }
});

test('truncation at every tenth of real files gives SafetensorsError', () => {
  for (const rel of ['torch/ops.safetensors', 'torch/oaenet_seed0.safetensors', 'torch/oaenet_seed0_case.safetensors', 'mask/mask_cases.safetensors']) {
    const file = readFileSync(fixture(rel));
    parseSafetensors(file, rel);
    for (let k = 0; k < 10; k++) {
      const cut = Math.floor((file.length * k) / 10);
      expectError(() => parseSafetensors(file.subarray(0, cut), rel), rel, '', `${rel} cut at ${k}/10`);
    }
    expectError(() => parseSafetensors(file.subarray(0, file.length - 1), rel), rel, '', `${rel} minus one byte`);
  }
});

// ---------------------------------------------------------------------------------------------
// Files.

test('atomic write: no temp file left, overwrite, missing folder, folder as target', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
  try {
    const path = join(dir, 'w.safetensors');
    const e1 = { w: f32Entry([1, 2, 3], [3]) };
    await writeSafetensorsFile(path, e1, { format: 'pt' });
    assert.equal(await readdir(dir), ['w.safetensors']);
    assert.ok(sameBytes(await readFile(path), serializeSafetensors(e1, { format: 'pt' })));
    await writeSafetensorsFile(path, { w: f32Entry([4], [1]) });
    assert.equal(await readdir(dir), ['w.safetensors']);
    assert.equal(Array.from(toFloat32((await readSafetensorsFile(path)).entries.get('w')!)), [4]);

    const missing = join(dir, 'no-such-folder', 'x.safetensors');
    const err = await expectRejects(writeSafetensorsFile(missing, e1), missing, 'cannot write');
    assert.ok(err.message.includes('exists'), err.message);
    assert.equal(await readdir(dir), ['w.safetensors']);

    // Renaming onto a non-empty folder fails after the temp file was written: it must be removed.
    const folder = join(dir, 'folder');
    await mkdir(folder);
    await writeSafetensorsFile(join(folder, 'inside'), e1);
    await expectRejects(writeSafetensorsFile(folder, e1), folder, 'cannot write');
    assert.equal((await readdir(dir)).sort(), ['folder', 'w.safetensors']);

    await expectRejects(readSafetensorsFile(join(dir, 'absent.safetensors')), 'absent.safetensors', 'cannot read');
    await expectRejects(readSafetensorsFile(folder), folder, 'cannot read');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('what the browser loads reaches no Node module: node:fs stays in the file module', () => {
  const importsOf = (rel: string): string[] =>
    [...readFileSync(new URL(rel, import.meta.url), 'utf8').matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
  for (const m of ['errors', 'float16', 'entry', 'format', 'tensors']) {
    const imports = importsOf(`../src/safetensors/${m}.js`);
    assert.ok(imports.every((s) => !s.startsWith('node:') && s !== './file.js'), `${m}: ${imports.join(', ')}`);
  }
  const checkpoint = importsOf('../src/model/checkpoint.js');
  assert.ok(checkpoint.every((s) => !s.startsWith('node:') && !s.endsWith('/file.js') && !s.endsWith('checkpoint_file.js')), checkpoint.join(', '));
  assert.ok(importsOf('../src/safetensors/file.js').includes('node:fs/promises'), 'the pattern finds imports');
});

test('the browser entries reach no Node module through static imports (import() on Node code paths is fine)', () => {
  // The compiled modules: type-only imports are gone there, as in the bundle.
  const staticImports = (url: URL): string[] =>
    [...readFileSync(url, 'utf8').matchAll(/^\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm)].map((m) => (m[1] ?? m[2])!);
  const reach = (entry: string): Map<string, string[]> => {
    const seen = new Map<string, string[]>();
    const walk = (url: URL): void => {
      if (seen.has(url.href)) return;
      const imports = staticImports(url);
      seen.set(url.href, imports);
      for (const s of imports) if (s.startsWith('.')) walk(new URL(s, url));
    };
    walk(new URL(entry, import.meta.url));
    return seen;
  };
  const nodeOnly = (s: string): boolean => s.startsWith('node:') || s === 'webgpu' || s === 'sharp';
  for (const entry of ['../src/web/app.js', '../src/web/engine_demo.js']) {
    const graph = reach(entry);
    const bad = [...graph].flatMap(([file, imports]) => imports.filter(nodeOnly).map((s) => `${file.replace(/^.*\/src\//, 'src/')} → ${s}`));
    assert.equal(bad, [], entry);
  }
  const app = [...reach('../src/web/app.js').keys()];
  for (const m of ['data/face_batch.js', 'training/objective.js', 'training/optim/sgd.js', 'model/predict.js', 'face/detect/index.js']) assert.ok(app.some((f) => f.endsWith(m)), `the walk reaches ${m}`);
  assert.ok([...reach('../src/data/cache.js').values()].flat().includes('node:crypto'), 'the walk finds a Node import');
});

// ---------------------------------------------------------------------------------------------
// Tensors on the GPU.

test('entryToTensor / tensorToEntry round trip through the GPU', async () => {
  const r = rng(5);
  const x = randn(r, 2 * 3 * 5, 3);
  const cases: [Entry, 'f32' | 'i32', ArrayLike<number>][] = [
    [f32Entry(x, [2, 3, 5]), 'f32', x],
    [entryFrom('F64', [0.1, -2], [2]), 'f32', [Math.fround(0.1), -2]],
    [f16Entry([0.5, -65504, 2 ** -24], [3]), 'f32', [0.5, -65504, 2 ** -24]],
    [entryFrom('BF16', [1.5, -3], [1, 2]), 'f32', [1.5, -3]],
    [i64Entry([7], []), 'i32', [7]],
    [entryFrom('I32', [-5, 2 ** 31 - 1, 4], [3, 1]), 'i32', [-5, 2 ** 31 - 1, 4]],
    [u8Entry([0, 255, 17], [3]), 'i32', [0, 255, 17]],
    [entryFrom('BOOL', [1, 0], [2]), 'i32', [1, 0]],
    [f32Entry([], [2, 0]), 'f32', []],
  ];
  for (const [e, dtype, want] of cases) {
    const t = entryToTensor(e);
    assert.is(t.dtype, dtype, e.dtype);
    assert.equal([...t.shape], e.shape, e.dtype);
    assert.equal(Array.from(await t.read()), Array.from(want), e.dtype);
    const back = await tensorToEntry(t);
    assert.is(back.dtype, dtype === 'f32' ? 'F32' : 'I32');
    assert.equal(back.shape, e.shape);
    if (e.dtype === 'F32' || e.dtype === 'I32') assert.ok(sameBytes(back.data, e.data), e.dtype);
    t.dispose();
  }
});

test('named tensors: load with checks (nothing written on failure), save with dtypes, file round trip', async () => {
  const w = Tensor.from(new Float32Array(6), [2, 3]);
  const nbt = Tensor.from([0], [], 'i32');
  const targets = new Map([['layer.weight', w], ['layer.num_batches_tracked', nbt]]);
  const good = new Map([
    ['layer.weight', f32Entry([1, 2, 3, 4, 5, 6], [2, 3])],
    ['layer.num_batches_tracked', i64Entry([3], [])],
  ]);
  const S = 'model.safetensors';
  loadNamedTensors(good, targets, { source: S });
  assert.equal(Array.from(await w.read()), [1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(await nbt.read()), [3]);

  const without = new Map([...good].filter(([k]) => k !== 'layer.weight'));
  expectError(() => loadNamedTensors(without, targets, { source: S }), S, '1 tensor is missing: "layer.weight"');
  const extra = new Map([...good, ['other', f32Entry([1], [1])]]);
  expectError(() => loadNamedTensors(extra, targets, { source: S }), S, '1 unexpected tensor: "other"');
  // The weight comes first and is valid; the later failure must leave it untouched.
  const tooBig = new Map([['layer.weight', f32Entry([9, 9, 9, 9, 9, 9], [2, 3])], ['layer.num_batches_tracked', i64Entry([2 ** 40], [])]]);
  expectError(() => loadNamedTensors(tooBig, targets, { source: S }), `${S}: tensor "layer.num_batches_tracked"`, 'does not fit in int32');
  const badShape = new Map([['layer.weight', f32Entry([9, 9, 9, 9, 9, 9], [3, 2])], ['layer.num_batches_tracked', i64Entry([1], [])]]);
  expectError(() => loadNamedTensors(badShape, targets, { source: S }), S, 'shape [3, 2] but the target has [2, 3]');
  const floatIntoInt = new Map([['layer.weight', good.get('layer.weight')!], ['layer.num_batches_tracked', f32Entry([1], [])]]);
  expectError(() => loadNamedTensors(floatIntoInt, targets, { source: S }), S, 'i32 tensor');
  assert.equal(Array.from(await w.read()), [1, 2, 3, 4, 5, 6]);
  assert.equal(Array.from(await nbt.read()), [3]);
  loadNamedTensors(new Map([['layer.weight', f32Entry([0, 0, 0, 0, 0, 1], [2, 3])], ['x', u8Entry([1], [1])]]), targets, { allowMissing: true, allowUnexpected: true });
  assert.equal(Array.from(await w.read()), [0, 0, 0, 0, 0, 1]);

  const saved = await namedTensorsToEntries(targets, { dtypes: { 'layer.num_batches_tracked': 'I64', 'layer.weight': 'F16' } });
  assert.is(saved.get('layer.num_batches_tracked')!.dtype, 'I64');
  assert.is(saved.get('layer.weight')!.dtype, 'F16');
  assert.equal(Array.from(toFloat32(saved.get('layer.weight')!)), [0, 0, 0, 0, 0, 1]);
  await expectRejects(namedTensorsToEntries(targets, { dtypes: { 'layer.wieght': 'F16' } }), 'namedTensorsToEntries', '"layer.wieght"');
  w.write([0.5, 0, 0, 0, 0, 1]);
  await expectRejects(namedTensorsToEntries(targets, { dtypes: { 'layer.weight': 'I64' } }), 'tensor "layer.weight" stored as I64', 'value 0.5');
  w.write([0, 0, 0, 0, 0, 1]);

  const dir = await mkdtemp(join(tmpdir(), 'safetensors-test-'));
  try {
    const path = join(dir, 'params.safetensors');
    await saveTensorsFile(path, targets, { dtypes: { 'layer.num_batches_tracked': 'I64' }, metadata: { format: 'pt' } });
    const file = await readSafetensorsFile(path);
    assert.equal(file.metadata, { format: 'pt' });
    assert.equal([...file.entries.keys()].sort(), ['layer.num_batches_tracked', 'layer.weight']);
    assert.is(file.entries.get('layer.num_batches_tracked')!.dtype, 'I64');
    w.write([7, 7, 7, 7, 7, 7]);
    nbt.write([0]);
    assert.equal(await loadTensorsFile(path, Object.fromEntries(targets)), { format: 'pt' });
    assert.equal(Array.from(await w.read()), [0, 0, 0, 0, 0, 1]);
    assert.equal(Array.from(await nbt.read()), [3]);
    await expectRejects(loadTensorsFile(path, { 'layer.weight': w }), path, '1 unexpected tensor: "layer.num_batches_tracked"');
  } finally {
    await rm(dir, { recursive: true, force: true });
    w.dispose();
    nbt.dispose();
  }
});

test('named loading of real OAENet weights into GPU tensors', async () => {
  const path = fixture('torch/oaenet_seed0.safetensors');
  const { entries } = await readSafetensorsFile(path);
  const targets = {
    'classifier.weight': Tensor.empty([7, 1280]),
    'classifier.bias': Tensor.empty([7]),
    'attention_branch.layer1.1.num_batches_tracked': Tensor.empty([], 'i32'),
  };
  try {
    await expectRejects(loadTensorsFile(path, targets), path, '477 unexpected tensors');
    await loadTensorsFile(path, targets, { allowUnexpected: true });
    for (const [k, t] of Object.entries(targets)) {
      const e = entries.get(k)!;
      assert.equal(Array.from(await t.read()), Array.from(t.dtype === 'f32' ? toFloat32(e) : toInt32(e)), k);
    }
  } finally {
    for (const t of Object.values(targets)) t.dispose();
  }
});

test.run();
