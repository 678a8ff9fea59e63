// The one place a kernel is dispatched: named buffers in binding order, named params encoded as their
// WGSL types, override constants, and the grid. Anything holding a GPU buffer binds (tensors do).

import { gpu } from './context.js';
import { grid1d } from './grid.js';
import { encodeParams, type Kernel, type ParamType, type ParamValue } from './kernel.js';

export interface Bindable {
  readonly buffer: GPUBuffer;
}

export type Bindings<N extends string> = { readonly [K in N]: Bindable };
export type Params<P extends Record<string, ParamType>> = { readonly [F in keyof P]: ParamValue<P[F]> };
export type Overrides<O extends string> = { readonly [K in O]?: number };
export type Groups = readonly [number, number?, number?];

export function launch<P extends Record<string, ParamType>, R extends string, W extends string, O extends string>(
  k: Kernel<P, R, W, O>, reads: Bindings<R>, writes: Bindings<W>, params: Params<P>, groups: Groups, constants: Overrides<O> = {},
): void {
  gpu().dispatch(k as unknown as Kernel, constants as Record<string, number>, {
    reads: k.reads.map((r) => reads[r].buffer),
    writes: k.writes.map((w) => writes[w].buffer),
    params: encodeParams(k, params),
    groups,
  });
}

/**
 * Launch over `n` invocations of a 1-D kernel whose workgroup size is its WG override (the tuned
 * elementwise size unless the constants give one).
 */
export function launch1d<P extends Record<string, ParamType>, R extends string, W extends string, O extends string>(
  k: Kernel<P, R, W, O | 'WG'>, n: number, reads: Bindings<R>, writes: Bindings<W>, params: Params<P>, constants: Overrides<O | 'WG'> = {},
): void {
  const wg = constants.WG ?? gpu().tuning.wgElementwise;
  launch(k, reads, writes, params, grid1d(n, wg), { ...constants, WG: wg });
}

export function tuning() {
  return gpu().tuning;
}
