// FER2013 in either form. The original: `fer2013.csv` with columns emotion, pixels (48×48 grey as 2304
// numbers), Usage (Training / PublicTest / PrivateTest = our train / val / test); the path may name the
// folder or the CSV itself. As Kaggle shares it: 48×48 grey JPEGs in `train/<class>/` and
// `test/<class>/` (angry, disgust, fear, happy, neutral, sad, surprise).
// No landmarks: the landmark nets detect them (src/data/landmark_source.ts).

import { dirname, join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { LABEL_MAPS, LabelTally, mapLabel } from '../labels.js';
import { csvColumns, isDirectory, isFile, numberedLines, readSplitClassFolders, readText, splitCsvLine, type Dataset, type GrayPixels, type OfficialSplit, type Sample } from './common.js';
import { classFolders, isFileOfType, isFileSync, suggestAbove, suggestBelow, type Layout } from './layout.js';

const SIDE = 48;
const CSV = 'fer2013.csv';
const USAGE: ReadonlyMap<string, OfficialSplit> = new Map([['Training', 'train'], ['PublicTest', 'val'], ['PrivateTest', 'test']]);
const COLUMNS = ['emotion', 'pixels', 'Usage'] as const;
const CLASS_FOLDERS = `${[...LABEL_MAPS.ferFolders.keys()].join('/, ')}/`;

const hasClassFolders = (path: string): boolean => classFolders(path, LABEL_MAPS.ferFolders) !== 'no';

export const fer2013Layout: Layout = {
  what: `a FER2013 folder (${CSV}, or train/ and test/ holding ${CLASS_FOLDERS})`,
  matches: (path) => isFileOfType(path, ['.csv']) || isFileSync(join(path, CSV)) || hasClassFolders(join(path, 'train')) || hasClassFolders(join(path, 'test')),
};

export async function readFer2013(path: string): Promise<Dataset> {
  const root = resolve(path);
  if (!(await isDirectory(root))) return readCsv(root);
  if (await isFile(join(root, CSV))) return readCsv(join(root, CSV));
  suggestBelow(root, fer2013Layout);
  if (!fer2013Layout.matches(root)) {
    const problem = `holds neither ${CSV} nor train/ and test/ class folders`;
    if (hasClassFolders(root)) suggestAbove(root, dirname(root), fer2013Layout, problem);
    throw userError(root, problem, `pass the folder holding ${CSV} (or the CSV itself), or the one holding train/ and test/ with ${CLASS_FOLDERS}`);
  }
  const samples = await readSplitClassFolders(root, new LabelTally(LABEL_MAPS.ferFolders));
  if (!samples.some((s) => s.split === 'train')) throw userError(join(root, 'train'), 'holds no images', `put the training images in train/ with ${CLASS_FOLDERS}`);
  return { name: 'fer2013', path: root, root, samples };
}

async function readCsv(csv: string): Promise<Dataset> {
  if (!(await isFile(csv))) throw userError(csv, 'file not found', `pass the folder holding ${CSV} (or the CSV itself), or the one holding train/ and test/ class folders`);
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
