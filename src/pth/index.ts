// PyTorch .pth files read without running Python: either torch.save format (zip, or the legacy
// stream), a restricted unpickler, and the state dict's tensors as safetensors entries.

import { isZip } from './zip.js';
import { readZipCheckpoint } from './archive.js';
import { isLegacyPth, readLegacyCheckpoint } from './legacy.js';
import { stateDictOf, type StateDict } from './state_dict.js';

export type { StateDict } from './state_dict.js';

/** Whether the bytes start like a file torch.save wrote. */
export const isPth = (bytes: Uint8Array): boolean => isZip(bytes) || isLegacyPth(bytes);

/** The weights of a .pth (see isPth); `source` names it in errors. */
export function parsePth(bytes: Uint8Array, source: string): StateDict {
  const plain = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength); // a Buffer's subarrays would be Buffers, whose slice() does not copy
  return stateDictOf(isZip(plain) ? readZipCheckpoint(plain, source) : readLegacyCheckpoint(plain, source), source);
}
