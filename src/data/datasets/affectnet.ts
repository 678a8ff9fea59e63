// AffectNet in either release. Manually annotated: `Manually_Annotated_file_lists/{training,validation}.csv`
// with columns subDirectory_filePath, …, facial_landmarks ("x0;y0;…", 68 points in image pixels),
// expression; images under `Manually_Annotated_Images/`. The newer release: `train_set/` and `val_set/`,
// each with `images/<n>.jpg` and per image `annotations/<n>_exp.npy` (the expression code) and
// `<n>_lnd.npy` (the 68 points as 136 numbers). The validation set is the held-out one (AffectNet's test
// set is not public). Codes 7–10 (contempt, none, uncertain, not a face) are not among the 7 classes: the
// rows are left out and counted in the dataset's notes.

import { basename, extname, join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { LABEL_MAPS, LabelTally } from '../labels.js';
import { LANDMARKS } from '../../face/geometry.js';
import { csvColumns, isDirectory, isFile, isImageFile, listFolder, numberedLines, readText, requireFolder, splitCsvLine, type Dataset, type OfficialSplit, type Sample } from './common.js';
import { isDirectorySync, suggestBelow, type Layout } from './layout.js';
import { readNpy } from './npy.js';

const LISTS = 'Manually_Annotated_file_lists';
const IMAGES = 'Manually_Annotated_Images';
const FILES: [string, OfficialSplit][] = [['training.csv', 'train'], ['validation.csv', 'val']];
const COLUMNS = ['subDirectory_filePath', 'facial_landmarks', 'expression'] as const;
const SETS: [string, OfficialSplit][] = [['train_set', 'train'], ['val_set', 'val'], ['test_set', 'test']];

export const affectnetLayout: Layout = {
  what: `an AffectNet folder (${LISTS}/ and ${IMAGES}/, or train_set/ and val_set/ with images/ and annotations/)`,
  matches: (path) => isDirectorySync(join(path, LISTS)) || SETS.some(([set]) => isDirectorySync(join(path, set, 'annotations'))),
};

export async function readAffectnet(path: string): Promise<Dataset> {
  const root = resolve(path);
  await requireFolder(root, `pass the AffectNet folder holding ${LISTS}/ and ${IMAGES}/ (or train_set/ and val_set/)`);
  suggestBelow(root, affectnetLayout);
  const newer = !(await isDirectory(join(root, LISTS))) && affectnetLayout.matches(root);
  const { samples, notes } = newer ? await readSets(root) : await readLists(root);
  if (!samples.some((s) => s.split === 'train')) throw userError(root, 'holds no training images', 'restore the AffectNet release');
  return { name: 'affectnet', path: root, root, samples, notes };
}

interface Read {
  samples: Sample[];
  notes: string[];
}

async function readLists(root: string): Promise<Read> {
  await requireFolder(join(root, LISTS), `unpack the file lists into ${root}`);
  await requireFolder(join(root, IMAGES), `unpack the manually annotated images into ${root}`);
  const out: Read = { samples: [], notes: [] };
  let found = 0;
  for (const [name, split] of FILES) {
    const csv = join(root, LISTS, name);
    if (!(await isFile(csv))) continue;
    found++;
    const lines = numberedLines(await readText(csv, 'check its permissions'));
    if (lines.length === 0) throw userError(csv, 'is empty', 'restore it from the AffectNet release');
    const col = csvColumns(lines[0]![1], COLUMNS, csv);
    const width = Math.max(...Object.values<number>(col)) + 1;
    const tally = new LabelTally(LABEL_MAPS.affectnet);
    for (const [n, line] of lines.slice(1)) {
      const where = `${csv}:${n}`;
      const f = splitCsvLine(line);
      if (f.length < width) throw userError(where, `${f.length} fields, fewer than the header names`, 'restore the line from the AffectNet release');
      const label = tally.label(f[col.expression]!, where);
      if (label === null) continue;
      const image = join(root, IMAGES, f[col.subDirectory_filePath]!.trim());
      out.samples.push({ source: image, image, label, subject: null, split, landmarks: parsePoints(f[col.facial_landmarks]!, where) });
    }
    const note = tally.note(csv, 'rows');
    if (note) out.notes.push(note);
  }
  if (found === 0) throw userError(join(root, LISTS), `neither ${FILES.map(([f]) => f).join(' nor ')} found`, 'unpack the AffectNet file lists there');
  return out;
}

/** Files read at once: the newer release has two small annotation files per image. */
const READ_AHEAD = 64;

async function readSets(root: string): Promise<Read> {
  const out: Read = { samples: [], notes: [] };
  for (const [set, split] of SETS) {
    const images = join(root, set, 'images');
    const annotations = join(root, set, 'annotations');
    if (!(await isDirectory(annotations))) continue;
    await requireFolder(images, `unpack ${set}'s images beside its annotations/`);
    const annotated = new Set(await listFolder(annotations));
    const files = (await listFolder(images)).filter(isImageFile);
    const tally = new LabelTally(LABEL_MAPS.affectnet);
    const unlabelled: string[] = [];
    for (let i = 0; i < files.length; i += READ_AHEAD) {
      const read = await Promise.all(files.slice(i, i + READ_AHEAD).map((file) => readAnnotated(images, file, annotations, annotated)));
      for (const r of read) {
        if (typeof r === 'string') unlabelled.push(r);
        else {
          const label = tally.label(r.code, r.where);
          if (label !== null) out.samples.push({ source: r.image, image: r.image, label, subject: null, split, landmarks: r.landmarks });
        }
      }
    }
    const note = tally.note(join(root, set), 'images');
    if (note) out.notes.push(note);
    if (unlabelled.length > 0) out.notes.push(`${annotations}: no <n>_exp.npy for ${unlabelled.length} image${unlabelled.length === 1 ? '' : 's'} (${unlabelled.slice(0, 3).join(', ')}${unlabelled.length > 3 ? ', …' : ''}), left out`);
  }
  return out;
}

interface Annotated {
  image: string;
  code: string | number;
  /** The expression file, for messages. */
  where: string;
  landmarks: Float64Array | null;
}

/** An image's expression code and landmarks (null when it has no `_lnd.npy`); its file name when it has no `_exp.npy`. */
async function readAnnotated(images: string, file: string, annotations: string, annotated: ReadonlySet<string>): Promise<Annotated | string> {
  const stem = basename(file, extname(file));
  const exp = `${stem}_exp.npy`, lnd = `${stem}_lnd.npy`;
  if (!annotated.has(exp)) return file;
  const fix = 'restore it from the AffectNet release';
  const where = join(annotations, exp);
  const code = (await readNpy(where, fix)).data;
  if (code.length !== 1) throw userError(where, `holds ${code.length} values, not one expression code`, fix);
  let landmarks: Float64Array | null = null;
  if (annotated.has(lnd)) {
    const at = join(annotations, lnd);
    const pts = (await readNpy(at, fix)).data;
    if (pts.length !== 2 * LANDMARKS) throw userError(at, `holds ${pts.length} values, not ${2 * LANDMARKS} (68 points)`, fix);
    landmarks = Float64Array.from(pts, Number);
    if (landmarks.some((v) => !Number.isFinite(v))) throw userError(at, 'holds a value that is not a number', fix);
  }
  return { image: join(images, file), code: code[0]!, where, landmarks };
}

function parsePoints(text: string, where: string): Float64Array {
  const parts = text.trim().split(';').filter((s) => s.trim() !== '');
  if (parts.length !== 2 * LANDMARKS) throw userError(where, `facial_landmarks holds ${parts.length} numbers, not ${2 * LANDMARKS} (68 points)`, 'fix or drop the line');
  const pts = Float64Array.from(parts, Number);
  if (pts.some((v) => !Number.isFinite(v))) throw userError(where, 'facial_landmarks holds a value that is not a number', 'fix or drop the line');
  return pts;
}
