// The 7 expression classes in the original's order, and each dataset's label codes mapped onto them
// by name. A code a dataset does not define is a UserError; a code the class set leaves out
// (contempt, AffectNet's none, uncertain and non-faces) maps to null and the sample is left out.

import { userError } from '../errors.js';

export const CLASS_NAMES = ['neutral', 'happy', 'sad', 'surprise', 'fear', 'disgust', 'anger'] as const;
export type ClassName = (typeof CLASS_NAMES)[number];
export const NUM_CLASSES = CLASS_NAMES.length;

/** What a code stands for that is not one of the 7 classes. */
type LeftOutName = 'contempt' | 'none' | 'uncertain' | 'not a face';

/** A dataset's code (as written in its files) → its class index (null: left out) and its name. */
export type LabelMap = ReadonlyMap<string, { class: number | null; name: string }>;

function labelMap(codes: Record<string, ClassName | LeftOutName>): LabelMap {
  const classOf = (name: string): number | null => ((CLASS_NAMES as readonly string[]).includes(name) ? (CLASS_NAMES as readonly string[]).indexOf(name) : null);
  return new Map(Object.entries(codes).map(([code, name]) => [code, { class: classOf(name), name }]));
}

export const LABEL_MAPS = {
  /** CK+ official `Emotion/…_emotion.txt`. */
  ckplus: labelMap({ 0: 'neutral', 1: 'anger', 2: 'contempt', 3: 'disgust', 4: 'fear', 5: 'happy', 6: 'sad', 7: 'surprise' }),
  /** CK+ class folders and CK+48. */
  ckFolders: labelMap({ anger: 'anger', contempt: 'contempt', disgust: 'disgust', fear: 'fear', happy: 'happy', neutral: 'neutral', sadness: 'sad', surprise: 'surprise' }),
  /** RAF-DB basic `EmoLabel/list_patition_label.txt`, and the class folders 1–7 of its `DATASET/` form. */
  rafdb: labelMap({ 1: 'surprise', 2: 'fear', 3: 'disgust', 4: 'happy', 5: 'sad', 6: 'anger', 7: 'neutral' }),
  /** AffectNet `expression` column and `_exp.npy` files. */
  affectnet: labelMap({ 0: 'neutral', 1: 'happy', 2: 'sad', 3: 'surprise', 4: 'fear', 5: 'disgust', 6: 'anger', 7: 'contempt', 8: 'none', 9: 'uncertain', 10: 'not a face' }),
  /** FER2013 `emotion` column. */
  fer2013: labelMap({ 0: 'anger', 1: 'disgust', 2: 'fear', 3: 'happy', 4: 'sad', 5: 'surprise', 6: 'neutral' }),
  /** FER2013's class folders (`train/angry/…`), the form Kaggle shares. */
  ferFolders: labelMap({ angry: 'anger', disgust: 'disgust', fear: 'fear', happy: 'happy', neutral: 'neutral', sad: 'sad', surprise: 'surprise' }),
  /** Our list files: the class order itself. */
  list: labelMap(Object.fromEntries(CLASS_NAMES.map((n, i) => [i, n]))),
  /** List files in the original project's order (its README's `xxx.jpg<TAB>label`). */
  listOriginal: labelMap({ 0: 'surprise', 1: 'fear', 2: 'disgust', 3: 'happy', 4: 'sad', 5: 'anger', 6: 'neutral' }),
} as const;

/** How a list file's labels are numbered: ours (0 neutral …) or the original project's (0 surprise …). */
export const LABEL_ORDERS = { ours: LABEL_MAPS.list, original: LABEL_MAPS.listOriginal } as const;
export type LabelOrder = keyof typeof LABEL_ORDERS;
export const DEFAULT_LABEL_ORDER: LabelOrder = 'ours';

/** "0 neutral, 1 anger, 2 contempt (left out), …" for messages. */
export function describeCodes(map: LabelMap): string {
  return [...map].map(([code, c]) => `${code} ${c.name}${c.class === null ? ' (left out)' : ''}`).join(', ');
}

/** The map's entry for `code` (integers may be written as numbers or as floats like "3.0000000e+00"); `where` (file:line) names the place in the error. */
function entryOf(map: LabelMap, code: string | number, where: string): { class: number | null; name: string; code: string } {
  const text = String(code).trim();
  const n = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
  const key = Number.isInteger(n) ? String(n) : text;
  const c = map.get(key);
  if (c === undefined) throw userError(where, `label ${JSON.stringify(text)} is out of range`, `use one of ${describeCodes(map)}`);
  return { ...c, code: key };
}

/** The class index of `code`, null when its class is left out. */
export function mapLabel(map: LabelMap, code: string | number, where: string): number | null {
  return entryOf(map, code, where).class;
}

/**
 * Labels of one file or folder, counting the samples whose class is left out, so that a reader can
 * say how many it dropped and why (AffectNet drops a tenth of its rows this way).
 */
export class LabelTally {
  private readonly left = new Map<string, number>();
  private total = 0;

  constructor(readonly map: LabelMap) {}

  /** The class index of `code`, null (and counted) when its class is left out. */
  label(code: string | number, where: string): number | null {
    const e = entryOf(this.map, code, where);
    this.total++;
    if (e.class === null) {
      const key = e.name === e.code ? e.name : `${e.name} (${e.code})`;
      this.left.set(key, (this.left.get(key) ?? 0) + 1);
    }
    return e.class;
  }

  /** "<what>: 3 of 40 samples left out, their classes not among the 7: 2 contempt (7), 1 none (8)", or null when none was. */
  note(what: string, unit = 'samples'): string | null {
    const n = [...this.left.values()].reduce((a, b) => a + b, 0);
    if (n === 0) return null;
    return `${what}: ${n} of ${this.total} ${unit} left out, their classes not among the 7: ${[...this.left].map(([k, v]) => `${v} ${k}`).join(', ')}`;
  }
}

const orderCodes = (order: LabelOrder): string => [...LABEL_ORDERS[order]].map(([code, c]) => `${code} ${c.name}`).join(', ');

/** The --label-order flag's help: both orders spelled out, the default named. */
export const LABEL_ORDER_HELP = `list files: how labels are numbered, ours (${orderCodes('ours')}) or original (the original project's: ${orderCodes('original')}); default ${DEFAULT_LABEL_ORDER}`;

/** The label order a flag names; undefined when not given. */
export function labelOrderOf(text: string | undefined): LabelOrder | undefined {
  if (text === undefined) return undefined;
  if (!Object.hasOwn(LABEL_ORDERS, text)) throw userError(`--label-order ${text}`, 'is not a label order', `use ours (${orderCodes('ours')}) or original (${orderCodes('original')})`);
  return text as LabelOrder;
}
