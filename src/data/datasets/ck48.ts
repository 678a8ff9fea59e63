// CK+48: `<class>/*.png` 48×48 crops, no landmarks (detected by the landmark nets, src/data/landmark_source.ts).

import { resolve } from 'node:path';
import { userError } from '../../errors.js';
import { LABEL_MAPS, LabelTally } from '../labels.js';
import { readClassFolders } from './ckplus.js';
import { requireFolder, type Dataset } from './common.js';
import { classFolders, suggestBelow, type Layout } from './layout.js';

const FOLDERS = `${[...LABEL_MAPS.ckFolders.keys()].join('/, ')}/`;

export const ck48Layout: Layout = {
  what: `a CK+48 folder (class folders ${FOLDERS} of 48×48 images)`,
  matches: (path) => classFolders(path, LABEL_MAPS.ckFolders) === 'images',
};

export async function readCk48(path: string): Promise<Dataset> {
  const root = resolve(path);
  await requireFolder(root, `pass the CK+48 folder holding ${FOLDERS}`);
  suggestBelow(root, ck48Layout);
  const tally = new LabelTally(LABEL_MAPS.ckFolders);
  const samples = await readClassFolders(root, false, tally);
  if (samples.length === 0) throw userError(root, 'no images in class folders', `put the images in ${FOLDERS}`);
  const note = tally.note(root, 'images');
  return { name: 'ck48', path: root, root, samples, notes: note ? [note] : [] };
}
