// Float64 CPU reference of every step of the weighted mask, written from the description (atan2,
// hypot-as-sqrt, floor bins) rather than from the GPU's integer tricks, so the tests compare two
// independent derivations. Operation orders follow numpy where the GPU reproduces them (pairwise sum
// of 8, numpy.corrcoef), which makes the comparison bit-exact.

import { BINS, CELLS, FACE_SIZE as SIZE, STRIP, diamondWeight } from '../face/geometry.js';
import { netInput } from '../face/image.js';
import type { GradientKind } from '../face/mask/gradients.js';
import type { BandLayout } from '../face/mask/mask.js';

export interface HogGradients {
  /** Orientation bin per pixel. */
  bin: Uint8Array;
  /** float64 magnitude per pixel. */
  mag: Float64Array;
}

/**
 * Per pixel, of the channel with the largest magnitude (first on ties): the 22.5° bin of
 * θ = (atan2(gy, gx)·180/π) mod 180 and m = hypot(gy, gx) (= sqrt(gx² + gy²): exact for integers).
 * centred: [−1, 0, 1], gy zero on the first/last row and gx on the first/last column.
 * sobel: 3×3 Sobel / 4, zero on all border pixels.
 */
export function gradients(face: Uint8Array, kind: GradientKind = 'centred'): HogGradients {
  const at = (y: number, x: number, c: number): number => face[(y * SIZE + x) * 3 + c]!;
  const bin = new Uint8Array(SIZE * SIZE);
  const mag = new Float64Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      let best = -1, gx = 0, gy = 0;
      for (let c = 0; c < 3; c++) {
        let u = 0, v = 0;
        const inner = (q: number): boolean => q > 0 && q < SIZE - 1;
        if (kind === 'sobel') {
          if (inner(x) && inner(y)) {
            u = (at(y - 1, x + 1, c) + 2 * at(y, x + 1, c) + at(y + 1, x + 1, c) - at(y - 1, x - 1, c) - 2 * at(y, x - 1, c) - at(y + 1, x - 1, c)) / 4;
            v = (at(y + 1, x - 1, c) + 2 * at(y + 1, x, c) + at(y + 1, x + 1, c) - at(y - 1, x - 1, c) - 2 * at(y - 1, x, c) - at(y - 1, x + 1, c)) / 4;
          }
        } else {
          if (inner(x)) u = at(y, x + 1, c) - at(y, x - 1, c);
          if (inner(y)) v = at(y + 1, x, c) - at(y - 1, x, c);
        }
        const m = Math.sqrt(u * u + v * v);
        if (m > best) (best = m), (gx = u), (gy = v);
      }
      let theta = (Math.atan2(gy, gx) * (180 / Math.PI)) % 180;
      if (theta < 0) theta += 180;
      bin[y * SIZE + x] = Math.floor(theta / 22.5);
      mag[y * SIZE + x] = best;
    }
  }
  return { bin, mag };
}

/**
 * Cell totals [5·8] (strips, then face): per bin a float32 running total over the cell's pixels in
 * row-major order, total = f32(f64(total) + m) — the order and rounding that reproduce the fixture.
 */
export function cellTotals(g: HogGradients): Float32Array {
  const out = new Float32Array(CELLS * BINS);
  for (let cell = 0; cell < CELLS; cell++) {
    const [x0, x1] = cell < 4 ? [cell * STRIP, (cell + 1) * STRIP] : [0, SIZE];
    const t = new Array<number>(BINS).fill(0);
    for (let y = 0; y < SIZE; y++) {
      for (let x = x0; x < x1; x++) {
        const b = g.bin[y * SIZE + x]!;
        t[b] = Math.fround(t[b]! + g.mag[y * SIZE + x]!);
      }
    }
    out.set(t, cell * BINS);
  }
  return out;
}

/** numpy's pairwise summation of 8 values. */
function sum8(v: ArrayLike<number>, o = 0): number {
  return v[o]! + v[o + 1]! + (v[o + 2]! + v[o + 3]!) + (v[o + 4]! + v[o + 5]! + (v[o + 6]! + v[o + 7]!));
}

/**
 * Histograms [5·8]: each total divided by its cell's area in float32 (the float64 quotient rounded to
 * float32 is the float32 division here: T/(49·2^k) never lands on a midpoint), then L1-normalised,
 * h / (Σ|h| + 1e-5), in float64.
 */
export function histograms(totals: ArrayLike<number>): Float64Array {
  const h = new Float64Array(CELLS * BINS);
  for (let cell = 0; cell < CELLS; cell++) {
    const area = cell < 4 ? SIZE * STRIP : SIZE * SIZE;
    for (let k = 0; k < BINS; k++) h[cell * BINS + k] = Math.fround(totals[cell * BINS + k]! / area);
    const d = sum8(h, cell * BINS) + 1e-5;
    for (let k = 0; k < BINS; k++) h[cell * BINS + k] = h[cell * BINS + k]! / d;
  }
  return h;
}

/** Pearson correlation as numpy.corrcoef computes it (cov with 1/(n − 1), two square roots, clip); NaN → 1. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const centred = (v: ArrayLike<number>): number[] => {
    const mean = sum8(v) / 8;
    return Array.from({ length: 8 }, (_, k) => v[k]! - mean);
  };
  const x = centred(a), y = centred(b);
  const cov = (u: number[], v: number[]): number => {
    let s = u[0]! * v[0]!;
    for (let k = 1; k < 8; k++) s += u[k]! * v[k]!;
    return s * (1 / 7);
  };
  const cxx = cov(x, x), cyy = cov(y, y);
  if (cxx === 0 || cyy === 0) return 1;
  const r = cov(x, y) / Math.sqrt(cxx) / Math.sqrt(cyy);
  return Math.max(-1, Math.min(1, r));
}

/** ρ_i between strip i and the face, from histograms(). */
export function correlations(h: ArrayLike<number>): Float64Array {
  const face = Array.from({ length: 8 }, (_, k) => h[4 * BINS + k]!);
  return Float64Array.from({ length: 4 }, (_, i) => pearson(Array.from({ length: 8 }, (_, k) => h[i * BINS + k]!), face));
}

/**
 * The float64 mask [224·224]: band weights ρ (rows of 56 rows, or columns of 56 columns), then the
 * landmark diamonds in index order, later ones overwriting; x = trunc(px), y = trunc(py), skipped when
 * x < 0, y < 0, x ≥ 223 or y ≥ 223; clipped at the border.
 */
export function weightedMask(rho: ArrayLike<number>, landmarks: ArrayLike<number>, layout: BandLayout = 'rows'): Float64Array {
  const m = new Float64Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) m[y * SIZE + x] = rho[Math.floor((layout === 'rows' ? y : x) / STRIP)]!;
  }
  for (let i = 0; i < landmarks.length / 2; i++) {
    const x = Math.trunc(landmarks[2 * i]!), y = Math.trunc(landmarks[2 * i + 1]!);
    if (x < 0 || y < 0 || x >= SIZE - 1 || y >= SIZE - 1) continue;
    for (let dr = -7; dr <= 7; dr++) {
      for (let dc = -7; dc <= 7; dc++) {
        const r = y + dr, c = x + dc;
        if (r >= 0 && r < SIZE && c >= 0 && c < SIZE) m[r * SIZE + c] = diamondWeight(dr, dc);
      }
    }
  }
  return m;
}

/** Network inputs [3·224·224] (B,G,R planes): image = netInput(c), attention = netInput(c, mask). */
export function netInputs(face: Uint8Array, mask: ArrayLike<number>): { image: Float32Array; attn: Float32Array } {
  const hw = SIZE * SIZE;
  const image = new Float32Array(3 * hw), attn = new Float32Array(3 * hw);
  for (let i = 0; i < hw; i++) {
    for (let c = 0; c < 3; c++) {
      const v = face[3 * i + c]!;
      image[c * hw + i] = netInput(v);
      attn[c * hw + i] = netInput(v, mask[i]!);
    }
  }
  return { image, attn };
}

export interface ReferenceMask {
  totals: Float32Array;
  hog: Float64Array;
  rho: Float64Array;
  mask: Float64Array;
  image: Float32Array;
  attn: Float32Array;
}

/** Every step for one 224×224×3 face and its 68 landmarks in face coordinates. */
export function referenceMask(face: Uint8Array, landmarks: ArrayLike<number>, opts: { gradient?: GradientKind; bands?: BandLayout } = {}): ReferenceMask {
  const totals = cellTotals(gradients(face, opts.gradient));
  const hog = histograms(totals);
  const rho = correlations(hog);
  const mask = weightedMask(rho, landmarks, opts.bands);
  return { totals, hog, rho, mask, ...netInputs(face, mask) };
}
