// Aligned face crops held in memory, what a batch of network inputs is made from: the face cache read
// from its file (src/data/cache.ts) and the faces a browser page collects are both FaceCrops. No Node
// module here, so the browser bundle can build batches from it.

import type { BgrImage } from '../face/image.js';

export interface FaceCrops {
  count: number;
  size: number;
  /** Per crop: 1 (grey) or 3 (B,G,R). */
  channels: Uint8Array;
  /** Crop i is size×size×channels[i] bytes at offsets[i]. */
  pixels: Uint8Array;
  offsets: Float64Array;
  /** [count, 68, 2] (x, y) in crop pixels. */
  landmarks: Float32Array;
  /** Class index of each crop. */
  samples: readonly { label: number }[];
}

/** Writes crop i as size×size×3 B,G,R bytes (grey expanded) into `out` at byte `at`. */
function copyFace(c: FaceCrops, i: number, out: Uint8Array, at: number): void {
  const px = c.size * c.size;
  const src = c.pixels.subarray(c.offsets[i]!, c.offsets[i]! + px * c.channels[i]!);
  if (c.channels[i] === 3) return out.set(src, at);
  for (let j = 0; j < px; j++) out[at + 3 * j] = out[at + 3 * j + 1] = out[at + 3 * j + 2] = src[j]!;
}

/** Crop i as a size×size×3 B,G,R image. */
export function cachedFace(c: FaceCrops, i: number): BgrImage {
  const data = new Uint8Array(c.size * c.size * 3);
  copyFace(c, i, data, 0);
  return { data, height: c.size, width: c.size };
}

/** The crops of `indices` as one [B, size, size, 3] B,G,R array (the mask's and the batch's input). */
export function cachedBatch(c: FaceCrops, indices: readonly number[]): Uint8Array {
  const bytes = c.size * c.size * 3;
  const out = new Uint8Array(indices.length * bytes);
  indices.forEach((i, b) => copyFace(c, i, out, b * bytes));
  return out;
}
