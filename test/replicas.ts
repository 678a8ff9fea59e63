// Small replicas of each dataset's official layout (and of the forms users download), built from real
// CK+ faces at the real image sizes and formats: RAF-DB's aligned 100×100 colour JPEGs, FER2013's 48×48
// grey ones, AffectNet's JPEGs of varied sizes with their landmarks moved along, and .npy files as NumPy
// writes them.

import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { repoRoot } from './fixtures.js';
import { CLASS_NAMES, LABEL_MAPS, type ClassName, type LabelMap } from '../src/data/labels.js';
import { landmarkFileFor, readLandmarks } from '../src/face/landmarks.js';

export const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');

export interface Face {
  cls: ClassName;
  /** A CK+ frame (640×490 grey PNG) and its 68 landmarks in its pixels. */
  png: string;
  landmarks: Float64Array;
}

/** The first `perClass` faces of each CK+ class folder (file order), as many of every class. */
export async function ckFaces(perClass: number, skip = 0): Promise<Face[]> {
  const faces: Face[] = [];
  for (const [folder, entry] of LABEL_MAPS.ckFolders) {
    if (entry.class === null) continue;
    const dir = join(CKPLUS, folder);
    const pngs = (await readdir(dir)).filter((f) => f.endsWith('.png')).sort().slice(skip, skip + perClass);
    for (const f of pngs) faces.push({ cls: CLASS_NAMES[entry.class]!, png: join(dir, f), landmarks: await readLandmarks(await landmarkFileFor(join(dir, f))) });
  }
  return faces;
}

/** The code a dataset's label map gives a class. */
export function codeOf(map: LabelMap, cls: ClassName): string {
  return [...map].find(([, e]) => e.class === CLASS_NAMES.indexOf(cls))![0];
}

/** A square box around the face's landmarks, `margin` times their extent, kept inside the frame. */
function faceBox(lm: Float64Array, margin: number, width = 640, height = 490): { left: number; top: number; width: number; height: number } {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < lm.length; i += 2) (x0 = Math.min(x0, lm[i]!)), (x1 = Math.max(x1, lm[i]!)), (y0 = Math.min(y0, lm[i + 1]!)), (y1 = Math.max(y1, lm[i + 1]!));
  const side = Math.min(width, height, Math.round(margin * Math.max(x1 - x0, y1 - y0)));
  const left = Math.max(0, Math.min(width - side, Math.round((x0 + x1) / 2 - side / 2)));
  const top = Math.max(0, Math.min(height - side, Math.round((y0 + y1) / 2 - side / 2)));
  return { left, top, width: side, height: side };
}

async function ensureDir(file: string): Promise<string> {
  await mkdir(dirname(file), { recursive: true });
  return file;
}

/** The face cropped square and resized to side×side, as a colour (tinted, 3-channel) or grey JPEG; its landmarks moved along. */
export async function faceJpeg(face: Face, to: string, side: number, colour: boolean, margin = 1.3): Promise<Float64Array> {
  const box = faceBox(face.landmarks, margin);
  let img = sharp(face.png).extract(box).resize(side, side);
  img = colour ? img.tint({ r: 255, g: 215, b: 185 }).toColourspace('srgb') : img.greyscale();
  await img.jpeg({ quality: 90 }).toFile(await ensureDir(to));
  const s = side / box.width;
  return face.landmarks.map((v, i) => (v - (i % 2 === 0 ? box.left : box.top)) * s);
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** RAF-DB basic: `EmoLabel/list_patition_label.txt` and `Image/aligned/<stem>_aligned.jpg` (100×100 colour). */
export async function rafdbBasic(root: string, train: readonly Face[], test: readonly Face[]): Promise<void> {
  const lines: string[] = [];
  for (const [split, faces, width] of [['train', train, 5], ['test', test, 4]] as const) {
    for (const [k, face] of faces.entries()) {
      const stem = `${split}_${pad(k + 1, width)}`;
      await faceJpeg(face, join(root, 'Image', 'aligned', `${stem}_aligned.jpg`), 100, true);
      lines.push(`${stem}.jpg ${codeOf(LABEL_MAPS.rafdb, face.cls)}`);
    }
  }
  await writeFile(await ensureDir(join(root, 'EmoLabel', 'list_patition_label.txt')), lines.join('\n') + '\n');
}

/** RAF-DB as Kaggle shares it: `train/<1…7>/train_00001_aligned.jpg`, `test/<1…7>/…`. */
export async function rafdbDataset(root: string, train: readonly Face[], test: readonly Face[]): Promise<void> {
  for (const [split, faces, width] of [['train', train, 5], ['test', test, 4]] as const) {
    for (const [k, face] of faces.entries()) await faceJpeg(face, join(root, split, codeOf(LABEL_MAPS.rafdb, face.cls), `${split}_${pad(k + 1, width)}_aligned.jpg`), 100, true);
  }
}

/** FER2013 as Kaggle shares it: `train/<angry…>/Training_<n>.jpg`, `test/<…>/PrivateTest_<n>.jpg` (48×48 grey). */
export async function ferFolders(root: string, train: readonly Face[], test: readonly Face[]): Promise<void> {
  for (const [split, prefix, faces] of [['train', 'Training', train], ['test', 'PrivateTest', test]] as const) {
    for (const [k, face] of faces.entries()) await faceJpeg(face, join(root, split, codeOf(LABEL_MAPS.ferFolders, face.cls), `${prefix}_${1000 + k}.jpg`), 48, false, 1.1);
  }
}

/** Sides of AffectNet's manually annotated images vary; these are a few seen in its file lists. */
const AFFECTNET_SIDES = [180, 256, 413, 620];

/**
 * AffectNet's manually annotated release: `Manually_Annotated_Images/<k>/<name>.jpg` of varied sizes and
 * `Manually_Annotated_file_lists/{training,validation}.csv` with the landmarks inline; `leftOut` adds
 * training rows of codes 7–10, whose images the release does not give us either.
 */
export async function affectnetLists(root: string, train: readonly Face[], val: readonly Face[], leftOut: readonly number[] = []): Promise<void> {
  const header = 'subDirectory_filePath,face_x,face_y,face_width,face_height,facial_landmarks,expression,valence,arousal';
  let n = 0;
  for (const [file, faces] of [['training.csv', train], ['validation.csv', val]] as const) {
    const rows = [header];
    for (const face of faces) {
      const k = n++;
      const side = AFFECTNET_SIDES[k % AFFECTNET_SIDES.length]!;
      const rel = `${1 + (k % 3)}/${(0x5a17 * (k + 1)).toString(16)}.jpg`;
      const lm = await faceJpeg(face, join(root, 'Manually_Annotated_Images', rel), side, true, 1.6 + 0.2 * (k % 3));
      rows.push(`${rel},${Math.round(side * 0.2)},${Math.round(side * 0.2)},${Math.round(side * 0.6)},${Math.round(side * 0.6)},${Array.from(lm, (v) => v.toFixed(2)).join(';')},${codeOf(LABEL_MAPS.affectnet, face.cls)},0.1,0.2`);
    }
    if (file === 'training.csv') for (const code of leftOut) rows.push(`9/gone${code}.jpg,0,0,1,1,${new Array(136).fill('0').join(';')},${code},-2,-2`);
    await writeFile(await ensureDir(join(root, 'Manually_Annotated_file_lists', file)), rows.join('\n') + '\n');
  }
}

/** The bytes of a .npy file (format 1.0) holding `values` of NumPy dtype `descr` ('<U1', '<f8', …). */
export function npyBytes(descr: string, shape: readonly number[], values: readonly (number | string)[], fortran = false): Buffer {
  const dict = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.map((d) => `${d},`).join(' ')}), }`;
  const total = Math.ceil((10 + dict.length + 1) / 64) * 64;
  const header = Buffer.from(`${dict}${' '.repeat(total - 10 - dict.length - 1)}\n`, 'latin1');
  const m = /^([<>|])([a-zA-Z])(\d+)$/.exec(descr)!;
  const [little, kind, size] = [m[1] !== '>', m[2]!, Number(m[3])];
  const width = kind === 'U' ? 4 * size : size;
  const data = Buffer.alloc(values.length * width);
  values.forEach((v, i) => {
    const at = i * width;
    if (kind === 'U') [...String(v)].forEach((ch, k) => (little ? data.writeUInt32LE(ch.codePointAt(0)!, at + 4 * k) : data.writeUInt32BE(ch.codePointAt(0)!, at + 4 * k)));
    else if (kind === 'f' && size === 8) little ? data.writeDoubleLE(Number(v), at) : data.writeDoubleBE(Number(v), at);
    else if (kind === 'f' && size === 4) little ? data.writeFloatLE(Number(v), at) : data.writeFloatBE(Number(v), at);
    else if (kind === 'i' && size === 8) little ? data.writeBigInt64LE(BigInt(v), at) : data.writeBigInt64BE(BigInt(v), at);
    else if (kind === 'u' && size === 1) data.writeUInt8(Number(v), at);
    else throw new Error(`npyBytes: ${descr} not written by this helper`);
  });
  const magic = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, (total - 10) & 0xff, (total - 10) >> 8]);
  return Buffer.concat([magic, header, data]);
}

/**
 * AffectNet's newer release: `<set>/images/<n>.jpg` (224×224 colour) with `<set>/annotations/<n>_exp.npy`
 * (the code as a '<U1' string, as NumPy saved it) and `<n>_lnd.npy` (136 float64) for train_set and val_set.
 */
export async function affectnetSets(root: string, train: readonly Face[], val: readonly Face[], leftOut: readonly number[] = []): Promise<void> {
  let n = 0;
  for (const [set, faces] of [['train_set', train], ['val_set', val]] as const) {
    const codes: [Face | null, string][] = [...faces.map((f): [Face, string] => [f, codeOf(LABEL_MAPS.affectnet, f.cls)]), ...(set === 'train_set' ? leftOut.map((c): [null, string] => [null, String(c)]) : [])];
    for (const [face, code] of codes) {
      const id = String(n++);
      const lm = await faceJpeg(face ?? train[0]!, join(root, set, 'images', `${id}.jpg`), 224, true, 1.5);
      await writeFile(await ensureDir(join(root, set, 'annotations', `${id}_exp.npy`)), npyBytes(`<U${code.length}`, [], [code]));
      await writeFile(join(root, set, 'annotations', `${id}_lnd.npy`), npyBytes('<f8', [136], Array.from(lm)));
    }
  }
}
