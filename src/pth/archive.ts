// The zip format of torch.save (PyTorch 1.6 and later): `<name>/data.pkl` holds the pickle, each
// storage is the entry `<name>/data/<key>`, and since PyTorch 2.1 `<name>/byteorder` says whether the
// storages are little- or big-endian (older files are little-endian).

import { userError } from '../errors.js';
import { unpickle, type PyValue } from './pickle.js';
import { torchPickle } from './torch_globals.js';
import { readZip } from './zip.js';

/** The unpickled top-level object of a zip-format .pth. */
export function readZipCheckpoint(bytes: Uint8Array, source: string): PyValue {
  const zip = readZip(bytes, source);
  const dir = zip.names[0]?.split('/')[0];
  const pickle = `${dir}/data.pkl`;
  if (!dir || !zip.names.includes(pickle)) throw userError(source, 'a zip archive without <name>/data.pkl, so not a PyTorch checkpoint', 'pass a file written by torch.save');
  const order = `${dir}/byteorder`;
  if (zip.names.includes(order)) {
    const text = new TextDecoder().decode(zip.read(order)).trim();
    if (text !== 'little') throw userError(source, `its tensors are stored ${text}-endian`, 'save it on a little-endian machine (x86, ARM)');
  }
  return unpickle(zip.read(pickle), 0, { source, ...torchPickle(source, (key) => zip.read(`${dir}/data/${key}`)) }).value;
}
