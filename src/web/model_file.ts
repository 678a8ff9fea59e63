// A model file as the app shows and runs it: what its metadata records (input size, validation
// accuracy), whether that accuracy is near chance, and the eval-mode OAENet built from it.

import { reason, userError } from '../errors.js';
import { FACE_SIZE } from '../face/geometry.js';
import { CLASS_NAMES } from '../data/labels.js';
import { checkpointImageSize, loadStateEntries } from '../model/checkpoint.js';
import { OAENet } from '../model/oaenet.js';
import { parseWeights } from '../pth/weights.js';
import type { Safetensors } from '../safetensors/format.js';

export interface ModelInfo {
  /** The file name, or the last part of its address. */
  name: string;
  /** Where it came from, for the user: "shipped with the app", "file", an address, "fine-tuned here". */
  origin: string;
  inputSize: number;
  /** Validation accuracy recorded by train.js (or the page's fine-tuning), null when none is. */
  valAccuracy: number | null;
  /** Faces that accuracy was measured on, when recorded. */
  valCount: number | null;
}

/** Guessing among the 7 classes is right 1 time in 7; below this accuracy a model's answers mean little. */
export const NEAR_CHANCE = 0.3;

export const isNearChance = (info: ModelInfo): boolean => info.valAccuracy !== null && info.valAccuracy < NEAR_CHANCE;

/** The plain warning for a model near chance, else null. */
export function chanceWarning(info: ModelInfo): string | null {
  if (!isNearChance(info)) return null;
  const chance = (100 / CLASS_NAMES.length).toFixed(0);
  return (
    `This model is near chance: ${(100 * info.valAccuracy!).toFixed(1)}% validation accuracy, where guessing gets ${chance}%. ` +
    'Its expressions are not meaningful; load a trained model (e.g. best.safetensors of a train.js run on CK+).'
  );
}

/** train.js records val_accuracy in best.safetensors; its last.safetensors has it in the loop state's history. */
function recordedAccuracy(metadata: Record<string, string>): { valAccuracy: number | null; valCount: number | null } {
  const count = Number(metadata.val_count);
  const valCount = Number.isInteger(count) && count > 0 ? count : null;
  const direct = Number(metadata.val_accuracy);
  if (metadata.val_accuracy !== undefined && Number.isFinite(direct)) return { valAccuracy: direct, valCount };
  try {
    const history = (JSON.parse(metadata.state ?? '') as { history?: { valAccuracy?: unknown }[] }).history ?? [];
    const last = history.at(-1)?.valAccuracy;
    return { valAccuracy: typeof last === 'number' ? last : null, valCount };
  } catch {
    return { valAccuracy: null, valCount };
  }
}

export interface ModelFile {
  info: ModelInfo;
  bytes: Uint8Array;
  parsed: Safetensors;
}

/** Parses a model file; every problem is one line naming it. */
export function readModelFile(bytes: Uint8Array, name: string, origin: string): ModelFile {
  const parsed = parseWeights(bytes, name);
  let size: number;
  try {
    size = checkpointImageSize(parsed.metadata) ?? FACE_SIZE;
  } catch (e) {
    throw userError(name, reason(e).replace(/^its metadata /, ''), 'fix its metadata or re-export it from train.js');
  }
  return { info: { name, origin, inputSize: size, ...recordedAccuracy(parsed.metadata) }, bytes, parsed };
}

/** The eval-mode network of a model file (its weights checked against OAENet's names and shapes). */
export function buildModel(file: ModelFile): OAENet {
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: file.info.inputSize });
  try {
    loadStateEntries(model, file.parsed.entries, { source: file.info.name });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model.eval();
}
