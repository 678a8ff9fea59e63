// Classification metrics from predictions: accuracy, per-class recall, confusion matrix.

export interface Metrics {
  accuracy: number;
  /** recall[k] = correct / total for true class k (NaN when the class is absent). */
  recall: number[];
  /** confusion[true][predicted] counts. */
  confusion: number[][];
  count: number;
}

export function argmaxRows(logits: Float32Array, classes: number): Int32Array {
  const out = new Int32Array(logits.length / classes);
  for (let i = 0; i < out.length; i++) {
    let best = 0;
    for (let k = 1; k < classes; k++) if (logits[i * classes + k]! > logits[i * classes + best]!) best = k;
    out[i] = best;
  }
  return out;
}

export function classificationMetrics(predicted: ArrayLike<number>, labels: ArrayLike<number>, classes: number): Metrics {
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) confusion[labels[i]!]![predicted[i]!]!++;
  return metricsOfConfusion(confusion);
}

/** Accuracy and recall from confusion counts (e.g. the sum of several folds' matrices). */
export function metricsOfConfusion(confusion: number[][]): Metrics {
  const count = confusion.flat().reduce((a, b) => a + b, 0);
  const hits = confusion.reduce((s, row, k) => s + row[k]!, 0);
  const recall = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? row[k]! / total : NaN;
  });
  return { accuracy: count ? hits / count : NaN, recall, confusion, count };
}
