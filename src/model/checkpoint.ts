// OAENet weights as safetensors under the official PyTorch state-dict names (every parameter and BatchNorm
// buffer; `num_batches_tracked` as I64 0-d, as PyTorch writes it). Importing skips the official model's
// unused ImageNet ResNet-18 (`attention_branch.base_model.*`) and a training checkpoint's momentum
// (`optim.*`); any other mismatch (a missing or unexpected key, a wrong shape, an integer dtype for a
// float tensor, a NaN or infinite value) is a one-line error naming the key, raised before anything is
// written.

import { FLOAT_DTYPES, toFloat32, toFloat64, type DType, type Entry } from '../safetensors/entry.js';
import { fail, quote } from '../safetensors/errors.js';
import { serializeSafetensors } from '../safetensors/format.js';
import { loadNamedTensors, namedTensorsToEntries, type LoadOptions } from '../safetensors/tensors.js';
import type { Tensor } from '../graph/tensor.js';
import type { Module } from '../nn/module.js';
import { TrackedBatchNorm2d } from './blocks.js';

/** Registered by the official OAENet but never used by its forward. */
export const IGNORED_PREFIX = 'attention_branch.base_model.';

/** train.js's training checkpoints (last.safetensors) also hold the SGD momentum under this prefix. */
export const OPTIM_PREFIX = 'optim.';

/** Network input sides OAENet runs at: multiples of 16 (the decoders' skips must align) up to the 224 crop the mask is made on. */
export const MIN_IMAGE_SIZE = 32;
export const MAX_IMAGE_SIZE = 224;
export const IMAGE_SIZES = `a multiple of 16 from ${MIN_IMAGE_SIZE} to ${MAX_IMAGE_SIZE}`;

export const isImageSize = (size: unknown): size is number =>
  typeof size === 'number' && Number.isInteger(size) && size % 16 === 0 && size >= MIN_IMAGE_SIZE && size <= MAX_IMAGE_SIZE;

/**
 * The network input size a checkpoint was trained at: best.safetensors records `image_size`; a training
 * checkpoint has it in its loop state. Undefined for weights from elsewhere; an Error when the recorded
 * size is not a network input side (a guess would run the model at a size it never saw).
 */
export function checkpointImageSize(metadata: Record<string, string>): number | undefined {
  let size: unknown;
  if (metadata.image_size !== undefined) size = /^\s*\d+\s*$/.test(metadata.image_size) ? Number(metadata.image_size) : metadata.image_size;
  else {
    try {
      size = (JSON.parse(metadata.state ?? '') as { config?: { imageSize?: unknown } }).config?.imageSize;
    } catch {
      return undefined;
    }
  }
  if (size === undefined || isImageSize(size)) return size;
  throw new Error(`its metadata records image_size ${JSON.stringify(size)}, which is not ${IMAGE_SIZES}`);
}

/** Every submodule by its state-dict prefix ('' for the root), in registration order. */
export function namedModules(root: Module, prefix = ''): Map<string, Module> {
  const out = new Map<string, Module>([[prefix, root]]);
  for (const [name, m] of root.namedChildren()) namedModules(m, `${prefix}${name}.`).forEach((v, k) => out.set(k, v));
  return out;
}

function trackedBatchNorms(model: Module): [string, TrackedBatchNorm2d][] {
  return [...namedModules(model)].filter((e): e is [string, TrackedBatchNorm2d] => e[1] instanceof TrackedBatchNorm2d);
}

/**
 * The model's state as safetensors entries (F32 tensors, and I64 0-d `num_batches_tracked`), plus
 * `extra` named tensors (a training checkpoint's momentum), all read back in one round trip.
 */
export async function stateEntries(model: Module, extra: ReadonlyMap<string, Tensor> = new Map()): Promise<Map<string, Entry>> {
  const dtypes: Record<string, DType> = {};
  for (const [prefix, bn] of trackedBatchNorms(model)) {
    bn.batchesTracked.write([bn.numBatchesTracked]); // the host counter is authoritative
    dtypes[`${prefix}num_batches_tracked`] = 'I64';
  }
  return namedTensorsToEntries(new Map([...model.stateTensors(), ...extra]), { dtypes });
}

/** A checkpoint's bytes: a snapshot taken now, which may be written later. */
export async function checkpointBytes(model: Module, metadata?: Record<string, string>): Promise<Uint8Array> {
  return serializeSafetensors(await stateEntries(model), { format: 'pt', ...metadata });
}

/**
 * Float tensors must come as floats (an I32 entry is damaged bytes or another model, not weights) and
 * hold finite numbers (NaN or ±Inf weights, from a training run that diverged, make every output NaN).
 */
function checkFloatEntries(model: Module, entries: Map<string, Entry>, source: string): void {
  for (const [k, t] of model.stateTensors()) {
    const e = entries.get(k);
    if (!e || t.dtype !== 'f32') continue;
    if (!FLOAT_DTYPES.has(e.dtype)) fail(source, `tensor ${quote(k)} is ${e.dtype}, but it holds floating-point weights`, 'the file is damaged or holds another model: load a checkpoint saved by train.js');
    const v = toFloat32(e);
    const bad = v.findIndex((x) => !Number.isFinite(x));
    if (bad >= 0) fail(source, `tensor ${quote(k)} holds ${v[bad]} at index ${bad}`, 'the training run that wrote it diverged: load an earlier checkpoint, or train again with a lower --lr');
  }
}

/** Loads parsed entries into the model (all checked first); `source` names them in errors. */
export function loadStateEntries(model: Module, entries: Map<string, Entry>, opts: LoadOptions = {}): void {
  const used = new Map([...entries].filter(([k]) => !k.startsWith(IGNORED_PREFIX) && !k.startsWith(OPTIM_PREFIX)));
  checkFloatEntries(model, used, opts.source ?? 'checkpoint');
  loadNamedTensors(used, model.stateTensors(), opts);
  for (const [prefix, bn] of trackedBatchNorms(model)) {
    const e = used.get(`${prefix}num_batches_tracked`);
    if (e) bn.numBatchesTracked = toFloat64(e)[0]!;
  }
  model.stateChanged();
}
