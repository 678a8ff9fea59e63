// Dataset name → reader. Every reader takes the path the user gave (a folder, or a file for `list`
// and optionally `fer2013`) and returns samples labelled in CLASS_NAMES order.

import { userError } from '../../errors.js';
import { labelOrderOf, type LabelOrder } from '../labels.js';
import { readAffectnet } from './affectnet.js';
import { readCk48 } from './ck48.js';
import { readCkplus } from './ckplus.js';
import type { Dataset } from './common.js';
import { readFer2013 } from './fer2013.js';
import { readListFile } from './listfile.js';
import { readRafdb } from './rafdb.js';
import { syntheticFaces } from './synthetic_faces.js';

export type { Dataset, GrayPixels, OfficialSplit, Sample, SampleMeta } from './common.js';

export interface ReadOptions {
  /** List files only: how their labels are numbered (default ours). */
  labelOrder?: LabelOrder;
}

export const READERS: Readonly<Record<string, (path: string, opts: ReadOptions) => Promise<Dataset>>> = {
  ckplus: readCkplus,
  ck48: readCk48,
  rafdb: readRafdb,
  affectnet: readAffectnet,
  fer2013: readFer2013,
  list: (path, opts) => readListFile(path, opts.labelOrder),
  // Generated cartoon faces with exact landmarks (ships with the project; the path is ignored).
  synthetic: async () => syntheticFaces({ subjects: 20, imagesPerSubject: 7, seed: 0 }),
};

export const DATASET_NAMES: readonly string[] = Object.keys(READERS);

/** Datasets split by their publishers (a test or validation set held out), whose samples carry no subject ids. */
export const OFFICIALLY_SPLIT: ReadonlySet<string> = new Set(['rafdb', 'affectnet', 'fer2013']);

/** Throws unless `name` is a dataset this project reads. */
export function checkDatasetName(name: string): void {
  if (!Object.hasOwn(READERS, name)) throw userError(`dataset ${JSON.stringify(name)}`, 'unknown dataset name', `use one of ${DATASET_NAMES.join(', ')}`);
}

/** The read options a command's flags give, checked against the dataset before any work. */
export function readOptions(name: string, labelOrder: string | undefined): ReadOptions {
  const order = labelOrderOf(labelOrder);
  if (order === undefined) return {};
  if (name !== 'list') throw userError(`--label-order ${order}`, `applies to list files, and ${name} names its labels itself`, 'drop the flag');
  return { labelOrder: order };
}

export async function readDataset(name: string, path: string, opts: ReadOptions = {}): Promise<Dataset> {
  checkDatasetName(name);
  return READERS[name]!(path, opts);
}
