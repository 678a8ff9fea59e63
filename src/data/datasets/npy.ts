// NumPy's .npy files (format 1.0–3.0), as AffectNet's newer release stores each image's expression
// (`<n>_exp.npy`) and landmarks (`<n>_lnd.npy`): a magic string, a Python-literal header naming the
// dtype, order and shape, then the raw values. Numbers and fixed-width strings; no pickled objects.

import { readFile } from 'node:fs/promises';
import { reason, userError } from '../../errors.js';

export interface NpyArray {
  shape: number[];
  /** The values in C (row-major) order. */
  data: number[] | string[];
}

const MAGIC = '\x93NUMPY';

export async function readNpy(file: string, fix: string): Promise<NpyArray> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw userError(file, `cannot read the file (${reason(e)})`, fix);
  }
  try {
    return parseNpy(bytes);
  } catch (e) {
    throw userError(file, `is not a readable .npy file (${reason(e)})`, fix);
  }
}

/** Parses the bytes of a .npy file; throws a plain Error saying what is wrong. */
export function parseNpy(bytes: Uint8Array): NpyArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 10 || String.fromCharCode(...bytes.subarray(0, 6)) !== MAGIC) throw new Error('no .npy magic');
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new Error(`format version ${major} is not 1, 2 or 3`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLength > bytes.length) throw new Error('the header runs past the end');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`header ${JSON.stringify(header.trim())} lacks a simple descr, fortran_order or shape`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new Error(`bad shape (${shapeText})`);
  const count = shape.reduce((a, b) => a * b, 1);
  const m = /^([<>|=])([biufUS])(\d+)$/.exec(descr);
  if (!m) throw new Error(`dtype ${descr} is not a number or fixed-width string type`);
  const [, order, kind, sizeText] = m as unknown as [string, string, string, string];
  const little = order !== '>';
  const size = Number(sizeText);
  const width = kind === 'U' ? 4 * size : size;
  const at = start + headerLength;
  if (at + count * width > bytes.length) throw new Error(`${count} values of ${descr} run past the end`);
  const read = valueReader(view, kind, size, little, descr);
  const flat = Array.from({ length: count }, (_, i) => read(at + i * width));
  const data = (fortran === 'True' ? fromFortran(flat, shape) : flat) as number[] | string[];
  return { shape, data };
}

function valueReader(view: DataView, kind: string, size: number, little: boolean, descr: string): (at: number) => number | string {
  const numbers: Record<string, ((at: number) => number) | undefined> = {
    b1: (at) => view.getUint8(at),
    i1: (at) => view.getInt8(at),
    u1: (at) => view.getUint8(at),
    i2: (at) => view.getInt16(at, little),
    u2: (at) => view.getUint16(at, little),
    i4: (at) => view.getInt32(at, little),
    u4: (at) => view.getUint32(at, little),
    i8: (at) => Number(view.getBigInt64(at, little)),
    u8: (at) => Number(view.getBigUint64(at, little)),
    f4: (at) => view.getFloat32(at, little),
    f8: (at) => view.getFloat64(at, little),
  };
  if (kind === 'S' || kind === 'U') {
    // Fixed width, padded with NULs; U is UTF-32.
    return (at) => {
      let s = '';
      for (let k = 0; k < size; k++) {
        const c = kind === 'S' ? view.getUint8(at + k) : view.getUint32(at + 4 * k, little);
        if (c === 0) break;
        s += String.fromCodePoint(c);
      }
      return s;
    };
  }
  const read = numbers[`${kind}${size}`];
  if (!read) throw new Error(`dtype ${descr} is not supported`);
  return read;
}

/** Column-major values reordered to row-major. */
function fromFortran<T>(values: readonly T[], shape: readonly number[]): T[] {
  const out = new Array<T>(values.length);
  for (let c = 0; c < values.length; c++) {
    // Row-major index c → multi-index → column-major offset.
    let rest = c, f = 0, stride = 1;
    const idx = new Array<number>(shape.length);
    for (let d = shape.length - 1; d >= 0; d--) (idx[d] = rest % shape[d]!), (rest = Math.floor(rest / shape[d]!));
    for (let d = 0; d < shape.length; d++) (f += idx[d]! * stride), (stride *= shape[d]!);
    out[c] = values[f]!;
  }
  return out;
}
