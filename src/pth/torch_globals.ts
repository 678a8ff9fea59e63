// What a PyTorch state dict is pickled with, as the restricted unpickler's table: OrderedDict, the
// tensor rebuilds (a storage, an element offset, a shape and strides) and the typed storage classes,
// which appear only inside the persistent ids that point at tensor data kept outside the pickle.
// Storages are read once per key, when a tensor is first materialized, so tensors that share one
// (views, tied weights) share its bytes.

import { userError } from '../errors.js';
import { ITEMSIZE, type DType } from '../safetensors/entry.js';
import type { GlobalSpec, HostValue, PyValue } from './pickle.js';
import { PyGlobal } from './pickle.js';

const CORRUPT = 'the file is truncated or damaged: copy or download it again';

/** torch.<X>Storage → the safetensors dtype of its elements. */
const STORAGE_DTYPES: Readonly<Record<string, DType>> = {
  'torch.DoubleStorage': 'F64',
  'torch.FloatStorage': 'F32',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
  'torch.LongStorage': 'I64',
  'torch.IntStorage': 'I32',
  'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8',
  'torch.BoolStorage': 'BOOL',
};

export class Storage implements HostValue {
  readonly host = 'storage';
  private data?: Uint8Array;

  constructor(
    readonly source: string,
    readonly key: string,
    readonly dtype: DType,
    readonly numel: number,
    private readonly load: () => Uint8Array,
  ) {}

  /** The raw little-endian bytes, read on first use and checked against the element count. */
  bytes(): Uint8Array {
    if (!this.data) {
      const b = this.load();
      const want = this.numel * ITEMSIZE[this.dtype];
      if (b.byteLength !== want) throw userError(this.source, `storage ${this.key} holds ${b.byteLength} bytes, not the ${want} of ${this.numel} ${this.dtype} elements`, CORRUPT);
      this.data = b;
    }
    return this.data;
  }
}

/** A tensor as PyTorch records it: a window of a storage, in elements. */
export class TensorRef implements HostValue {
  readonly host = 'tensor';

  constructor(
    readonly storage: Storage,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const isIndex = (v: PyValue): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const indices = (v: PyValue): v is number[] => Array.isArray(v) && v.every(isIndex);

function rebuild(source: string, args: readonly PyValue[], arity: number[]): TensorRef {
  const [storage, offset, shape, stride, , hooks] = args;
  const bad = (what: string): Error => userError(source, `a tensor record is malformed (${what})`, CORRUPT);
  if (!arity.includes(args.length)) throw bad(`${args.length} arguments`);
  if (!(storage instanceof Storage)) throw bad('no storage');
  if (!isIndex(offset) || !indices(shape) || !indices(stride) || shape.length !== stride.length) throw bad('offset, shape or strides');
  if (args.length > 4 && !(hooks instanceof Map && hooks.size === 0)) throw bad('backward hooks');
  return new TensorRef(storage, offset, [...shape], [...stride]);
}

export interface TorchPickle {
  globals: Record<string, GlobalSpec>;
  persistentLoad: (pid: PyValue) => Storage;
  refusedFix: string;
  /** Every storage referenced so far, by key. */
  storages: Map<string, Storage>;
}

/**
 * The unpickler's options for a PyTorch pickle: the allowed globals, and the persistent-id loader that
 * turns ('storage', type, key, location, numel[, view]) into a Storage whose bytes come from `read(key)`.
 */
export function torchPickle(source: string, read: (key: string) => Uint8Array): TorchPickle {
  const globals: Record<string, GlobalSpec> = {
    // `build` receives the dict's attributes: `_metadata`, PyTorch's per-module version numbers, not weights.
    'collections.OrderedDict': {
      call: (args) => {
        if (args.length) throw userError(source, 'an OrderedDict is built from arguments', CORRUPT);
        return new Map();
      },
      build: () => undefined,
    },
    'torch._utils._rebuild_tensor_v2': { call: (args) => rebuild(source, args, [6, 7]) },
    'torch._utils._rebuild_tensor': { call: (args) => rebuild(source, args, [4]) },
    ...Object.fromEntries(Object.keys(STORAGE_DTYPES).map((k) => [k, {}])),
  };
  const storages = new Map<string, Storage>();
  const persistentLoad = (pid: PyValue): Storage => {
    const bad = (what: string): Error => userError(source, `a storage reference is malformed (${what})`, CORRUPT);
    if (!Array.isArray(pid) || pid[0] !== 'storage') throw bad('not a storage');
    const [, type, key, , numel, view] = pid;
    const dtype = type instanceof PyGlobal ? STORAGE_DTYPES[type.name] : undefined;
    if (!dtype) throw bad('no storage type');
    if (typeof key !== 'string' || !isIndex(numel ?? null)) throw bad('key or size');
    if (pid.length > 5 && view !== null) {
      throw userError(source, `storage ${key} is a view of another storage, written by PyTorch before 0.4`, 'load it in a newer PyTorch and save it again with torch.save');
    }
    let s = storages.get(key);
    if (!s) storages.set(key, (s = new Storage(source, key, dtype, numel as number, () => read(key))));
    if (s.dtype !== dtype || s.numel !== numel) throw bad(`storage ${key} is referenced with two types or sizes`);
    return s;
  };
  const refusedFix = 'if you trust the file, load it in Python and save its weights alone with torch.save(model.state_dict(), "weights.pth")';
  return { globals, persistentLoad, refusedFix, storages };
}
