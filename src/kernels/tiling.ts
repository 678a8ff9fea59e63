// Register-tile and reduction-slice sizes of one dispatch of the tiled conv kernels, from the adapter's
// tuning and the dimensions they cover.

import { tuning } from './launch.js';

/**
 * Register tiles (a, b) for one dispatch: the tuned sizes, capped by the dimensions they tile (see tile),
 * then halved, the larger first, until the dispatch has tuning's minInvocations: a GPU left with a few
 * thousand threads idles however well each one reuses its loads.
 */
export function fitTiles(a: [tuned: number, dim: number], b: [tuned: number, dim: number], invocations: (ta: number, tb: number) => number): [number, number] {
  let ta = tile(...a);
  let tb = tile(...b);
  const min = tuning().conv.minInvocations;
  while (invocations(ta, tb) < min && ta * tb > 1) {
    if (ta > tb) ta /= 2;
    else tb /= 2;
  }
  return [ta, tb];
}

/**
 * The tuned tile capped by the dimension it tiles, rounded up to a power of two so that few pipeline
 * variants get compiled (kernels clamp and skip the excess).
 */
export function tile(tuned: number, dim: number): number {
  return Math.min(tuned, 2 ** Math.ceil(Math.log2(dim)));
}

/** Fewest reduction positions per slice: below this, summing the slices costs more than it spreads. */
const MIN_SLICE = 32;

/** Slices of a reduction over `positions` for `blocks` register blocks: enough to fill the device, none shorter than MIN_SLICE. */
export function sliceCount(blocks: number, positions: number): number {
  return Math.max(1, Math.min(Math.ceil(tuning().conv.minInvocations / blocks), Math.floor(positions / MIN_SLICE)));
}
