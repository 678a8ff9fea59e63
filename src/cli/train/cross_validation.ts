// The summary of a cross-validation: accuracy per fold, their mean and spread, and every test face
// pooled into one confusion matrix, on the console and as cv_summary.json and confusion_cv.png.

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CLASS_NAMES } from '../../data/labels.js';
import { metricsOfConfusion, type Metrics } from '../../training/metrics.js';
import { confusionPng } from '../../draw/plots.js';
import { report } from '../report.js';

export interface FoldResult {
  fold: number;
  test: Metrics;
}

export async function summariseFolds(out: string, results: readonly FoldResult[]): Promise<void> {
  const accs = results.map((r) => r.test.accuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
  const pooled = metricsOfConfusion(CLASS_NAMES.map((_, t) => CLASS_NAMES.map((_, p) => results.reduce((s, r) => s + r.test.confusion[t]![p]!, 0))));
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  console.log(`\ncross-validation, ${results.length} subject folds:`);
  for (const r of results) console.log(`  fold ${r.fold}: ${pct(r.test.accuracy)} of ${r.test.count} faces`);
  console.log(`mean ${pct(mean)} ± ${pct(std)} (sample std over folds)\nall test faces pooled:\n${report(pooled)}`);
  const summary = { folds: results.map((r) => ({ fold: r.fold, accuracy: r.test.accuracy, faces: r.test.count })), mean, std, pooled: { accuracy: pooled.accuracy, recall: pooled.recall, confusion: pooled.confusion }, classes: CLASS_NAMES };
  await writeFile(join(out, 'cv_summary.json'), JSON.stringify(summary, null, 2));
  await confusionPng(join(out, 'confusion_cv.png'), pooled.confusion, CLASS_NAMES, `${results.length}-fold cross-validation, ${pooled.count} faces`);
  console.log(`wrote ${out}/cv_summary.json, confusion_cv.png`);
}
