// A model on a dataset (all of it, or one part of its official split): accuracy, per-class recall and
// the confusion matrix on the console, and as eval_<dataset>_<split>.json and a confusion PNG. The faces
// are prepared in memory, or read from (or written to) a face cache the user names: never a file beside
// the model, whose folder may be read-only.

import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { buildCache, ensureCache } from '../../data/cache.js';
import { readDataset, type ReadOptions } from '../../data/datasets/index.js';
import { CLASS_NAMES } from '../../data/labels.js';
import { splitSamples, type SplitOptions } from '../../data/splits.js';
import { UserError, userError } from '../../errors.js';
import type { OAENet } from '../../model/oaenet.js';
import { evaluate } from '../../training/loop.js';
import { confusionPng } from '../../draw/plots.js';
import { consoleProgress } from '../progress.js';
import { outFolder } from './out_folder.js';
import { metricsJson, report } from '../report.js';

export interface DatasetEvalOptions {
  dataset: string;
  dataDir: string | undefined;
  read: ReadOptions;
  /** all, train, val or test. */
  split: string;
  /** How train.js split the data (its folds, fold and seed): the same options give the same parts. */
  splitOptions: SplitOptions;
  batchSize: number;
  imageSize: number;
  /** The checkpoint the model was loaded from; its folder is the default output folder. */
  modelPath: string;
  out: string | undefined;
  /** A face cache file to reuse or build; undefined: the faces are prepared in memory. */
  cache: string | undefined;
}

/** Reads the dataset and checks the report's folder (no GPU yet); the evaluation then runs on a model. */
export async function datasetEvaluation(opts: DatasetEvalOptions): Promise<(model: OAENet) => Promise<void>> {
  const { dataset, dataDir, split: which, modelPath } = opts;
  if (dataDir === undefined && dataset !== 'synthetic') throw new UserError(`--data-dir is required with --dataset ${dataset}`);
  if (which !== 'all' && which !== 'train' && which !== 'val' && which !== 'test') throw new UserError(`--split ${which}: use all, train, val or test`);
  const ds = await readDataset(dataset, dataDir ?? '', opts.read);
  for (const note of ds.notes ?? []) console.log(note);
  const out = resolve(opts.out ?? dirname(modelPath));
  await outFolder(out, 'the report', opts.out === undefined);
  return async (model) => {
    const onProgress = (done: number, total: number): void => consoleProgress.status(`preparing faces ${done}/${total}`);
    const { cache, rebuilt } = opts.cache === undefined ? { cache: await buildCache(ds, { onProgress }), rebuilt: true } : await ensureCache(opts.cache, ds, { onProgress });
    consoleProgress.line(`faces: ${cache.count} from ${ds.path}${opts.cache === undefined ? '' : ` (cache ${opts.cache}, ${rebuilt ? 'built' : 'reused'})`}`);
    const indices = which === 'all' ? cache.samples.map((_, i) => i) : splitSamples(cache.samples, opts.splitOptions, ds.path)[which];
    if (!indices.length) throw userError(ds.path, `the ${which} split is empty`, 'choose another --split');
    const m = await evaluate(model, cache, indices, opts);
    console.log(`${dataset} (${which}, ${indices.length} faces), model ${modelPath}:\n${report(m)}`);
    await writeFile(join(out, `eval_${dataset}_${which}.json`), metricsJson(m));
    await confusionPng(join(out, `confusion_${dataset}_${which}.png`), m.confusion, CLASS_NAMES, `${dataset} ${which}, ${indices.length} faces`);
    console.log(`wrote ${join(out, `confusion_${dataset}_${which}.png`)}`);
  };
}
