// Which dataset a folder holds, for a --data-dir given without --dataset (training the generated faces
// instead would be a silent wrong answer), and the conventional folder a dataset is looked for in when
// no --data-dir is given: data/<dataset> under the current folder.

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { affectnetLayout } from './affectnet.js';
import { ck48Layout } from './ck48.js';
import { ckplusLayout } from './ckplus.js';
import { fer2013Layout } from './fer2013.js';
import { checkDatasetName, DATASET_NAMES } from './index.js';
import { foldersBelow, type Layout } from './layout.js';
import { listLayout } from './listfile.js';
import { rafdbLayout } from './rafdb.js';

const LAYOUTS: readonly [name: string, layout: Layout][] = [
  ['ckplus', ckplusLayout],
  ['ck48', ck48Layout],
  ['rafdb', rafdbLayout],
  ['affectnet', affectnetLayout],
  ['fer2013', fer2013Layout],
  ['list', listLayout],
];

/** The folder a dataset is read from when no --data-dir is given. */
const defaultDataDir = (dataset: string): string => join('data', dataset);

/** The dataset whose layout `path` has; a UserError naming the choices when none or several fit. */
export function detectDataset(path: string): string {
  const at = resolve(path);
  if (!existsSync(at)) throw userError(at, 'not found', 'check --data-dir');
  const fits = LAYOUTS.filter(([, l]) => l.matches(at)).map(([name]) => name);
  if (fits.length === 1) return fits[0]!;
  if (fits.length > 1) throw userError(at, `fits the layout of ${fits.join(' and ')}`, `pass --dataset ${fits.join(' or --dataset ')}`);
  for (const [name, layout] of LAYOUTS) {
    const below = foldersBelow(at, layout.matches)[0];
    if (below) throw userError(at, 'holds no dataset layout this project reads', `did you mean ${below} (${name})? Else pass --dataset NAME (${DATASET_NAMES.join(', ')})`);
  }
  throw userError(at, 'holds no dataset layout this project reads', `pass --dataset NAME (${DATASET_NAMES.join(', ')}); the README says which folder each one takes`);
}

/**
 * The data of a run: the path given, else data/<dataset> when it exists. Undefined for the generated
 * faces, and when only the preprocessed face cache at `cache` is there to read (a GPU host may carry
 * only that); with neither, a UserError naming the conventional folder.
 */
export function dataDirFor(dataset: string, given: string | undefined, cache: () => string): string | undefined {
  checkDatasetName(dataset);
  if (given !== undefined || dataset === 'synthetic') return given;
  const conventional = defaultDataDir(dataset);
  if (existsSync(conventional)) return conventional;
  if (existsSync(cache())) return undefined;
  throw userError(resolve(conventional), `no ${dataset} data found there (the default --data-dir)`, 'put the dataset there, or pass --data-dir DIR (or --cache FILE of preprocessed faces)');
}
