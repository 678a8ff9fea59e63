// 68-point landmark files ("x y" per line, CK+ style), finding the file that belongs to an image, and
// whether 68 points can be a face of an image at all. Parsing is strict: a file that is not exactly 68
// pairs of finite numbers is an Error naming the file and line, because a silently wrong landmark moves
// the crop and the mask. Node modules are imported on use, so browsers can bundle the parser.

import { alignment, cropBox, transformPoints } from './align.js';
import { LANDMARKS } from './geometry.js';

/** The smallest face crop aligned: below it the crop is a smear (and at 0 px there is none). */
export const MIN_FACE_CROP = 8;

/** Parses 68 lines of "x y" into [x0, y0, x1, y1, …] (float64). Blank lines are ignored. */
export function parseLandmarks(text: string, file = 'landmarks'): Float64Array {
  const out = new Float64Array(LANDMARKS * 2);
  let n = 0;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    const parts = t.split(/[\s,]+/);
    const where = `${file}:${i + 1}`;
    if (parts.length !== 2) throw new Error(`${where}: expected "x y", got ${JSON.stringify(t.slice(0, 60))}`);
    if (n === LANDMARKS) throw new Error(`${where}: more than ${LANDMARKS} landmarks`);
    for (const [k, s] of parts.entries()) {
      // Number() accepts '', 'Infinity', hex and binary: demand a plain decimal literal.
      const v = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
      if (!Number.isFinite(v)) throw new Error(`${where}: ${JSON.stringify(s)} is not a finite number`);
      out[2 * n + k] = v;
    }
    n++;
  });
  if (n !== LANDMARKS) throw new Error(`${file}: ${n} landmarks, expected ${LANDMARKS}`);
  return out;
}

/**
 * Why 68 points cannot be a face of a width × height image, or null: most of them outside the image
 * (the crop would be black), or a crop below MIN_FACE_CROP pixels (the points all in one place, e.g. a
 * file of zeros, or the mouth not below the eyes).
 */
export function faceProblem(lm: ArrayLike<number>, width: number, height: number): string | null {
  let outside = 0;
  for (let i = 0; i < LANDMARKS; i++) {
    const [x, y] = [lm[2 * i]!, lm[2 * i + 1]!];
    if (!(x >= 0 && y >= 0 && x < width && y < height)) outside++;
  }
  if (outside > LANDMARKS / 2) return `${outside} of its ${LANDMARKS} landmarks lie outside the ${width}×${height} image`;
  const [left, top, right, bottom] = cropBox(transformPoints(lm, alignment(lm).matrix));
  const side = Math.min(right - left, bottom - top);
  if (side < MIN_FACE_CROP) return `its landmarks outline a face ${Math.max(0, side)} px across, too small to align: at least ${MIN_FACE_CROP} px, with the eyes above the mouth`;
  return null;
}

export async function readLandmarks(file: string): Promise<Float64Array> {
  const { readFile } = await import('node:fs/promises');
  return parseLandmarks(await readFile(file, 'utf8'), file);
}

/**
 * The landmark file of an image: `<stem>_landmarks.txt` beside it, else (CK+ neutral frames, which have none of their own)
 * the one file `<subject>_<sequence>_<frame>_landmarks.txt` of the same sequence in the same folder;
 * with several candidates the highest frame (the peak) wins.
 */
export async function landmarkFileFor(image: string): Promise<string> {
  const [{ readdir }, { basename, dirname, extname, join }] = await Promise.all([import('node:fs/promises'), import('node:path')]);
  const dir = dirname(image);
  const stem = basename(image, extname(image));
  const names = await readdir(dir);
  const own = `${stem}_landmarks.txt`;
  if (names.includes(own)) return join(dir, own);
  const seq = /^(.*)_\d+$/.exec(stem)?.[1];
  if (seq !== undefined) {
    const re = new RegExp(`^${seq.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}_(\\d+)_landmarks\\.txt$`);
    const found = names.map((f) => [f, re.exec(f)?.[1]] as const).filter(([, frame]) => frame !== undefined);
    if (found.length > 0) {
      found.sort((a, b) => Number(b[1]) - Number(a[1]));
      return join(dir, found[0]![0]);
    }
  }
  throw new Error(`${image}: no landmark file (${own}, or one of the same sequence ${seq ?? stem}_<frame>_landmarks.txt) in ${dir}`);
}
