// Files the user hands the app (picked, dropped, or a whole folder): photos paired with their 68-point
// landmark files (<stem>_landmarks.txt, as CK+ ships them), and dropped folders walked for their files.

import { reason, userError } from '../errors.js';
import { parseLandmarks } from '../face/landmarks.js';

export interface PhotoFile {
  image: File;
  /** <stem>_landmarks.txt handed in with it, if any. */
  landmarks: File | null;
  /** Where it was found, relative to what was dropped or picked ("happy/S010_006.png"). */
  path: string;
}

const IMAGE = /\.(png|jpe?g|webp|bmp|gif)$/i;
const LANDMARKS = /_landmarks\.txt$/i;

export const isModelFile = (f: File): boolean => /\.safetensors$/i.test(f.name);

const stem = (path: string): string => path.replace(/\.[^./]+$/, '');

/** Each image with its landmark file; files that are neither are left out (named in `ignored`). */
export function pairPhotos(files: readonly { file: File; path: string }[]): { photos: PhotoFile[]; ignored: string[] } {
  const marks = new Map(files.filter((f) => LANDMARKS.test(f.path)).map((f) => [f.path.replace(LANDMARKS, ''), f.file]));
  const photos = files.filter((f) => IMAGE.test(f.path)).map((f) => ({ image: f.file, landmarks: marks.get(stem(f.path)) ?? null, path: f.path }));
  const ignored = files.filter((f) => !IMAGE.test(f.path) && !LANDMARKS.test(f.path)).map((f) => f.path);
  return { photos: photos.sort((a, b) => a.path.localeCompare(b.path)), ignored };
}

/** A picked FileList (webkitRelativePath is set when a folder was picked). */
export const pickedFiles = (list: FileList): { file: File; path: string }[] => Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name }));

/** Every file under dropped items, folders walked, with paths relative to the drop. */
export async function droppedFiles(items: DataTransferItemList): Promise<{ file: File; path: string }[]> {
  const out: { file: File; path: string }[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
      out.push({ file, path: prefix + entry.name });
      return;
    }
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    // readEntries returns the listing in batches until an empty one.
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
    }
  };
  // Read every item before the first await: the list empties once the drop event's task ends.
  const taken = Array.from(items, (i) => ({ entry: i.webkitGetAsEntry(), file: i.getAsFile() }));
  for (const { entry, file } of taken) {
    if (entry) await walk(entry, '');
    else if (file) out.push({ file, path: file.name }); // items made by script have no entry
  }
  return out;
}

/** A landmark file's 68 points; a malformed one is one line naming it. */
export async function readLandmarkFile(file: File): Promise<Float64Array> {
  try {
    return parseLandmarks(await file.text(), file.name);
  } catch (e) {
    // The parser's message starts with the file name (and a line number): keep what follows.
    const detail = reason(e).slice(file.name.length).replace(/^:(\d+):/, 'line $1:').replace(/^:\s*/, '').trim();
    throw userError(file.name, `is not a 68-point landmark file (${detail})`, 'give 68 lines "x y" in iBUG order, or leave it out to detect the face');
  }
}
