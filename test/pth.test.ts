// PyTorch .pth files read without Python, against files PyTorch wrote (the shared pth fixtures):
// zip and legacy formats give every tensor of expected.safetensors (names without `module.`, dtypes,
// strided views sharing a storage), a training checkpoint gives its state dict, a pickled module and a
// malicious pickle are refused in one line naming the global; the restricted unpickler's opcodes and
// refusals; damaged files; the convert.js command; and OAENet's weights written as a DataParallel
// .pth load into OAENet and convert to the same safetensors.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { suite } from './harness.js';
import { fixtureDir } from './fixtures.js';
import { setupGpu } from './util.js';
import { UserError } from '../src/errors.js';
import { Tensor } from '../src/graph/tensor.js';
import { ITEMSIZE, toFloat32, toFloat64, type DType, type Entry } from '../src/safetensors/entry.js';
import { parseSafetensors } from '../src/safetensors/format.js';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { isPth, parsePth } from '../src/pth/index.js';
import { unpickle, type PyValue } from '../src/pth/pickle.js';
import { tensorEntry } from '../src/pth/tensor.js';
import { Storage, TensorRef, torchPickle } from '../src/pth/torch_globals.js';
import { loadCheckpoint, readModelFile } from '../src/model/checkpoint_file.js';
import { OAENet } from '../src/model/oaenet.js';

const pthDir = fixtureDir('pth', 'OAENET_PTH_FIXTURES');
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(pthDir, name)));
const expected = parseSafetensors(fixture('expected.safetensors'), 'expected.safetensors').entries;
const work = mkdtempSync(join(tmpdir(), 'pth-'));
const convertJs = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'convert.js');

/** The error `fn` throws: a one-line UserError. */
function userErrorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.instance(e, UserError, String(e));
    const message = (e as Error).message;
    assert.not.match(message, /\n/);
    return message;
  }
  throw new assert.Assertion({ message: 'expected a UserError', generated: false, operator: 'throws', expects: 'a UserError', actual: 'no error' });
}

/** A view of the bytes (Buffer.from of a typed array would copy them). */
const bytesOf = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function assertEntriesEqual(actual: Map<string, Entry>, wanted: Map<string, Entry>, what: string): void {
  assert.equal([...actual.keys()].sort(), [...wanted.keys()].sort(), `${what}: names`);
  for (const [k, e] of wanted) {
    const a = actual.get(k)!;
    assert.is(a.dtype, e.dtype, `${what}: ${k} dtype`);
    assert.equal(a.shape, e.shape, `${what}: ${k} shape`);
    assert.ok(bytesOf(a.data).equals(bytesOf(e.data)), `${what}: ${k} values`);
  }
}

const fixtures = suite('pth fixtures');

for (const file of ['state_dict.pth', 'state_dict_legacy.pth']) {
  fixtures(`${file}: every tensor of expected.safetensors, module. removed`, () => {
    const sd = parsePth(fixture(file), file);
    assert.ok(sd.unprefixed);
    assert.is(sd.within, undefined);
    assertEntriesEqual(sd.entries, expected, file);
    const e = sd.entries;
    // fc.weight is the [5, 6] view (strides 1, 8, offset 2) of the storage that fc.bias is elements 8–15 of:
    // its column 1 is storage elements 10–14.
    const weight = toFloat32(e.get('fc.weight')!);
    const bias = toFloat32(e.get('fc.bias')!);
    assert.equal([0, 1, 2, 3, 4].map((r) => weight[r * 6 + 1]), [...bias.subarray(2, 7)]);
    assert.equal(e.get('bn.num_batches_tracked')!.shape, []);
    assert.is(e.get('bn.num_batches_tracked')!.dtype, 'I64');
    assert.equal(e.get('scalar')!.shape, []);
    assert.equal([...toFloat64(e.get('mask')!)], [...toFloat64(expected.get('mask')!)]);
  });
}

fixtures('checkpoint.pth: the state dict under "state_dict", its epoch kept', () => {
  const sd = parsePth(fixture('checkpoint.pth'), 'checkpoint.pth');
  assert.is(sd.within, 'state_dict');
  assert.equal(sd.scalars, { epoch: '12' });
  assertEntriesEqual(sd.entries, expected, 'checkpoint.pth');
});

fixtures('whole_module.pth and evil.pth are refused, naming the global', () => {
  assert.match(userErrorOf(() => parsePth(fixture('whole_module.pth'), 'whole_module.pth')), /^whole_module\.pth: refused to load: .*__main__\.Tiny.*torch\.save\(model\.state_dict\(\)/);
  assert.match(userErrorOf(() => parsePth(fixture('evil.pth'), 'evil.pth')), /^evil\.pth: refused to load: .*posix\.system.*nothing was run/);
});

fixtures('damaged files: a flipped data byte, a truncated zip, a truncated legacy file', () => {
  const zip = fixture('state_dict.pth');
  const name = new TextEncoder().encode('state_dict/data/0');
  const nameAt = bytesOf(zip).indexOf(name); // the first copy is the local header's
  const dataAt = nameAt + name.length + new DataView(zip.buffer).getUint16(nameAt - 2, true);
  const flipped = zip.slice();
  flipped[dataAt]! ^= 1;
  assert.match(userErrorOf(() => parsePth(flipped, 'f.pth')), /^f\.pth: entry state_dict\/data\/0 fails its CRC-32 check/);
  assert.match(userErrorOf(() => parsePth(zip.subarray(0, 3000), 't.pth')), /^t\.pth: a zip archive without its central directory/);
  const legacy = fixture('state_dict_legacy.pth');
  assert.match(userErrorOf(() => parsePth(legacy.subarray(0, legacy.length - 2), 'l.pth')), /^l\.pth: storage \d+ \(\d+ elements\) runs past the end of the file/);
  assert.ok(isPth(zip) && isPth(legacy) && !isPth(fixture('expected.safetensors')));
});

const pickles = suite('restricted unpickler');
const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const load = (bytes: Uint8Array): PyValue => unpickle(bytes, 0, { source: 'p.pkl', ...torchPickle('p.pkl', () => new Uint8Array(0)) }).value;

pickles('protocol 4: FRAME, MEMOIZE, STACK_GLOBAL, LONG1, UTF-8, and BUILD of an OrderedDict with _metadata', () => {
  // pickle.dumps(od, protocol=4) of OrderedDict(a=1, b=[1.5, None, True, -2**40, 'é']) with od._metadata set, as PyTorch's state_dict() carries.
  const v = load(hex('80049572000000000000008c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0161944b018c0162945d9428473ff80000000000004e888a060000000000ff8c02c3a99465757d948c095f6d657461646174619468022952948c00947d948c0776657273696f6e944b01737373622e'));
  assert.equal(v, new Map<PyValue, PyValue>([['a', 1], ['b', [1.5, null, true, -(2 ** 40), 'é']]]));
});

pickles('refusals: an unknown global, an opcode outside the list, calling a storage class', () => {
  // pickle.dumps(len, protocol=2): GLOBAL __builtin__ len.
  assert.match(userErrorOf(() => load(hex('8002635f5f6275696c74696e5f5f0a6c656e0a71002e'))), /^p\.pkl: refused to load: .*__builtin__\.len/);
  // UNICODE ('V'), a text opcode no state dict uses.
  assert.match(userErrorOf(() => load(new Uint8Array([0x80, 2, 0x56, 0x61, 0x0a, 0x2e]))), /^p\.pkl: refused to load: pickle opcode 0x56 'V' at byte 2/);
  const callStorage = new Uint8Array([0x80, 2, ...new TextEncoder().encode('ctorch\nFloatStorage\n'), 0x29, 0x52, 0x2e]);
  assert.match(userErrorOf(() => load(callStorage)), /REDUCE calls torch\.FloatStorage, which is not callable/);
  assert.match(userErrorOf(() => load(new Uint8Array([0x80, 2, 0x4a, 1]))), /runs past the end/);
});

pickles('strided tensors: row copies, element gathers, bounds', () => {
  const values = Float32Array.from({ length: 20 }, (_, i) => i);
  const storage = new Storage('s.pth', '0', 'F32', 20, () => new Uint8Array(values.buffer));
  // Rows 1–2, columns 1–3 of a 4×5 matrix: strided rows of contiguous elements.
  assert.equal([...toFloat32(tensorEntry(new TensorRef(storage, 6, [2, 3], [5, 1]), 'rows'))], [6, 7, 8, 11, 12, 13]);
  // Its transpose: every element gathered.
  assert.equal([...toFloat32(tensorEntry(new TensorRef(storage, 0, [5, 4], [1, 5]), 't'))], [0, 5, 10, 15, 1, 6, 11, 16, 2, 7, 12, 17, 3, 8, 13, 18, 4, 9, 14, 19]);
  assert.match(userErrorOf(() => tensorEntry(new TensorRef(storage, 5, [4, 5], [5, 1]), 'w')), /^s\.pth: tensor w reaches element 24 of its 20-element storage 0/);
});

const convert = suite('convert.js');
const runConvert = (args: string[]): { code: number; out: string; err: string } => {
  const r = spawnSync(process.execPath, [convertJs, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.trim() };
};

convert('checkpoint.pth.tar → checkpoint.safetensors: the expected tensors, the epoch as metadata', async () => {
  const input = join(work, 'checkpoint.pth.tar');
  copyFileSync(join(pthDir, 'checkpoint.pth'), input);
  const r = runConvert([input]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /13 tensors from its "state_dict", DataParallel's "module\." prefix removed/);
  assert.match(r.out, /kept as metadata: epoch=12/);
  const { entries, metadata } = await readSafetensorsFile(join(work, 'checkpoint.safetensors'));
  assertEntriesEqual(entries, expected, 'converted');
  assert.equal(metadata, { epoch: '12', format: 'pt' });
});

convert('refusals are one line, exit 1, and leave no output', () => {
  const out = join(work, 'evil.safetensors');
  const r = runConvert([join(pthDir, 'evil.pth'), out]);
  assert.is(r.code, 1);
  assert.match(r.err, /^error: .*evil\.pth: refused to load: .*posix\.system[^\n]*$/);
  assert.not.ok(existsSync(out));
  assert.equal(readdirSync(work).filter((f) => f.includes('evil')), []);
  const notPth = runConvert([join(pthDir, 'expected.safetensors'), join(work, 'x.safetensors')]);
  assert.is(notPth.code, 1);
  assert.match(notPth.err, /^error: .*expected\.safetensors: is not a file torch\.save wrote/);
});

// OAENet's weights as the original project saves them: torch.save(DataParallel(model).state_dict()) in the
// legacy format, every name under `module.`, each tensor in a storage of its own.
const STORAGE_TYPES: Partial<Record<DType, string>> = { F32: 'FloatStorage', I64: 'LongStorage' };

function legacyPth(entries: Map<string, Entry>): Uint8Array {
  const enc = new TextEncoder();
  const u32 = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const str = (s: string): number[] => [0x58, ...u32(enc.encode(s).length), ...enc.encode(s)];
  const int = (n: number): number[] => [0x4a, ...u32(n)];
  const global = (module: string, name: string): number[] => [0x63, ...enc.encode(`${module}\n${name}\n`)];
  const tuple = (items: number[][]): number[] => [0x28, ...items.flat(), 0x74];
  const main: number[] = [0x80, 2, ...global('collections', 'OrderedDict'), 0x29, 0x52, 0x28];
  const data: Uint8Array[] = [];
  [...entries].forEach(([k, e], i) => {
    const numel = e.data.length / ITEMSIZE[e.dtype];
    const strides = e.shape.map((_, d) => e.shape.slice(d + 1).reduce((a, b) => a * b, 1));
    const pid = tuple([str('storage'), global('torch', STORAGE_TYPES[e.dtype]!), str(String(i)), str('cpu'), int(numel), [0x4e]]);
    main.push(...str(`module.${k}`), ...global('torch._utils', '_rebuild_tensor_v2'));
    main.push(...tuple([[...pid, 0x51], int(0), tuple(e.shape.map(int)), tuple(strides.map(int)), [0x89], [...global('collections', 'OrderedDict'), 0x29, 0x52]]), 0x52);
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, BigInt(numel), true);
    data.push(count, e.data);
  });
  main.push(0x75, 0x2e);
  const head = [0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, 0x2e, 0x80, 2, 0x4d, 0xe9, 0x03, 0x2e];
  const info = [0x80, 2, 0x7d, ...str('little_endian'), 0x88, 0x73, 0x2e];
  const keys = [0x80, 2, 0x5d, 0x28, ...[...entries.keys()].flatMap((_, i) => str(String(i))), 0x65, 0x2e];
  return Buffer.concat([new Uint8Array([...head, ...info, ...main, ...keys]), ...data]);
}

const oaenet = suite('OAENet from a .pth');
oaenet.before(async () => {
  await setupGpu();
});
oaenet.after(() => rmSync(work, { recursive: true, force: true }));

oaenet('a DataParallel .pth of OAENet loads into OAENet and converts to the same weights', async () => {
  const weights = (await readSafetensorsFile(join(fixtureDir('torch', 'OAENET_TORCH_FIXTURES'), 'oaenet_seed0.safetensors'))).entries;
  const pth = join(work, 'oaenet.pth');
  writeFileSync(pth, legacyPth(weights));

  assertEntriesEqual((await readModelFile(pth)).entries, weights, 'readModelFile');
  const model = new OAENet({ numClasses: 7, inputSize: 32 });
  try {
    await loadCheckpoint(model, pth);
    const state = model.stateTensors();
    const loaded = await Tensor.readAll([...state.values()]);
    [...state.keys()].forEach((k, i) => assert.ok(bytesOf(Float32Array.from(loaded[i]!)).equals(bytesOf(toFloat32(weights.get(k)!))), k));
  } finally {
    model.dispose();
  }

  const r = runConvert([pth]);
  assert.is(r.code, 0, r.err);
  // Read back through the model reader, which must route it to safetensors by content.
  assertEntriesEqual((await readModelFile(join(work, 'oaenet.safetensors'))).entries, weights, 'converted OAENet');
});

fixtures.run();
pickles.run();
convert.run();
oaenet.run();
