// The report of an evaluation: as text, accuracy, per-class recall, and the confusion matrix in counts
// and row percentages; as JSON, the same numbers with the class names.

import { CLASS_NAMES } from '../data/labels.js';
import type { Metrics } from '../training/metrics.js';

const pct = (v: number): string => (Number.isNaN(v) ? '   – ' : `${(100 * v).toFixed(1).padStart(5)}%`);

export function report(m: Metrics): string {
  const w = 9;
  const head = 'true \\ predicted'.padEnd(17) + CLASS_NAMES.map((c) => c.slice(0, w - 1).padStart(w)).join('');
  const lines = [`accuracy ${pct(m.accuracy)} (${Math.round(m.accuracy * m.count)}/${m.count})`, 'recall per class:'];
  CLASS_NAMES.forEach((c, k) => lines.push(`  ${c.padEnd(9)} ${pct(m.recall[k]!)}  (${m.confusion[k]!.reduce((a, b) => a + b, 0)} faces)`));
  lines.push('confusion (counts):', head);
  m.confusion.forEach((row, k) => lines.push(CLASS_NAMES[k]!.padEnd(17) + row.map((v) => String(v).padStart(w)).join('')));
  lines.push('confusion (row %):', head);
  m.confusion.forEach((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    lines.push(CLASS_NAMES[k]!.padEnd(17) + row.map((v) => (total ? ((100 * v) / total).toFixed(0) + '%' : '–').padStart(w)).join(''));
  });
  return lines.join('\n');
}

/** The metrics file of an evaluation (NaN recall, of a class with no faces, is written as null). */
export function metricsJson(m: Metrics): string {
  return JSON.stringify({ accuracy: m.accuracy, recall: m.recall, confusion: m.confusion, classes: CLASS_NAMES }, null, 2);
}
