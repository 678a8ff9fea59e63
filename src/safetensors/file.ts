// Safetensors files on disk (Node only): reading, atomic writing (temp file + fsync + rename), and
// named tensors loaded from or saved to a file.

import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Entry } from './entry.js';
import { fail } from './errors.js';
import { parseSafetensors, serializeSafetensors, type Safetensors } from './format.js';
import { loadNamedTensors, namedTensorsToEntries, type LoadOptions, type NamedTensors, type SaveOptions } from './tensors.js';

export async function readSafetensorsFile(path: string): Promise<Safetensors> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    fail(path, `cannot read the file (${(e as Error).message})`, 'check the path and its permissions');
  }
  return parseSafetensors(bytes, path);
}

let tmpCounter = 0;

/**
 * Writes atomically: a temporary file in the same folder is written, fsynced and renamed over
 * `path`, so readers see the old file or the complete new one, never a partial one.
 */
export async function writeSafetensorsFile(path: string, entries: Map<string, Entry> | Record<string, Entry>, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(entries, metadata));
}

/** Writes a temp file beside `path`, syncs it and renames it over `path`: readers see the old or the new file, never a part. */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${tmpCounter++}.tmp`);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const full = ['ENOSPC', 'EDQUOT'].includes((e as NodeJS.ErrnoException).code ?? '');
    fail(path, `cannot write the file (${(e as Error).message})`, full ? `free space on the disk of ${dir}` : `check that the folder ${dir} exists and is writable and that the path is not a folder`);
  }
  // Persist the rename itself; some platforms cannot fsync a folder, which only weakens durability.
  try {
    const d = await open(dir, 'r');
    await d.sync().finally(() => d.close());
  } catch {
    /* best effort */
  }
}

export async function loadTensorsFile(path: string, targets: NamedTensors, opts: Omit<LoadOptions, 'source'> = {}): Promise<Record<string, string>> {
  const { entries, metadata } = await readSafetensorsFile(path);
  loadNamedTensors(entries, targets, { ...opts, source: path });
  return metadata;
}

export async function saveTensorsFile(path: string, named: NamedTensors, opts: SaveOptions & { metadata?: Record<string, string> } = {}): Promise<void> {
  await writeSafetensorsFile(path, await namedTensorsToEntries(named, opts), opts.metadata);
}
