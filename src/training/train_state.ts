// A training checkpoint: the model's state (official names), the optimizer's momentum buffers
// (`optim.<name>`), and the loop's position, schedule and history as JSON metadata, in one
// safetensors file written atomically (temp file + rename), so an interrupted write never leaves a
// broken checkpoint and `--resume` continues exactly where training stopped.

import { join } from 'node:path';
import type { Entry } from '../safetensors/entry.js';
import { readSafetensorsFile } from '../safetensors/file.js';
import { serializeSafetensors } from '../safetensors/format.js';
import { entryToTensor } from '../safetensors/tensors.js';
import { OPTIM_PREFIX, loadStateEntries, stateEntries } from '../model/checkpoint.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../graph/tensor.js';
import type { SGD } from './optim/sgd.js';
import { UserError, reason, userError } from '../errors.js';
import { SafetensorsError } from '../safetensors/errors.js';

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valLoss: number;
  valAccuracy: number;
  lr: number;
  /** Per class (null for a class absent from validation, as JSON writes NaN). */
  valRecall: (number | null)[];
  valConfusion: number[][];
}

export interface LoopState {
  /** The next epoch to run (1-based) and the next step inside it (0-based). */
  epoch: number;
  step: number;
  lr: number;
  plateau: { best: number; badEpochs: number };
  bestValAccuracy: number;
  /** Running sums of the epoch in progress (loss·n, hits, n), so a resumed epoch reports the same numbers. */
  partial: { loss: number; hits: number; count: number };
  history: EpochRecord[];
  /** Options the run was started with (a resumed run checks they still match). */
  config: Record<string, unknown>;
}

/** The run folder's training checkpoint, rewritten after every epoch and when a run stops. */
export const lastCheckpointPath = (out: string): string => join(out, 'last.safetensors');

/** The checkpoint's bytes: a snapshot taken now, which may be written later (see WriteBehind). */
export async function trainStateBytes(model: Module, opt: SGD, state: LoopState): Promise<Uint8Array> {
  const names = new Map<Tensor, string>([...model.namedParameters()].map(([k, t]) => [t, k]));
  const momentum = new Map([...opt.state()].map(([param, buf]) => [OPTIM_PREFIX + names.get(param)!, buf]));
  return serializeSafetensors(await stateEntries(model, momentum), { format: 'oaenet-train', state: JSON.stringify(state) });
}

/** A training checkpoint read and checked whole: its tensors and loop state, or a one-line error. */
export async function readTrainCheckpoint(path: string): Promise<{ entries: Map<string, Entry>; state: LoopState }> {
  const { entries, metadata } = await asUserError(path, 'is damaged', () => readSafetensorsFile(path));
  if (metadata.format !== 'oaenet-train' || !metadata.state) {
    throw userError(path, 'is not a training checkpoint of this program', 'pass the last.safetensors of a run to --resume, or start a new run');
  }
  let state: LoopState;
  try {
    state = JSON.parse(metadata.state) as LoopState;
  } catch (e) {
    throw damaged(path, 'is damaged', `its loop state is not JSON: ${reason(e)}`);
  }
  return { entries, state };
}

/** Restores model and optimizer in place; returns the loop state. */
export async function loadTrainState(path: string, model: Module, opt: SGD): Promise<LoopState> {
  const { entries, state } = await readTrainCheckpoint(path);
  const modelEntries = new Map<string, Entry>();
  const optimEntries = new Map<string, Entry>();
  for (const [k, e] of entries) (k.startsWith(OPTIM_PREFIX) ? optimEntries : modelEntries).set(k.startsWith(OPTIM_PREFIX) ? k.slice(OPTIM_PREFIX.length) : k, e);
  await asUserError(path, 'does not fit this model', async () => loadStateEntries(model, modelEntries, { source: path }));
  const params = model.namedParameters();
  const buffers = new Map<Tensor, Tensor>();
  for (const [name, e] of optimEntries) {
    const p = params.get(name);
    if (!p) throw userError(path, `momentum buffer for unknown parameter ${name}`, 'the checkpoint belongs to another model; start a new run');
    buffers.set(p, entryToTensor(e));
  }
  opt.loadState(buffers);
  for (const t of buffers.values()) t.dispose();
  return state;
}

/** A checkpoint that cannot be resumed; the run folder's other files are still the user's. */
const damaged = (path: string, what: string, detail: string): UserError =>
  userError(path, `${what} (${detail})`, 'it cannot be resumed: restore it from a copy, or start the run again in another --out');

/** Runs `fn`, turning a SafetensorsError (`<path>: <problem>; <fix>`) into `damaged` with its problem. */
async function asUserError<T>(path: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (!(e instanceof SafetensorsError)) throw e;
    throw damaged(path, what, e.message.replace(`${path}: `, '').split('; ')[0]!);
  }
}
