// The end of a run: its best-by-validation checkpoint on the test set, reported on the console and
// written as test_metrics.json and confusion_test.png; a fold finished earlier is read back from there.

import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaceCache } from '../../data/cache.js';
import { CLASS_NAMES } from '../../data/labels.js';
import { loadCheckpoint } from '../../model/checkpoint_file.js';
import type { OAENet } from '../../model/oaenet.js';
import { evaluate, type LoopSettings } from '../../training/loop.js';
import { metricsOfConfusion, type Metrics } from '../../training/metrics.js';
import { confusionPng } from '../../draw/plots.js';
import { metricsJson, report } from '../report.js';
import type { FoldRun } from './config.js';

const testMetricsPath = (out: string): string => join(out, 'test_metrics.json');

/** The test metrics of a run that finished earlier, or null. */
export async function finishedFold(run: FoldRun): Promise<Metrics | null> {
  const done = testMetricsPath(run.out);
  if (!existsSync(done)) return null;
  const m = JSON.parse(await readFile(done, 'utf8')) as { confusion: number[][] };
  console.log(`fold ${run.fold} finished earlier: ${done}`);
  return metricsOfConfusion(m.confusion);
}

/** Loads the run's best.safetensors into `model` and reports it on the `test` faces. */
export async function testBest(model: OAENet, cache: FaceCache, test: readonly number[], opts: Pick<LoopSettings, 'batchSize' | 'imageSize'>, out: string): Promise<Metrics> {
  await loadCheckpoint(model, join(out, 'best.safetensors'));
  const m = await evaluate(model, cache, test, opts);
  console.log(`\ntest set (${test.length} faces, best-by-validation checkpoint):\n${report(m)}`);
  await writeFile(testMetricsPath(out), metricsJson(m));
  await confusionPng(join(out, 'confusion_test.png'), m.confusion, CLASS_NAMES, `test set, ${test.length} faces`);
  console.log(`wrote ${out}/{best,last}.safetensors, metrics.jsonl, curves.png, confusion_test.png`);
  return m;
}
