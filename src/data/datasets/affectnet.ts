// AffectNet (manually annotated): `Manually_Annotated_file_lists/{training,validation}.csv` with columns
// subDirectory_filePath, …, facial_landmarks ("x0;y0;…", 68 points in image pixels), expression;
// images under `Manually_Annotated_Images/`. training.csv is the official train split, validation.csv
// the held-out one (AffectNet's test set is not public).

import { join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { LABEL_MAPS, mapLabel } from '../labels.js';
import { LANDMARKS } from '../../face/geometry.js';
import { csvColumns, isFile, numberedLines, readText, requireFolder, splitCsvLine, type Dataset, type OfficialSplit, type Sample } from './common.js';

const LISTS = 'Manually_Annotated_file_lists';
const IMAGES = 'Manually_Annotated_Images';
const FILES: [string, OfficialSplit][] = [['training.csv', 'train'], ['validation.csv', 'val']];
const COLUMNS = ['subDirectory_filePath', 'facial_landmarks', 'expression'] as const;

export async function readAffectnet(path: string): Promise<Dataset> {
  const root = resolve(path);
  await requireFolder(root, `pass the AffectNet folder holding ${LISTS}/ and ${IMAGES}/`);
  await requireFolder(join(root, LISTS), `unpack the file lists into ${root}`);
  await requireFolder(join(root, IMAGES), `unpack the manually annotated images into ${root}`);
  const samples: Sample[] = [];
  let found = 0;
  for (const [name, split] of FILES) {
    const csv = join(root, LISTS, name);
    if (!(await isFile(csv))) continue;
    found++;
    const lines = numberedLines(await readText(csv, 'check its permissions'));
    if (lines.length === 0) throw userError(csv, 'is empty', 'restore it from the AffectNet release');
    const col = csvColumns(lines[0]![1], COLUMNS, csv);
    const width = Math.max(...Object.values<number>(col)) + 1;
    for (const [n, line] of lines.slice(1)) {
      const where = `${csv}:${n}`;
      const f = splitCsvLine(line);
      if (f.length < width) throw userError(where, `${f.length} fields, fewer than the header names`, 'restore the line from the AffectNet release');
      const label = mapLabel(LABEL_MAPS.affectnet, f[col.expression]!, where);
      if (label === null) continue; // contempt, no face, uncertain
      const image = join(root, IMAGES, f[col.subDirectory_filePath]!.trim());
      samples.push({ source: image, image, label, subject: null, split, landmarks: parsePoints(f[col.facial_landmarks]!, where) });
    }
  }
  if (found === 0) throw userError(join(root, LISTS), `neither ${FILES.map(([f]) => f).join(' nor ')} found`, 'unpack the AffectNet file lists there');
  return { name: 'affectnet', path: root, root, samples };
}

function parsePoints(text: string, where: string): Float64Array {
  const parts = text.trim().split(';').filter((s) => s.trim() !== '');
  if (parts.length !== 2 * LANDMARKS) throw userError(where, `facial_landmarks holds ${parts.length} numbers, not ${2 * LANDMARKS} (68 points)`, 'fix or drop the line');
  const pts = Float64Array.from(parts, Number);
  if (pts.some((v) => !Number.isFinite(v))) throw userError(where, 'facial_landmarks holds a value that is not a number', 'fix or drop the line');
  return pts;
}
