// FER2013: `fer2013.csv` with columns emotion, pixels (48×48 grey as 2304 numbers), Usage
// (Training / PublicTest / PrivateTest = our train / val / test). The path may name the folder or the
// CSV itself. No landmarks: the landmark nets detect them (src/data/landmark_source.ts).

import { dirname, join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { LABEL_MAPS, mapLabel } from '../labels.js';
import { csvColumns, isDirectory, isFile, numberedLines, readText, splitCsvLine, type Dataset, type GrayPixels, type OfficialSplit, type Sample } from './common.js';

const SIDE = 48;
const USAGE: ReadonlyMap<string, OfficialSplit> = new Map([['Training', 'train'], ['PublicTest', 'val'], ['PrivateTest', 'test']]);
const COLUMNS = ['emotion', 'pixels', 'Usage'] as const;

export async function readFer2013(path: string): Promise<Dataset> {
  const root = resolve(path);
  const csv = (await isDirectory(root)) ? join(root, 'fer2013.csv') : root;
  if (!(await isFile(csv))) throw userError(csv, 'file not found', 'pass the folder holding fer2013.csv, or the CSV itself');
  const lines = numberedLines(await readText(csv, 'check its permissions'));
  if (lines.length === 0) throw userError(csv, 'is empty', 'restore it from the FER2013 release');
  const col = csvColumns(lines[0]![1], COLUMNS, csv);
  const samples: Sample[] = [];
  for (const [n, line] of lines.slice(1)) {
    const where = `${csv}:${n}`;
    const f = splitCsvLine(line);
    const usage = f[col.Usage]?.trim() ?? '';
    const split = USAGE.get(usage);
    if (split === undefined) throw userError(where, `Usage ${JSON.stringify(usage)} is not one of ${[...USAGE.keys()].join(', ')}`, 'restore the line from the FER2013 release');
    const label = mapLabel(LABEL_MAPS.fer2013, f[col.emotion] ?? '', where);
    if (label === null) continue;
    samples.push({ source: where, image: parsePixels(f[col.pixels] ?? '', where), label, subject: null, split, landmarks: null });
  }
  if (samples.length === 0) throw userError(csv, 'holds no images', 'restore it from the FER2013 release');
  return { name: 'fer2013', path: csv, root: dirname(csv), samples };
}

function parsePixels(text: string, where: string): GrayPixels {
  const parts = text.trim().split(/\s+/);
  const fix = `give ${SIDE}×${SIDE} grey values 0–255 separated by spaces`;
  if (parts.length !== SIDE * SIDE) throw userError(where, `pixels holds ${parts.length} values, not ${SIDE * SIDE}`, fix);
  const data = new Uint8Array(parts.length);
  parts.forEach((s, i) => {
    const v = /^\d{1,3}$/.test(s) ? Number(s) : NaN;
    if (!(v <= 255)) throw userError(where, `pixel ${i} is ${JSON.stringify(s)}, not 0–255`, fix);
    data[i] = v;
  });
  return { width: SIDE, height: SIDE, data };
}
