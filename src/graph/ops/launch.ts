// The one place ops turn tensors into a dispatch: buffers in binding order, params, grid.

import { gpu } from '../../kernels/context.js';
import { grid1d } from '../../kernels/grid.js';
import type { KernelSpec } from '../../kernels/pipeline.js';
import type { Tensor } from '../tensor.js';

export { f32bits } from '../../kernels/recorder.js';

export function launch(spec: KernelSpec, reads: Tensor[], writes: Tensor[], params: ArrayLike<number>, groups: readonly [number, number?, number?]): void {
  gpu().dispatch(
    { ...spec, reads: reads.length, writes: writes.length },
    { reads: reads.map((t) => t.buffer), writes: writes.map((t) => t.buffer), params, groups },
  );
}

/** Launch over `n` invocations of a 1-D kernel whose workgroup size is the override WG. */
export function launch1d(shader: string, entry: string, constants: Record<string, number>, reads: Tensor[], writes: Tensor[], n: number, params: ArrayLike<number>): void {
  const wg = (constants.WG ??= gpu().tuning.wgElementwise);
  launch({ shader, entry, reads: reads.length, writes: writes.length, constants }, reads, writes, params, grid1d(n, wg));
}

export function tuning() {
  return gpu().tuning;
}

export function sameShape(op: string, a: Tensor, b: Tensor): void {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new Error(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
  }
}
