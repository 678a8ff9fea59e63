// The run's faces: the preprocessed face cache, built (or reused, or an interrupted build continued) from
// the dataset, or read alone when no --data-dir is given, since a GPU host may carry only the cache.

import { existsSync } from 'node:fs';
import { ensureCache, readCache, type FaceCache } from '../../data/cache.js';
import { readDataset } from '../../data/datasets/index.js';
import { UserError } from '../../errors.js';
import { FACE_SIZE } from '../../face/geometry.js';
import { fmtTime } from '../../training/loop.js';
import { status } from '../progress.js';
import type { TrainConfig } from './config.js';

export async function loadFaceCache({ dataset, dataDir, read, cachePath, strict }: TrainConfig): Promise<FaceCache> {
  if (dataDir !== undefined || dataset === 'synthetic') {
    const ds = await readDataset(dataset, dataDir ?? '', read);
    for (const note of ds.notes ?? []) console.log(note);
    const t0 = performance.now();
    let rate = 0;
    const onProgress = (done: number, total: number, resumed: number): void => {
      rate = (done - resumed) / ((performance.now() - t0) / 1000);
      const earlier = resumed > 0 ? ` (${resumed} from an earlier build)` : '';
      status(`preprocessing faces ${done}/${total}${earlier}  ${rate.toFixed(1)} faces/s  ETA ${fmtTime((total - done) / rate)}`);
    };
    const { cache, rebuilt } = await ensureCache(cachePath, ds, { onProgress, strict });
    console.log(`${rebuilt ? '\n' : ''}faces: ${cache.count} from ${ds.path} (cache ${cachePath}${rebuilt ? `, built at ${rate.toFixed(1)} faces/s` : ''})`);
    return cache;
  }
  if (!existsSync(cachePath)) throw new UserError(`--data-dir is required for --dataset ${dataset} (or --cache naming a preprocessed face cache)`);
  const cache = await readCache(cachePath, { dataset, size: FACE_SIZE }, { strict });
  console.log(`faces: ${cache.count} from the cache ${cachePath}`);
  return cache;
}
