// The weights inside an unpickled .pth: the top level itself when it maps names to tensors
// (torch.save(model.state_dict())), else the one such dict among its values (a training checkpoint:
// {'epoch': …, 'state_dict': …, 'optimizer': …}). `nn.DataParallel` prefixes every name with
// `module.`, which is removed so that the names are the model's own.

import { userError } from '../errors.js';
import type { Entry } from '../safetensors/entry.js';
import type { PyKey, PyValue } from './pickle.js';
import { tensorEntry } from './tensor.js';
import { TensorRef } from './torch_globals.js';

export interface StateDict {
  entries: Map<string, Entry>;
  /** The checkpoint's key that held the weights; undefined when they were the top level. */
  within?: string;
  /** Whether DataParallel's `module.` prefix was removed from every name. */
  unprefixed: boolean;
  /** The checkpoint's other top-level numbers, strings and booleans (an epoch, an accuracy), as text. */
  scalars: Record<string, string>;
}

const DATA_PARALLEL = 'module.';
const FIX = 'in Python, save the weights alone with torch.save(model.state_dict(), "weights.pth") and pass that file';

const isStateDict = (v: PyValue): v is Map<string, TensorRef> =>
  v instanceof Map && v.size > 0 && [...v].every(([k, t]) => typeof k === 'string' && t instanceof TensorRef);

const describe = (v: PyValue): string => (v instanceof Map ? 'dict' : Array.isArray(v) ? (Object.isFrozen(v) ? 'tuple' : 'list') : v instanceof TensorRef ? 'tensor' : v === null ? 'None' : typeof v);

export function stateDictOf(root: PyValue, source: string): StateDict {
  let weights: Map<string, TensorRef>;
  let within: string | undefined;
  const scalars: Record<string, string> = {};
  if (isStateDict(root)) weights = root;
  else {
    if (!(root instanceof Map)) throw userError(source, `holds a ${describe(root)}, not a dict of tensors`, FIX);
    const found = [...root].filter((e): e is [PyKey, Map<string, TensorRef>] => isStateDict(e[1]));
    const keys = [...root.keys()].map(String);
    if (found.length === 0) throw userError(source, `no dict of tensors among its keys (${keys.join(', ')})`, FIX);
    if (found.length > 1) {
      throw userError(source, `several dicts of tensors (${found.map(([k]) => k).join(', ')}), so which weights to load is unclear`, `in Python, save the one you want with torch.save(checkpoint["${String(found[0]![0])}"], "weights.pth")`);
    }
    within = String(found[0]![0]);
    weights = found[0]![1];
    for (const [k, v] of root) if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') scalars[String(k)] = String(v);
  }
  const unprefixed = [...weights.keys()].every((k) => k.startsWith(DATA_PARALLEL));
  const entries = new Map<string, Entry>();
  for (const [k, t] of weights) entries.set(unprefixed ? k.slice(DATA_PARALLEL.length) : k, tensorEntry(t, k));
  return { entries, within, unprefixed, scalars };
}
