// What every dataset reader returns, and the file-system checks they share (each failure a one-line
// UserError naming the path and the fix).

import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { reason, userError } from '../../errors.js';
import type { LabelTally } from '../labels.js';

export type OfficialSplit = 'train' | 'val' | 'test';

/** Greyscale pixels stored inside a dataset file (FER2013). */
export interface GrayPixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/** What a split or a cache row needs to know about a sample. */
export interface SampleMeta {
  /** The image path, or `<file>:<line>` for pixels stored in a CSV. */
  source: string;
  /** Class index in CLASS_NAMES order. */
  label: number;
  /** Person id for subject-independent splits (CK+ `Sxxx`), null when the dataset has none. */
  subject: string | null;
  /** The dataset's own partition, null when it has none. */
  split: OfficialSplit | null;
}

export interface Sample extends SampleMeta {
  /** An image file, or inline pixels. */
  image: string | GrayPixels;
  /** A 68-point landmark file, inline points [x0, y0, …] in image pixels, or null (detected by the landmark nets when the cache is built). */
  landmarks: string | Float64Array | null;
}

export interface Dataset {
  /** The reader's name (DATASET_NAMES). */
  name: string;
  /** Lines for the user about what was read, e.g. how many samples were left out and why. */
  notes?: string[];
  /** What it was read from (a folder, a list file or a CSV), absolute: names the dataset in messages. */
  path: string;
  /** The folder that sample sources are stored relative to in a cache, absolute. */
  root: string;
  samples: Sample[];
}

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff', '.webp']);
export const isImageFile = (name: string): boolean => IMAGE_EXTENSIONS.has(extname(name).toLowerCase());

/** The `Sxxx` subject of a CK+ file name such as `S005_001_00000011.png`, else null. */
export function ckSubject(file: string): string | null {
  return /^(S\d+)_/.exec(basename(file))?.[1] ?? null;
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isDirectory() ?? false;
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null))?.isFile() ?? false;
}

/** Throws unless `path` is a folder; `fix` says what should be there. */
export async function requireFolder(path: string, fix: string): Promise<void> {
  const s = await stat(path).catch(() => null);
  if (!s) throw userError(path, 'folder not found', fix);
  if (!s.isDirectory()) throw userError(path, 'is not a folder', fix);
}

/** The folder's entry names, sorted (readdir order differs between file systems). */
export async function listFolder(path: string): Promise<string[]> {
  try {
    return (await readdir(path)).sort();
  } catch (e) {
    throw userError(path, `cannot list the folder (${reason(e)})`, 'check the path and its permissions');
  }
}

export async function readText(file: string, fix: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw userError(file, `cannot read the file (${reason(e)})`, fix);
  }
}

/** Non-blank lines with their 1-based line numbers (CRLF tolerated). */
export function numberedLines(text: string): [line: number, text: string][] {
  return text
    .split(/\r?\n/)
    .map((t, i) => [i + 1, t] as [number, string])
    .filter(([, t]) => t.trim() !== '');
}

/** Splits one CSV line; double-quoted fields may hold commas and "" escapes. */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (line[i + 1] === '"') (field += '"'), i++;
      else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(field), (field = '');
    else field += ch;
  }
  out.push(field);
  return out;
}

/** Column index of each required name in a CSV header line. */
export function csvColumns<K extends string>(header: string, names: readonly K[], file: string): Record<K, number> {
  const cols = splitCsvLine(header).map((c) => c.trim());
  const missing = names.filter((n) => !cols.includes(n));
  if (missing.length > 0) throw userError(`${file}:1`, `header lacks column ${missing.join(', ')}`, `the first line must name the columns ${names.join(',')}`);
  return Object.fromEntries(names.map((n) => [n, cols.indexOf(n)])) as Record<K, number>;
}

const SPLIT_FOLDERS: ReadonlyMap<string, OfficialSplit> = new Map([
  ['train', 'train'], ['training', 'train'],
  ['val', 'val'], ['valid', 'val'], ['validation', 'val'], ['publictest', 'val'],
  ['test', 'test'], ['privatetest', 'test'],
]);

/** The official split a folder name stands for (train/, val/, test/, PublicTest/, … in any case), else null. */
const splitOfFolder = (name: string): OfficialSplit | null => SPLIT_FOLDERS.get(name.toLowerCase()) ?? null;

/**
 * `<split>/<class>/<image>` folders (FER2013 and RAF-DB as Kaggle shares them): each image labelled by
 * its class folder through `tally` (whose map names the folders), in the split its split folder names;
 * other top-level folders are not read, an unknown class folder is an error.
 */
export async function readSplitClassFolders(root: string, tally: LabelTally): Promise<Sample[]> {
  const map = tally.map;
  const samples: Sample[] = [];
  for (const name of await listFolder(root)) {
    const split = splitOfFolder(name);
    if (split === null || !(await isDirectory(join(root, name)))) continue;
    for (const cls of await listFolder(join(root, name))) {
      const dir = join(root, name, cls);
      if (cls.startsWith('.') || !(await isDirectory(dir))) continue;
      if (!map.has(cls)) throw userError(dir, `unknown class folder ${JSON.stringify(cls)}`, `name class folders ${[...map.keys()].join(', ')}, or move it out of ${join(root, name)}`);
      for (const file of await listFolder(dir)) {
        if (!isImageFile(file)) continue;
        const image = join(dir, file);
        const label = tally.label(cls, dir);
        if (label !== null) samples.push({ source: image, image, label, subject: null, split, landmarks: null });
      }
    }
  }
  return samples;
}
