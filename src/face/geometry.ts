// The aligned face crop and the weighted mask's layout on it: the sizes that alignment, the mask
// kernels, face batches, drawing and the CPU reference all share.

/** Side of the aligned face crop, in pixels; the weighted mask is defined on crops of this size. */
export const FACE_SIZE = 224;
/** Landmarks per face (iBUG 68-point order). */
export const LANDMARKS = 68;
/** Columns of each of the 4 vertical strips whose histograms are correlated with the face's. */
export const STRIP = FACE_SIZE / 4;
/** Orientation bins of 22.5° over 0–180°. */
export const BINS = 8;
/** Histogram cells: strips 0–3 (left to right), then the whole face. */
export const CELLS = 5;

/** The landmark diamond's mask value at row/column offsets (dr, dc) ∈ −7…7 from its centre, in float64. */
export function diamondWeight(dr: number, dc: number): number {
  return 1 - Math.abs(dr) / 15 - Math.abs(dc) / 15;
}
