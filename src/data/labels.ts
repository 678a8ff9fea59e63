// The 7 expression classes in the original's order, and each dataset's label codes mapped onto them
// by name. A code a dataset does not define is a UserError; a code the class set leaves out
// (contempt, AffectNet's non-faces) maps to null and the sample is dropped.

import { userError } from '../errors.js';

export const CLASS_NAMES = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'anger'] as const;
export type ClassName = (typeof CLASS_NAMES)[number];
export const NUM_CLASSES = CLASS_NAMES.length;

/** A dataset's code (as written in its files) → class index, or null for a dropped class. */
export type LabelMap = ReadonlyMap<string, number | null>;

function labelMap(codes: Record<string, ClassName | null>): LabelMap {
  return new Map(Object.entries(codes).map(([code, name]) => [code, name === null ? null : CLASS_NAMES.indexOf(name)]));
}

export const LABEL_MAPS = {
  /** CK+ official `Emotion/…_emotion.txt`. */
  ckplus: labelMap({ 0: 'neutral', 1: 'anger', 2: null, 3: 'disgust', 4: 'fear', 5: 'happy', 6: 'sad', 7: 'surprise' }),
  /** CK+ class folders and CK+48. */
  ckFolders: labelMap({ anger: 'anger', contempt: null, disgust: 'disgust', fear: 'fear', happy: 'happy', neutral: 'neutral', sadness: 'sad', surprise: 'surprise' }),
  /** RAF-DB basic `EmoLabel/list_patition_label.txt`. */
  rafdb: labelMap({ 1: 'surprise', 2: 'fear', 3: 'disgust', 4: 'happy', 5: 'sad', 6: 'anger', 7: 'neutral' }),
  /** AffectNet `expression` column: 7 contempt, 8 none, 9 uncertain, 10 not a face. */
  affectnet: labelMap({ 0: 'neutral', 1: 'happy', 2: 'sad', 3: 'surprise', 4: 'fear', 5: 'disgust', 6: 'anger', 7: null, 8: null, 9: null, 10: null }),
  /** FER2013 `emotion` column. */
  fer2013: labelMap({ 0: 'anger', 1: 'disgust', 2: 'fear', 3: 'happy', 4: 'sad', 5: 'surprise', 6: 'neutral' }),
  /** Our list files: the class order itself. */
  list: labelMap(Object.fromEntries(CLASS_NAMES.map((n, i) => [i, n]))),
} as const;

/** "0 neutral, 1 anger, 2 (dropped), …" for error messages. */
export function describeCodes(map: LabelMap): string {
  return [...map].map(([code, c]) => `${code} ${c === null ? '(dropped)' : CLASS_NAMES[c]}`).join(', ');
}

/**
 * The class index of `code` (integers may be written as numbers or as floats like "3.0000000e+00"),
 * null when its class is dropped; `where` (file:line) names the place in the error.
 */
export function mapLabel(map: LabelMap, code: string | number, where: string): number | null {
  const text = String(code).trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  const key = Number.isInteger(n) ? String(n) : text;
  const c = map.get(key);
  if (c === undefined) throw userError(where, `label ${JSON.stringify(text)} is out of range`, `use one of ${describeCodes(map)}`);
  return c;
}
