// Photo predictions as CSV: one row per face (file, face number, box, score, predicted class, the 7
// probabilities); a photo without a face gets a row with its file alone, so every photo read is listed.

import { CLASS_NAMES } from '../../data/labels.js';
import type { PhotoRecord } from './photo_prediction.js';

export const CSV_HEADER = ['file', 'face', 'x', 'y', 'width', 'height', 'score', 'predicted', ...CLASS_NAMES].join(',');

/** A field quoted when it holds a comma, a quote or a line break (RFC 4180). */
const field = (v: string | number | null): string => {
  const s = v === null ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function csvRows(r: PhotoRecord): string[] {
  if (r.faces.length === 0) return [[r.file, ...Array<string>(7 + CLASS_NAMES.length).fill('')].map(field).join(',')];
  return r.faces.map((f, i) => [r.file, i + 1, f.box.x, f.box.y, f.box.width, f.box.height, f.score, f.predicted, ...CLASS_NAMES.map((c) => f.probabilities[c])].map(field).join(','));
}
