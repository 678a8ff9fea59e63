// Float64 values as pairs of little-endian u32 words: how the mask kernels, which WGSL gives no f64,
// take float64 constants (vec2u uniforms) and hand back ρ (i32 tensors of word pairs).

import type { Tensor } from '../../graph/tensor.js';

/** A float64 as its two little-endian u32 words. */
export function f64Words(x: number): [number, number] {
  const w = new Uint32Array(Float64Array.of(x).buffer);
  return [w[0]!, w[1]!];
}

/** The float64 values held as pairs of 32-bit words. */
export function float64Words(words: Float32Array | Int32Array): Float64Array {
  return new Float64Array(words.buffer, words.byteOffset, words.length / 2);
}

/** The float64 values of an i32 tensor of word pairs (rho). */
export async function readFloat64(t: Tensor): Promise<Float64Array> {
  return float64Words(await t.read());
}
