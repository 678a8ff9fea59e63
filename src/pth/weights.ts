// A model file's bytes in either format, told apart by content rather than by name (checkpoints are
// often named .pth.tar, .pt or .bin): PyTorch's torch.save output, or safetensors. No node:fs here,
// so the browser reads model files the same way.

import { parseSafetensors, type Safetensors } from '../safetensors/format.js';
import { isPth, parsePth } from './index.js';

/** Entries under the model's names; a .pth's metadata is its checkpoint's top-level scalars (e.g. epoch). */
export function parseWeights(bytes: Uint8Array, source: string): Safetensors {
  if (!isPth(bytes)) return parseSafetensors(bytes, source);
  const { entries, scalars } = parsePth(bytes, source);
  return { entries, metadata: scalars };
}
