// --images DIR: every face of every photo in a folder (not its subfolders), one JSON line per photo on
// stdout (or CSV rows), progress on stderr. A file that cannot be read is a warning and the rest go on;
// a photo without a face is listed with none. Pictures go to --out, one per photo with a face.

import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { UserError, reason, userError } from '../../errors.js';
import type { BgrImage } from '../../face/image.js';
import type { OAENet } from '../../model/oaenet.js';
import { readPhoto } from './photo.js';
import { detectedFaces, loadFaceFinder } from './photo_faces.js';
import { predictPhoto, type PhotoPredictionOptions } from './photo_prediction.js';
import { CSV_HEADER, csvRows } from './prediction_csv.js';
import type { PhotoFlags } from './predict_image.js';

const PHOTO_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff']);

/** The photos directly in `dir`, by name. */
async function photosIn(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((e: unknown) => {
    throw userError(dir, `cannot list the folder (${reason(e)})`, 'pass --images DIR, a folder of photos (or --image FILE for one)');
  });
  const names = entries.filter((e) => (e.isFile() || e.isSymbolicLink()) && PHOTO_EXTENSIONS.has(extname(e.name).toLowerCase())).map((e) => e.name);
  if (names.length === 0) throw userError(dir, 'holds no PNG, JPEG, WebP or TIFF photos (subfolders are not searched)', 'pass the folder that holds the photos');
  return names.sort().map((n) => join(dir, n));
}

/** A progress line on stderr: rewritten in place on a terminal; into a log, one every 10 s. */
function stderrStatus(): { show(line: string): void; clear(): void } {
  const tty = process.stderr.isTTY;
  let last = -Infinity;
  return {
    show(line) {
      if (tty) process.stderr.write('\r\x1b[2K' + line);
      else if (performance.now() - last > 10_000) {
        last = performance.now();
        process.stderr.write(line + '\n');
      }
    },
    clear() {
      if (tty) process.stderr.write('\r\x1b[2K');
    },
  };
}

export interface PredictFolderOptions extends PhotoPredictionOptions, PhotoFlags {
  dir: string;
}

/** Lists the photos (no GPU yet); the predictions then run on a model. */
export async function folderPrediction(opts: PredictFolderOptions): Promise<(model: OAENet) => Promise<void>> {
  const files = await photosIn(opts.dir);
  return (model) => predictAll(model, files, opts);
}

async function predictAll(model: OAENet, files: string[], opts: PredictFolderOptions): Promise<void> {
  const status = stderrStatus();
  const warn = (line: string): void => {
    status.clear();
    console.warn(`warning: ${line}`);
  };
  const finder = await loadFaceFinder();
  let [unreadable, faceless, faces] = [0, 0, 0];
  try {
    if (opts.format === 'csv') console.log(CSV_HEADER);
    for (const [i, file] of files.entries()) {
      status.show(`[${i + 1}/${files.length}] ${file}`);
      let img: BgrImage;
      try {
        img = await readPhoto(file);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        warn(`${e.message} (skipped)`);
        unreadable++;
        continue;
      }
      const found = await detectedFaces(finder, img, opts.minScore, (line) => warn(`${file}: ${line}`));
      const record = await predictPhoto(model, file, img, found, opts);
      faces += found.length;
      if (found.length === 0) faceless++;
      console.log(opts.format === 'csv' ? csvRows(record).join('\n') : JSON.stringify(record));
    }
  } finally {
    status.clear();
    finder.dispose();
  }
  const read = files.length - unreadable;
  if (read === 0) throw userError(opts.dir, `none of its ${files.length} photos could be read`, 'see the warnings above');
  const notes = [`${faceless} without a face scoring ${opts.minScore} or more`, ...(unreadable ? [`${unreadable} unreadable, skipped`] : [])];
  console.warn(`${faces} face${faces === 1 ? '' : 's'} predicted in ${read} photo${read === 1 ? '' : 's'} (${notes.join(', ')})${opts.out !== undefined ? `; pictures in ${opts.out}` : ''}`);
}
