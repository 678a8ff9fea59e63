// The format of torch.save before PyTorch 1.6 (and with _use_new_zipfile_serialization=False): five
// pickles in a row — a magic number, the format version (1001), the writer's byte order and type
// sizes, the object itself, and the list of storage keys — then each storage in that order as an
// int64 element count followed by its raw bytes.

import { userError } from '../errors.js';
import { ITEMSIZE } from '../safetensors/entry.js';
import { unpickle, type PyValue, type UnpickleOptions } from './pickle.js';
import { torchPickle } from './torch_globals.js';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const VERSION = 1001;
/** The first pickle as torch.save writes it: PROTO 2, LONG1 of 10 bytes holding MAGIC. */
const HEAD = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];
const CORRUPT = 'the file is truncated or damaged: copy or download it again';

export const isLegacyPth = (bytes: Uint8Array): boolean => bytes.length >= HEAD.length && HEAD.every((b, i) => bytes[i] === b);

/** The unpickled top-level object of a legacy-format .pth. */
export function readLegacyCheckpoint(bytes: Uint8Array, source: string): PyValue {
  const data = new Map<string, Uint8Array>();
  const torch = torchPickle(source, (key) => {
    const d = data.get(key);
    if (!d) throw userError(source, `storage ${key} is missing from the data section`, CORRUPT);
    return d;
  });
  // The header pickles hold numbers, strings and dicts only: no global is allowed in them.
  const plain: UnpickleOptions = {
    source,
    globals: {},
    persistentLoad: () => {
      throw userError(source, 'a header pickle refers to tensor data', CORRUPT);
    },
    refusedFix: torch.refusedFix,
  };
  let at = 0;
  const next = (opts: UnpickleOptions): PyValue => {
    const r = unpickle(bytes, at, opts);
    at = r.end;
    return r.value;
  };
  if (next(plain) !== MAGIC) throw userError(source, 'not a PyTorch checkpoint (wrong magic number)', 'pass a file written by torch.save');
  const version = next(plain);
  if (version !== VERSION) throw userError(source, `legacy format version ${String(version)}, not ${VERSION}`, 'load it in PyTorch and save it again with torch.save');
  const info = next(plain);
  if (!(info instanceof Map) || info.get('little_endian') !== true) throw userError(source, 'its tensors are stored big-endian', 'save it on a little-endian machine (x86, ARM)');
  const root = next({ source, ...torch });
  const keys = next(plain);
  if (!Array.isArray(keys) || !keys.every((k) => typeof k === 'string')) throw userError(source, 'the list of storage keys is malformed', CORRUPT);

  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const key of keys) {
    const storage = torch.storages.get(key);
    if (!storage) throw userError(source, `the data section holds storage ${key}, which no tensor uses`, CORRUPT);
    if (at + 8 > bytes.length) throw userError(source, `the data section ends before storage ${key}`, CORRUPT);
    const count = Number(dv.getBigInt64(at, true));
    const end = at + 8 + count * ITEMSIZE[storage.dtype];
    if (count < 0 || end > bytes.length) throw userError(source, `storage ${key} (${count} elements) runs past the end of the file`, CORRUPT);
    data.set(key, bytes.subarray(at + 8, end));
    at = end;
  }
  return root;
}
