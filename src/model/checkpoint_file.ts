// OAENet checkpoints as files, for Node: written atomically, loaded with every key and shape checked
// first. A model file is safetensors or a PyTorch .pth (the original project's checkpoints), told apart
// by content. Kept apart from the entries themselves so that the browser, which loads fetched bytes,
// never imports node:fs.

import { readFile } from 'node:fs/promises';
import { reason, userError } from '../errors.js';
import { parseWeights } from '../pth/weights.js';
import type { Safetensors } from '../safetensors/format.js';
import { writeFileAtomic } from '../safetensors/file.js';
import type { LoadOptions } from '../safetensors/tensors.js';
import type { Module } from '../nn/module.js';
import { checkpointBytes, loadStateEntries } from './checkpoint.js';

export async function saveCheckpoint(model: Module, path: string, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, await checkpointBytes(model, metadata));
}

/** A model file's entries and metadata: safetensors, or a .pth's state dict with `module.` removed. */
export async function readModelFile(path: string): Promise<Safetensors> {
  const bytes = await readFile(path).catch((e: unknown) => {
    throw userError(path, `cannot read the file (${reason(e)})`, 'check the path and its permissions');
  });
  return parseWeights(bytes, path);
}

export async function loadCheckpoint(model: Module, path: string, opts: Omit<LoadOptions, 'source'> = {}): Promise<Record<string, string>> {
  const { entries, metadata } = await readModelFile(path);
  loadStateEntries(model, entries, { ...opts, source: path });
  return metadata;
}
