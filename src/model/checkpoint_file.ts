// OAENet checkpoints as files, for Node: written atomically, loaded with every key and shape checked
// first. Kept apart from the entries themselves so that the browser, which loads fetched bytes,
// never imports node:fs.

import { readSafetensorsFile, writeFileAtomic } from '../safetensors/file.js';
import type { LoadOptions } from '../safetensors/tensors.js';
import type { Module } from '../nn/module.js';
import { checkpointBytes, loadStateEntries } from './checkpoint.js';

export async function saveCheckpoint(model: Module, path: string, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, await checkpointBytes(model, metadata));
}

export async function loadCheckpoint(model: Module, path: string, opts: Omit<LoadOptions, 'source'> = {}): Promise<Record<string, string>> {
  const { entries, metadata } = await readSafetensorsFile(path);
  loadStateEntries(model, entries, { ...opts, source: path });
  return metadata;
}
