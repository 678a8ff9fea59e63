// The zip container of a PyTorch checkpoint (torch.save since 1.6): the central directory read from
// the end, every entry stored uncompressed (PyTorch never compresses, so tensor data can be mapped in
// place) and checked against its CRC-32 when read. Sizes come from the central directory because
// PyTorch's local headers leave them zero (data descriptors follow the data). Pure bytes in, bytes
// out: no node:fs, so the browser reads the same files.

import { userError } from '../errors.js';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** A 32-bit size or offset saturated to this moves to a ZIP64 record (archives over 4 GiB). */
const ZIP64_MARK = 0xffffffff;

const CORRUPT = 'the file is truncated or damaged: copy or download it again';

export interface ZipArchive {
  /** Entry names in central-directory order. */
  readonly names: string[];
  /** The entry's bytes (a view into the archive), after its CRC-32 is checked. */
  read(name: string): Uint8Array;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The zip (IEEE) CRC-32 of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** True when the bytes start like a zip archive (a local file header). */
export const isZip = (bytes: Uint8Array): boolean => bytes.length >= 4 && new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true) === LOCAL;

interface Item {
  crc: number;
  size: number;
  method: number;
  local: number;
}

export function readZip(bytes: Uint8Array, source: string): ZipArchive {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => dv.getUint32(at, true);
  const u16 = (at: number): number => dv.getUint16(at, true);
  // The end record is 22 bytes plus a comment of up to 65535 bytes.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (u32(at) === EOCD) {
      end = at;
      break;
    }
  }
  if (end < 0) throw userError(source, 'a zip archive without its central directory (end record missing)', CORRUPT);
  const count = u16(end + 10);
  const dirSize = u32(end + 12);
  const dirAt = u32(end + 16);
  if (count === 0xffff || dirSize === ZIP64_MARK || dirAt === ZIP64_MARK) throw tooLarge(source);
  if (dirAt + dirSize > end) throw userError(source, `the central directory (${dirSize} bytes at ${dirAt}) runs past its end record`, CORRUPT);

  const items = new Map<string, Item>();
  const names: string[] = [];
  const utf8 = new TextDecoder();
  let at = dirAt;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || u32(at) !== CENTRAL) throw userError(source, `central directory entry ${i} of ${count} is malformed`, CORRUPT);
    const nameLength = u16(at + 28);
    const name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLength));
    const item = { method: u16(at + 10), crc: u32(at + 16), size: u32(at + 20), local: u32(at + 42) };
    const unpacked = u32(at + 24);
    if (unpacked === ZIP64_MARK || item.size === ZIP64_MARK || item.local === ZIP64_MARK) throw tooLarge(source);
    if (item.method === 0 && unpacked !== item.size) throw userError(source, `entry ${name} stores ${item.size} bytes but says it holds ${unpacked}`, CORRUPT);
    items.set(name, item);
    names.push(name);
    at += 46 + nameLength + u16(at + 30) + u16(at + 32);
  }

  return {
    names,
    read(name: string): Uint8Array {
      const item = items.get(name);
      if (!item) throw userError(source, `the archive has no entry ${name}`, CORRUPT);
      if (item.method !== 0) {
        throw userError(source, `entry ${name} is compressed (zip method ${item.method}); PyTorch stores entries uncompressed`, 'pass the file torch.save wrote, not a re-zipped copy');
      }
      if (item.local + 30 > bytes.length || u32(item.local) !== LOCAL) throw userError(source, `entry ${name} has no local header at byte ${item.local}`, CORRUPT);
      const start = item.local + 30 + u16(item.local + 26) + u16(item.local + 28);
      if (start + item.size > bytes.length) throw userError(source, `entry ${name} (${item.size} bytes at ${start}) runs past the end of the ${bytes.length}-byte file`, CORRUPT);
      const data = bytes.subarray(start, start + item.size);
      if (crc32(data) !== item.crc) throw userError(source, `entry ${name} fails its CRC-32 check`, CORRUPT);
      return data;
    },
  };
}

const tooLarge = (source: string): Error =>
  userError(source, 'a ZIP64 archive (over 4 GiB or 65535 entries), which this reader does not handle', 'save the weights alone (torch.save(model.state_dict(), path)) or convert them to safetensors in Python');
