// Where a run keeps a dataset's face cache unless --cache says: beside the run folders, one cache per
// dataset and data folder (two folders of one dataset would otherwise share a cache and rebuild it in
// turn). Named for a person to recognise: cache-<dataset>-<folder name>-<hash of the folder's path>.

import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { UserError } from '../../errors.js';

export function cacheFolderFor(runs: string, dataset: string, dataDir: string): string {
  const abs = resolve(dataDir);
  const name = basename(abs).replace(/[^A-Za-z0-9._+-]+/g, '_').slice(0, 40) || 'root';
  return join(runs, `cache-${dataset}-${name}-${createHash('sha256').update(abs).digest('hex').slice(0, 8)}`);
}

/**
 * The default cache of `dataset` in `runs` for `dataDir`; without a data folder, the one cache of the
 * dataset already there (a host that carries only the cache), or `cache-<dataset>` when there is none.
 */
export function defaultCachePath(runs: string, dataset: string, dataDir: string | undefined): string {
  if (dataDir !== undefined) return cacheFolderFor(runs, dataset, dataDir);
  const pattern = new RegExp(`^cache-${dataset.replace(/[^A-Za-z0-9]/g, '\\$&')}-.+-[0-9a-f]{8}$`);
  const found = (() => {
    try {
      return readdirSync(runs, { withFileTypes: true }).filter((d) => d.isDirectory() && pattern.test(d.name)).map((d) => d.name);
    } catch {
      return [];
    }
  })();
  if (found.length > 1) throw new UserError(`${runs}: holds face caches of ${dataset} for ${found.length} data folders (${found.join(', ')}); pass --data-dir, or --cache naming one`);
  return join(runs, found[0] ?? `cache-${dataset}`);
}
