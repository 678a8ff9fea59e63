// TRANSITIONAL: positional launches of call sites not yet given a kernel declaration (removed with the last one).

import { gpu } from '../../kernels/context.js';
import { grid1d } from '../../kernels/grid.js';
import { markChecked, type Kernel } from '../../kernels/kernel.js';
import type { Tensor } from '../tensor.js';

export { tuning } from '../../kernels/launch.js';
export { sameShape } from './shapes.js';

interface KernelSpec {
  shader: string;
  entry?: string;
  reads: number;
  writes: number;
  constants?: Record<string, number>;
}

const legacy = new Map<string, Kernel>();

export function launch(spec: KernelSpec, reads: Tensor[], writes: Tensor[], params: ArrayLike<number>, groups: readonly [number, number?, number?]): void {
  const key = `${spec.shader}.${spec.entry ?? 'main'}/${spec.reads}/${spec.writes}`;
  let k = legacy.get(key);
  if (!k) {
    k = { shader: spec.shader, entry: spec.entry ?? 'main', uniform: '?', params: {}, reads: Array.from({ length: spec.reads }, (_, i) => `r${i}`), writes: Array.from({ length: spec.writes }, (_, i) => `w${i}`), overrides: [] };
    markChecked(k);
    legacy.set(key, k);
  }
  gpu().dispatch(k, spec.constants ?? {}, { reads: reads.map((t) => t.buffer), writes: writes.map((t) => t.buffer), params, groups });
}

export function launch1d(shader: string, entry: string, constants: Record<string, number>, reads: Tensor[], writes: Tensor[], n: number, params: ArrayLike<number>): void {
  const wg = (constants.WG ??= gpu().tuning.wgElementwise);
  launch({ shader, entry, reads: reads.length, writes: writes.length, constants }, reads, writes, params, grid1d(n, wg));
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
export function f32bits(x: number): number {
  f32[0] = x;
  return u32[0]!;
}
