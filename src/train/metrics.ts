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
  let hits = 0;
  for (let i = 0; i < labels.length; i++) {
    confusion[labels[i]!]![predicted[i]!]!++;
    if (labels[i] === predicted[i]) hits++;
  }
  const recall = confusion.map((row, k) => {
    const total = row.reduce((a, b) => a + b, 0);
    return total ? row[k]! / total : NaN;
  });
  return { accuracy: labels.length ? hits / labels.length : NaN, recall, confusion, count: labels.length };
}
