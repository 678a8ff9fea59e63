// RAF-DB basic in either form. Official: `EmoLabel/list_patition_label.txt` (sic) lines
// `train_00001.jpg 5`, images `Image/aligned/<stem>_aligned.jpg`; the official split is the name's
// train_/test_ prefix. As Kaggle shares it (`DATASET/`): `train/<1…7>/*.jpg` and `test/<1…7>/*.jpg`, the
// same aligned 100×100 faces in folders named by the same codes.
// No 68-point landmarks (RAF-DB ships 5): they are detected by the landmark nets (src/data/landmark_source.ts).

import { join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { LABEL_MAPS, LabelTally, mapLabel } from '../labels.js';
import { numberedLines, readSplitClassFolders, readText, requireFolder, type Dataset, type OfficialSplit, type Sample } from './common.js';
import { classFolders, isDirectorySync, isFileSync, suggestBelow, type Layout } from './layout.js';

const LIST = join('EmoLabel', 'list_patition_label.txt');
const IMAGES = join('Image', 'aligned');

export const rafdbLayout: Layout = {
  what: `a RAF-DB folder: basic/ (${LIST}, ${IMAGES}/) or DATASET/ (train/1…7/, test/1…7/)`,
  matches: (path) => isFileSync(join(path, LIST)) || classFolders(join(path, 'train'), LABEL_MAPS.rafdb) !== 'no',
};

export async function readRafdb(path: string): Promise<Dataset> {
  const root = resolve(path);
  await requireFolder(root, `pass the RAF-DB basic folder holding ${LIST} and ${IMAGES}/, or the DATASET folder holding train/ and test/`);
  suggestBelow(root, rafdbLayout);
  const basic = isFileSync(join(root, LIST)) || isDirectorySync(join(root, 'Image'));
  if (!basic && !rafdbLayout.matches(root)) throw userError(root, `is not ${rafdbLayout.what}`, 'pass the folder that holds EmoLabel/ and Image/ (or train/ and test/)');
  const samples = basic ? await readBasic(root) : await readSplitClassFolders(root, new LabelTally(LABEL_MAPS.rafdb));
  if (!samples.some((s) => s.split === 'train')) throw userError(root, 'holds no training images', 'restore the RAF-DB release');
  return { name: 'rafdb', path: root, root, samples };
}

async function readBasic(root: string): Promise<Sample[]> {
  await requireFolder(join(root, IMAGES), 'unpack aligned.zip into Image/');
  const list = join(root, LIST);
  const text = await readText(list, 'pass the RAF-DB "basic" folder');
  const samples: Sample[] = [];
  for (const [n, line] of numberedLines(text)) {
    const where = `${list}:${n}`;
    const parts = line.trim().split(/\s+/);
    const [name, code] = parts;
    const split: OfficialSplit | null = name!.startsWith('train_') ? 'train' : name!.startsWith('test_') ? 'test' : null;
    if (parts.length !== 2 || split === null || !/\.jpg$/i.test(name!)) {
      throw userError(where, `expected "train_00001.jpg 5" or "test_0001.jpg 5", got ${JSON.stringify(line.trim().slice(0, 60))}`, 'restore the file from the RAF-DB release');
    }
    const label = mapLabel(LABEL_MAPS.rafdb, code!, where);
    if (label === null) continue;
    const image = join(root, IMAGES, name!.replace(/\.jpg$/i, '_aligned.jpg'));
    samples.push({ source: image, image, label, subject: null, split, landmarks: null });
  }
  if (samples.length === 0) throw userError(list, 'lists no images', 'restore the file from the RAF-DB release');
  return samples;
}
