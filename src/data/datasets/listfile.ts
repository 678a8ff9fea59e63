// List files: `path<TAB>label[<TAB>subject]` per line, paths relative to the list's folder, labels in
// our 7-class order (0 neutral … 6 anger) or, as a stated choice, the original project's (0 surprise …
// 6 neutral). Blank lines and lines starting with # are skipped. An image's landmarks are
// `<stem>_landmarks.txt` beside it, else null (then detected by the landmark nets). The subject column is
// optional; without it CK+-style names (`S005_…`) give their subject.

import { basename, dirname, extname, join, resolve } from 'node:path';
import { userError } from '../../errors.js';
import { DEFAULT_LABEL_ORDER, LABEL_ORDERS, describeCodes, mapLabel, type LabelOrder } from '../labels.js';
import { ckSubject, isFile, listFolder, numberedLines, readText, type Dataset, type Sample } from './common.js';
import { isFileOfType, isFileSync, type Layout } from './layout.js';

export const listLayout: Layout = {
  what: 'a list file ("path<TAB>label[<TAB>subject]" lines)',
  matches: (path) => isFileSync(path) && !isFileOfType(path, ['.csv']),
};

export async function readListFile(path: string, order: LabelOrder = DEFAULT_LABEL_ORDER): Promise<Dataset> {
  const list = resolve(path);
  const codes = LABEL_ORDERS[order];
  if (!(await isFile(list))) throw userError(list, 'list file not found', `pass a text file of "path<TAB>label" lines (labels ${describeCodes(codes)})`);
  const dir = dirname(list);
  const folders = new Map<string, Promise<ReadonlySet<string>>>(); // one listing per image folder
  const namesIn = (d: string): Promise<ReadonlySet<string>> => {
    if (!folders.has(d)) folders.set(d, listFolder(d).then((names) => new Set(names), () => new Set()));
    return folders.get(d)!;
  };
  const samples: Sample[] = [];
  for (const [n, line] of numberedLines(await readText(list, 'check its permissions'))) {
    if (line.trimStart().startsWith('#')) continue;
    const where = `${list}:${n}`;
    const [rel, code, subject, ...rest] = line.split('\t').map((s) => s.trim());
    if (!rel || code === undefined || rest.length > 0) throw userError(where, `expected "path<TAB>label[<TAB>subject]", got ${JSON.stringify(line.slice(0, 60))}`, 'separate the fields with one tab');
    const label = mapLabel(codes, code, where);
    if (label === null) continue;
    const image = resolve(dir, rel);
    const names = await namesIn(dirname(image));
    if (!names.has(basename(image))) throw userError(where, `image ${image} not found`, `fix the path (relative to ${dir})`);
    const lm = `${basename(image, extname(image))}_landmarks.txt`;
    const landmarks = names.has(lm) ? join(dirname(image), lm) : null;
    samples.push({ source: image, image, label, subject: subject || ckSubject(image), split: null, landmarks });
  }
  if (samples.length === 0) throw userError(list, 'lists no images', 'add "path<TAB>label" lines');
  return { name: 'list', path: list, root: dir, samples };
}
