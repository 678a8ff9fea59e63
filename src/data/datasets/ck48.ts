// CK+48: `<class>/*.png` 48×48 crops, no landmarks (detected by the landmark nets, src/data/landmark_source.ts).

import { resolve } from 'node:path';
import { userError } from '../../errors.js';
import { LABEL_MAPS } from '../labels.js';
import { readClassFolders } from './ckplus.js';
import { requireFolder, type Dataset } from './common.js';

export async function readCk48(path: string): Promise<Dataset> {
  const root = resolve(path);
  const folders = [...LABEL_MAPS.ckFolders.keys()].join('/, ');
  await requireFolder(root, `pass the CK+48 folder holding ${folders}/`);
  const samples = await readClassFolders(root, false);
  if (samples.length === 0) throw userError(root, 'no images in class folders', `put the images in ${folders}/`);
  return { name: 'ck48', path: root, root, samples };
}
