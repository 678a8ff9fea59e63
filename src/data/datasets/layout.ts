// What each dataset's folder looks like, checked synchronously with a few directory listings: to tell
// the format of a folder passed without --dataset, and to answer a parent folder (RAF-DB/ for
// RAF-DB/basic/, an unpacked archive for its CK+48/) with "did you mean …".

import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { userError } from '../../errors.js';
import type { LabelMap } from '../labels.js';

export interface Layout {
  /** What the folder should hold, for messages ("the RAF-DB basic folder (EmoLabel/, Image/aligned/)"). */
  what: string;
  matches(path: string): boolean;
}

/** What `path` is; null when it cannot be looked at (missing, or a path through a file). */
function kind(path: string): 'folder' | 'file' | null {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

export const isDirectorySync = (path: string): boolean => kind(path) === 'folder';
export const isFileSync = (path: string): boolean => kind(path) === 'file';

/** Visible entries of a folder, sorted; none when it cannot be listed. */
function entries(path: string): string[] {
  try {
    return readdirSync(path).filter((n) => !n.startsWith('.')).sort();
  } catch {
    return [];
  }
}

const subfolders = (path: string): string[] => entries(path).filter((n) => isDirectorySync(join(path, n)));

/**
 * Whether `path` holds class folders named by `map` (and no other folder) with images in them, and
 * whether landmark files lie beside those images: 'no', 'images' or 'landmarks'.
 */
export function classFolders(path: string, map: LabelMap): 'no' | 'images' | 'landmarks' {
  const folders = subfolders(path);
  if (folders.length === 0 || folders.some((f) => !map.has(f))) return 'no';
  const files = folders.flatMap((f) => entries(join(path, f)));
  if (!files.some((f) => /\.(png|jpe?g|bmp|tiff?|webp)$/i.test(f))) return 'no';
  return files.some((f) => f.endsWith('_landmarks.txt')) ? 'landmarks' : 'images';
}

/** Whether `path` is a file with one of the extensions (lower case, with the dot). */
export const isFileOfType = (path: string, exts: readonly string[]): boolean => exts.includes(extname(path).toLowerCase()) && isFileSync(path);

/** Folders one or two levels below `root` that match, nearest first (at most `limit` folders looked at). */
export function foldersBelow(root: string, matches: (path: string) => boolean, limit = 400): string[] {
  const found: string[] = [];
  let level = [root];
  let looked = 0;
  for (let depth = 0; depth < 2 && looked < limit; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      for (const name of subfolders(dir)) {
        if (++looked > limit) break;
        const path = join(dir, name);
        if (matches(path)) found.push(path);
        else next.push(path);
      }
    }
    level = next;
  }
  return found;
}

/**
 * Throws "<root>: is not <what>; did you mean <folder>?" when `root` does not match the layout but a
 * folder below it does (a parent folder passed); otherwise returns, and the reader says what is missing.
 */
export function suggestBelow(root: string, layout: Layout): void {
  if (layout.matches(root)) return;
  const below = foldersBelow(root, layout.matches);
  if (below.length === 0) return;
  const others = below.length > 1 ? ` (or ${below.slice(1, 3).join(', ')}${below.length > 3 ? ', …' : ''})` : '';
  throw userError(root, `is not ${layout.what}`, `did you mean ${below[0]}${others}?`);
}

/** "did you mean" for a folder that holds the layout's class folders itself but is one level too deep (FER2013's train/). */
export function suggestAbove(root: string, parent: string, layout: Layout, problem: string): void {
  if (layout.matches(parent)) throw userError(root, problem, `did you mean its parent ${parent} (holding ${basename(root)}/ and the other splits)?`);
}
