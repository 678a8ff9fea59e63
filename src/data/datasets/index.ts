// Dataset name → reader. Every reader takes the path the user gave (a folder, or a file for `list`
// and optionally `fer2013`) and returns samples labelled in CLASS_NAMES order.

import { userError } from '../../errors.js';
import { readAffectnet } from './affectnet.js';
import { readCk48 } from './ck48.js';
import { readCkplus } from './ckplus.js';
import type { Dataset } from './common.js';
import { readFer2013 } from './fer2013.js';
import { readListFile } from './listfile.js';
import { readRafdb } from './rafdb.js';
import { syntheticFaces } from './synthetic_faces.js';

export type { Dataset, GrayPixels, OfficialSplit, Sample, SampleMeta } from './common.js';

export const READERS: Readonly<Record<string, (path: string) => Promise<Dataset>>> = {
  ckplus: readCkplus,
  ck48: readCk48,
  rafdb: readRafdb,
  affectnet: readAffectnet,
  fer2013: readFer2013,
  list: readListFile,
  // Generated cartoon faces with exact landmarks (ships with the project; the path is ignored).
  synthetic: async () => syntheticFaces({ subjects: 20, imagesPerSubject: 7, seed: 0 }),
};

export const DATASET_NAMES: readonly string[] = Object.keys(READERS);

export async function readDataset(name: string, path: string): Promise<Dataset> {
  if (!Object.hasOwn(READERS, name)) throw userError(`dataset ${JSON.stringify(name)}`, 'unknown dataset name', `use one of ${DATASET_NAMES.join(', ')}`);
  return READERS[name]!(path);
}
