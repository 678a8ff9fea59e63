// A PyTorch tensor (a storage window with strides) as a safetensors entry: C-ordered bytes. A
// contiguous tensor is a view of its storage; a strided one (a transpose, a slice, one of several
// tensors sharing a storage) is gathered row by row, after checking that every element it reaches
// lies inside the storage.

import { userError } from '../errors.js';
import { numel } from '../graph/tensor.js';
import { ITEMSIZE, type Entry } from '../safetensors/entry.js';
import type { TensorRef } from './torch_globals.js';

/** Whether the strides are those of a C-ordered tensor (dimensions of size 1 may have any stride). */
function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/** The tensor's elements in C order; `name` is the tensor's key, for errors. */
export function tensorEntry(t: TensorRef, name: string): Entry {
  const { storage, offset, shape, stride } = t;
  const n = numel(shape);
  const size = ITEMSIZE[storage.dtype];
  const last = shape.reduce((m, d, i) => m + (d - 1) * stride[i]!, offset);
  if (n > 0 && last >= storage.numel) {
    throw userError(storage.source, `tensor ${name} reaches element ${last} of its ${storage.numel}-element storage ${storage.key}`, 'the file is truncated or damaged: copy or download it again');
  }
  const src = storage.bytes();
  if (n === 0) return { dtype: storage.dtype, shape: [...shape], data: new Uint8Array(0) };
  if (isContiguous(shape, stride)) return { dtype: storage.dtype, shape: [...shape], data: src.subarray(offset * size, (offset + n) * size) };

  const out = new Uint8Array(n * size);
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const innerStride = stride[rank - 1]!;
  const index = new Array<number>(rank - 1).fill(0);
  let base = offset;
  for (let row = 0, at = 0; row < n / inner; row++) {
    if (innerStride === 1) {
      out.set(src.subarray(base * size, (base + inner) * size), at);
      at += inner * size;
    } else {
      for (let i = 0; i < inner; i++, at += size) out.set(src.subarray((base + i * innerStride) * size, (base + i * innerStride + 1) * size), at);
    }
    // Odometer over the outer dimensions.
    for (let d = rank - 2; d >= 0; d--) {
      base += stride[d]!;
      if (++index[d]! < shape[d]!) break;
      base -= shape[d]! * stride[d]!;
      index[d] = 0;
    }
  }
  return { dtype: storage.dtype, shape: [...shape], data: out };
}
