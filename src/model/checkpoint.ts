// OAENet weights as safetensors under the official PyTorch state-dict names (every parameter and BatchNorm
// buffer; `num_batches_tracked` as I64 0-d, as PyTorch writes it). Importing skips the official model's
// unused ImageNet ResNet-18 (`attention_branch.base_model.*`) and a training checkpoint's momentum
// (`optim.*`); any other mismatch (a missing or unexpected
// key, a wrong shape) is a one-line error naming the key, raised before anything is written.

import { toFloat64, type DType, type Entry } from '../safetensors/entry.js';
import { serializeSafetensors } from '../safetensors/format.js';
import { loadNamedTensors, namedTensorsToEntries, type LoadOptions } from '../safetensors/tensors.js';
import type { Tensor } from '../graph/tensor.js';
import type { Module } from '../nn/module.js';
import { TrackedBatchNorm2d } from './blocks.js';

/** Registered by the official OAENet but never used by its forward. */
export const IGNORED_PREFIX = 'attention_branch.base_model.';

/** train.js's training checkpoints (last.safetensors) also hold the SGD momentum under this prefix. */
export const OPTIM_PREFIX = 'optim.';

/**
 * The network input size a checkpoint was trained at: best.safetensors records `image_size`; a training
 * checkpoint has it in its loop state. Undefined for weights from elsewhere.
 */
export function checkpointImageSize(metadata: Record<string, string>): number | undefined {
  if (metadata.image_size) return Number(metadata.image_size) || undefined;
  try {
    const size = (JSON.parse(metadata.state ?? '') as { config?: { imageSize?: unknown } }).config?.imageSize;
    return typeof size === 'number' ? size : undefined;
  } catch {
    return undefined;
  }
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

/** Loads parsed entries into the model (all checked first); `source` names them in errors. */
export function loadStateEntries(model: Module, entries: Map<string, Entry>, opts: LoadOptions = {}): void {
  const used = new Map([...entries].filter(([k]) => !k.startsWith(IGNORED_PREFIX) && !k.startsWith(OPTIM_PREFIX)));
  loadNamedTensors(used, model.stateTensors(), opts);
  for (const [prefix, bn] of trackedBatchNorms(model)) {
    const e = used.get(`${prefix}num_batches_tracked`);
    if (e) bn.numBatchesTracked = toFloat64(e)[0]!;
  }
  model.stateChanged();
}
