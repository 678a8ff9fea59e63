// Procedurally drawn cartoon faces with exact 68-point landmarks (iBUG order) and one of the 7
// expressions, so that the whole pipeline can train and evaluate on data that ships with the project.
// A face is built in "face units" (origin between the eyes, y down, eye centres about 1 apart) from a
// per-subject identity and per-class FACS-like cues scaled by a per-image intensity, jittered, placed
// into the image with a random scale and rotation, and drawn as anti-aliased strokes along the
// landmark contours, so every landmark lies on what is drawn.

import { bounds, fillPolygon, MaskArena, paint, strokePolyline } from '../../draw/polygon.js';
import { cropBox } from '../../face/align.js';
import { seededRandom } from '../../nn/init.js';
import { userError } from '../../errors.js';
import { NUM_CLASSES } from '../labels.js';
import type { Dataset, GrayPixels, Sample } from './common.js';

export const SYNTHETIC_WIDTH = 320;
export const SYNTHETIC_HEIGHT = 240;

type Rand = () => number;
type Point = [x: number, y: number];

const uniform = (r: Rand, lo: number, hi: number): number => lo + (hi - lo) * r();

/** A 32-bit hash of several integers, so that each subject and image has its own stable stream. */
function hashSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** Standard-normal values drawn once; pixel noise indexes them, far cheaper than Box–Muller per pixel. */
const GAUSS = (() => {
  const r = seededRandom(12345);
  const t = new Float32Array(4096);
  for (let i = 0; i < t.length; i++) t[i] = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return t;
})();
const gauss = (r: Rand): number => GAUSS[(r() * GAUSS.length) | 0]!;

/** Adds Gaussian noise to every pixel; an inline xorshift32 draws it. */
function addNoise(img: Uint8ClampedArray, sigma: number, seed: number): void {
  let s = seed | 0 || 1;
  for (let o = 0; o < img.length; o++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    img[o] += sigma * GAUSS[s >>> 20]!;
  }
}

// ---------------------------------------------------------------------------------------------------
// Shape: identity + expression → 68 points in face units.

/** Ranges of the per-subject proportions, in face units (eye centres ≈ 1 apart). */
const IDENTITY_RANGES = {
  eyeX: [0.46, 0.54], // half the eye spacing
  eyeW: [0.19, 0.24], // half an eye's width
  eyeH: [0.07, 0.095], // upper lid height
  browY: [-0.38, -0.3],
  browArch: [0.04, 0.09],
  browOuter: [0.78, 0.92],
  browInner: [0.13, 0.2],
  noseLen: [0.55, 0.68],
  noseW: [0.16, 0.22],
  mouthGap: [0.36, 0.46], // nose tip → mouth
  mouthW: [0.36, 0.46], // half the mouth's width
  lipUp: [0.07, 0.11],
  lipLo: [0.09, 0.14],
  jawTop: [0.08, 0.2],
  jawW: [0.95, 1.12],
  chinGap: [0.55, 0.7], // mouth → chin
  jawSquare: [0.7, 0.95], // exponent < 1 squares the jaw's sides
} as const satisfies Record<string, readonly [number, number]>;

export type Identity = Record<keyof typeof IDENTITY_RANGES, number>;

const mapRanges = (f: (lo: number, hi: number) => number): Identity =>
  Object.fromEntries(Object.entries(IDENTITY_RANGES).map(([k, [lo, hi]]) => [k, f(lo, hi)])) as Identity;

export const MEAN_IDENTITY: Identity = mapRanges((lo, hi) => (lo + hi) / 2);

/** Expression cues as offsets from neutral (all 0); lid, width and press entries are relative. */
export interface Expression {
  browRaise: number; // both brows up
  browInner: number; // inner ends up (sad, fear) or down (anger)
  browTogether: number; // inner ends toward the midline
  lidUpper: number; // upper lid height, relative
  lidLower: number; // lower lid depth, relative (negative: raised, narrowed)
  mouthWidth: number; // relative
  mouthOpen: number; // gap between the inner lips; the jaw drops with it
  cornerLift: number; // mouth corners up (smile) or down
  upperLipRaise: number;
  lipPress: number; // lip thickness, relative
  noseLift: number; // nose base up
}

const NEUTRAL: Expression = {
  browRaise: 0, browInner: 0, browTogether: 0, lidUpper: 0, lidLower: 0, mouthWidth: 0,
  mouthOpen: 0, cornerLift: 0, upperLipRaise: 0, lipPress: 0, noseLift: 0,
};

/** Full-intensity cues per class, CLASS_NAMES order. */
const CUES: readonly Partial<Expression>[] = [
  {}, // neutral
  { cornerLift: 0.14, mouthWidth: 0.2, lidLower: -0.5, lidUpper: -0.12, mouthOpen: 0.03 }, // happy
  { cornerLift: -0.11, browInner: 0.11, lidUpper: -0.25, mouthWidth: -0.05 }, // sad
  { browRaise: 0.15, browInner: 0.02, lidUpper: 0.65, lidLower: 0.15, mouthOpen: 0.32, mouthWidth: -0.25 }, // surprise
  { browRaise: 0.09, browTogether: 0.07, browInner: 0.05, lidUpper: 0.55, mouthWidth: 0.16, mouthOpen: 0.08, cornerLift: -0.04 }, // fear
  { upperLipRaise: 0.07, noseLift: 0.06, browRaise: -0.06, browTogether: 0.03, lidUpper: -0.35, lidLower: -0.35, cornerLift: -0.04 }, // disgust
  { browRaise: -0.06, browTogether: 0.07, browInner: -0.09, lidUpper: -0.22, lidLower: -0.2, lipPress: -0.55, mouthWidth: -0.08 }, // anger
];

/** Random per-image spread of every cue, so that classes overlap a little (one standard deviation). */
const CUE_NOISE: Expression = {
  browRaise: 0.02, browInner: 0.02, browTogether: 0.01, lidUpper: 0.08, lidLower: 0.08, mouthWidth: 0.04,
  mouthOpen: 0.01, cornerLift: 0.02, upperLipRaise: 0.008, lipPress: 0.08, noseLift: 0.01,
};

/** The cues of `label` at `intensity` (1 = CUES), plus noise when `rand` is given. */
export function expression(label: number, intensity: number, rand?: Rand): Expression {
  const cues = CUES[label];
  if (!cues) throw new Error(`expression: label ${label} is not 0…${NUM_CLASSES - 1}`);
  const e = { ...NEUTRAL };
  for (const k of Object.keys(e) as (keyof Expression)[]) e[k] = intensity * (cues[k] ?? 0) + (rand ? CUE_NOISE[k] * gauss(rand) : 0);
  e.mouthOpen = Math.max(0, e.mouthOpen);
  e.upperLipRaise = Math.max(0, e.upperLipRaise);
  return e;
}

/** 68 points [x0, y0, …] in face units for an identity and expression (no jitter). */
export function faceShape(id: Identity, e: Expression): Float64Array {
  const pts: Point[] = [];
  const dropLower = 0.75 * e.mouthOpen; // the jaw opens the mouth: the lower lip moves most
  const mouthY = id.noseLen + id.mouthGap;

  // Jaw 0–16, left to right through the chin: the lower half of a squared ellipse.
  const jawH = mouthY + id.chinGap + 0.8 * dropLower - id.jawTop;
  for (let k = 0; k <= 16; k++) {
    const a = (Math.PI * k) / 16, c = Math.cos(a);
    pts.push([-id.jawW * Math.sign(c) * Math.abs(c) ** id.jawSquare, id.jawTop + jawH * Math.sin(a)]);
  }

  // Brows 17–21 and 22–26, each left to right; t = 1 at the inner end.
  const brow = (side: -1 | 1, t: number): Point => {
    const x = side * (id.browOuter + (id.browInner - id.browOuter) * t - e.browTogether * t);
    const y = id.browY - id.browArch * Math.sin(Math.PI * (0.15 + 0.7 * t)) - e.browRaise - e.browInner * t * t;
    return [x, y];
  };
  for (let j = 0; j < 5; j++) pts.push(brow(-1, j / 4));
  for (let j = 4; j >= 0; j--) pts.push(brow(1, j / 4));

  // Nose bridge 27–30 down to the tip, nose base 31–35 left to right.
  const tipY = id.noseLen - 0.5 * e.noseLift;
  for (let j = 0; j < 4; j++) pts.push([0, 0.04 + ((tipY - 0.04) * j) / 3]);
  const baseY = id.noseLen + 0.06 - e.noseLift, nw = id.noseW * (1 + 1.5 * e.noseLift);
  pts.push([-nw, baseY - 0.05], [-nw / 2, baseY], [0, baseY + 0.02], [nw / 2, baseY], [nw, baseY - 0.05]);

  // Eyes 36–41 and 42–47: corner, two upper-lid points, corner, two lower-lid points, left to right on top.
  const up = Math.max(0.01, id.eyeH * (1 + e.lidUpper)), lo = Math.max(0.008, 0.8 * id.eyeH * (1 + e.lidLower));
  for (const cx of [-id.eyeX, id.eyeX]) {
    const w = id.eyeW;
    pts.push([cx - w, 0], [cx - 0.4 * w, -up], [cx + 0.4 * w, -up], [cx + w, 0], [cx + 0.4 * w, lo], [cx - 0.4 * w, lo]);
  }

  // Lips 48–67 at positions u (−1 … 1 across the mouth); the smile bends the whole mouth by u².
  const mw = id.mouthW * (1 + e.mouthWidth);
  const press = 1 + e.lipPress;
  const lip = (u: number, y: number): Point => [u * mw, mouthY + y - e.cornerLift * u * u];
  const gap = (u: number): number => Math.sqrt(Math.max(0, 1 - u * u));
  const innerUp = (u: number): number => -(0.25 * e.mouthOpen + e.upperLipRaise) * gap(u);
  const innerLo = (u: number): number => dropLower * gap(u);
  const UPPER: [u: number, bow: number][] = [[-0.6, 0.8], [-0.22, 1], [0, 0.8], [0.22, 1], [0.6, 0.8]];
  const LOWER: [u: number, bulge: number][] = [[0.6, 0.75], [0.22, 0.97], [0, 1], [-0.22, 0.97], [-0.6, 0.75]];
  pts.push(lip(-1, 0));
  for (const [u, bow] of UPPER) pts.push(lip(u, innerUp(u) - id.lipUp * press * bow));
  pts.push(lip(1, 0));
  for (const [u, bulge] of LOWER) pts.push(lip(u, innerLo(u) + id.lipLo * press * bulge));
  pts.push(lip(-0.9, 0));
  for (const u of [-0.4, 0, 0.4]) pts.push(lip(u, innerUp(u)));
  pts.push(lip(0.9, 0));
  for (const u of [0.4, 0, -0.4]) pts.push(lip(u, innerLo(u)));

  return Float64Array.from(pts.flat());
}

// ---------------------------------------------------------------------------------------------------
// Drawing: landmark contours as smooth curves, filled and stroked into a byte image.

/** One face's masks at a time: renderFace clears the arena before drawing. */
const masks = new MaskArena();

/**
 * A centripetal Catmull–Rom curve through `pts` as flat [x, y, …], sampled every ~3 px; it passes
 * through every point, so landmarks sit on the stroke, and the centripetal form never loops between
 * close points.
 */
function spline(pts: readonly Point[], closed: boolean): number[] {
  const n = pts.length;
  const at = (i: number): Point => {
    if (closed) return pts[(i + n) % n]!;
    if (i < 0) return [2 * pts[0]![0] - pts[1]![0], 2 * pts[0]![1] - pts[1]![1]];
    if (i >= n) return [2 * pts[n - 1]![0] - pts[n - 2]![0], 2 * pts[n - 1]![1] - pts[n - 2]![1]];
    return pts[i]!;
  };
  const knot = (a: Point, b: Point): number => Math.max(1e-4, Math.sqrt(Math.hypot(b[0] - a[0], b[1] - a[1])));
  const lerp = (a: number, b: number, ta: number, tb: number, t: number): number => a + ((b - a) * (t - ta)) / (tb - ta);
  const out: number[] = [...pts[0]!];
  for (let i = 0; i < (closed ? n : n - 1); i++) {
    const p0 = at(i - 1), p1 = at(i), p2 = at(i + 1), p3 = at(i + 2);
    const t1 = knot(p0, p1), t2 = t1 + knot(p1, p2), t3 = t2 + knot(p2, p3);
    const steps = Math.max(1, Math.ceil(Math.hypot(p2[0] - p1[0], p2[1] - p1[1]) / 3));
    for (let s = 1; s <= steps; s++) {
      const t = t1 + ((t2 - t1) * s) / steps;
      for (const c of [0, 1]) {
        // Barry–Goldman pyramid with knots 0, t1, t2, t3.
        const a1 = lerp(p0[c]!, p1[c]!, 0, t1, t), a2 = lerp(p1[c]!, p2[c]!, t1, t2, t), a3 = lerp(p2[c]!, p3[c]!, t2, t3, t);
        out.push(lerp(lerp(a1, a2, 0, t2, t), lerp(a2, a3, t1, t3, t), t1, t2, t));
      }
    }
  }
  return out;
}

/** How a subject's face and one photo of it look (tones 0–255; widths relative to the eye spacing). */
export interface FaceLook {
  skin: number;
  ink: number;
  lips: number;
  background: number;
  /** Background gradient, tone per pixel in x and y. */
  gradient: [number, number];
  /** Amplitude of the background's soft ripples. */
  ripple: number;
  /** Standard deviation of the pixel noise over everything. */
  noise: number;
  browWidth: number;
  /** Gaze: pupil offset along the eye, relative to its width. */
  gaze: number;
}

/**
 * Draws a face whose 68 landmarks (image pixels) are `lm`: skin over the jaw and a forehead arc,
 * lips, mouth interior, eye whites, pupils clipped by the lids, then dark strokes along every contour.
 */
export function renderFace(lm: Float64Array, look: FaceLook, seed: number, width = SYNTHETIC_WIDTH, height = SYNTHETIC_HEIGHT): GrayPixels {
  const rand = seededRandom(seed);
  masks.clear();
  const P = (i: number): Point => [lm[2 * i]!, lm[2 * i + 1]!];
  const run = (from: number, to: number): Point[] => Array.from({ length: to - from }, (_, k) => P(from + k));
  const centre = (from: number): Point => {
    const e = run(from, from + 6);
    return [e.reduce((s, p) => s + p[0], 0) / 6, e.reduce((s, p) => s + p[1], 0) / 6];
  };
  const [le, re] = [centre(36), centre(42)];
  const iod = Math.hypot(re[0] - le[0], re[1] - le[1]);
  const ux = (re[0] - le[0]) / iod, uy = (re[1] - le[1]) / iod; // along the eye line; "up" is (uy, −ux)
  const line = Math.min(3, Math.max(1.5, 0.035 * iod));

  // Background: a gradient plus soft ripples, separable so that each row is a sum of two tables.
  const wave = (n: number, slope: number): Float32Array => {
    const f = uniform(rand, 0.01, 0.05), phase = uniform(rand, 0, 2 * Math.PI);
    return Float32Array.from({ length: n }, (_, i) => slope * (i - n / 2) + look.ripple * Math.cos(f * i + phase));
  };
  const cols = wave(width, look.gradient[0]), rows = wave(height, look.gradient[1]);
  // Painted in bytes: the clamped array's stores round and clamp in machine code (much faster than
  // Math.round), and a byte canvas is the result itself; each layer's rounding is below half a level.
  const img = new Uint8ClampedArray(width * height);
  for (let y = 0, o = 0; y < height; y++) {
    const base = look.background + rows[y]!;
    for (let x = 0; x < width; x++, o++) img[o] = base + cols[x]!;
  }

  // Skin: the jaw curve, closed over the top by a half ellipse on the jaw's ends.
  const jaw = spline(run(0, 17), false);
  const [j0, j16] = [P(0), P(16)];
  const mx = (j0[0] + j16[0]) / 2, my = (j0[1] + j16[1]) / 2, ax = (j16[0] - j0[0]) / 2, ay = (j16[1] - j0[1]) / 2;
  const forehead: number[] = [];
  for (let k = 1; k < 24; k++) {
    const phi = (Math.PI * k) / 24, c = Math.cos(phi), s = 1.25 * iod * Math.sin(phi);
    forehead.push(mx + c * ax + s * uy, my + c * ay - s * ux);
  }
  paint(img, width, fillPolygon(masks, [...jaw, ...forehead], width, height), look.skin);

  const outerLips = spline(run(48, 60), true), innerLips = spline(run(60, 68), true);
  paint(img, width, fillPolygon(masks, outerLips, width, height), look.lips);
  paint(img, width, fillPolygon(masks, innerLips, width, height), look.ink);
  for (const from of [36, 42]) {
    const eye = spline(run(from, from + 6), true);
    const white = fillPolygon(masks, eye, width, height);
    paint(img, width, white, Math.min(250, look.skin + 30));
    const [a, b] = [P(from), P(from + 3)];
    const ew = Math.hypot(b[0] - a[0], b[1] - a[1]), [cx, cy] = centre(from);
    const pupil: number[] = [];
    for (let k = 0; k < 20; k++) {
      const phi = (2 * Math.PI * k) / 20;
      pupil.push(cx + look.gaze * ew * ux + 0.2 * ew * Math.cos(phi), cy + look.gaze * ew * uy + 0.2 * ew * Math.sin(phi));
    }
    paint(img, width, fillPolygon(masks, pupil, width, height), look.ink, white);
  }

  const strokes: [from: number, to: number, closed: boolean, lineWidth: number][] = [
    [0, 17, false, line], [17, 22, false, look.browWidth * iod], [22, 27, false, look.browWidth * iod],
    [27, 31, false, line], [31, 36, false, line], [36, 42, true, line], [42, 48, true, line], [48, 60, true, line], [60, 68, true, line],
  ];
  for (const [from, to, closed, w] of strokes) paint(img, width, strokePolyline(masks, spline(run(from, to), closed), w, width, height), look.ink);

  addNoise(img, look.noise, hashSeed(seed, 2));
  return { width, height, data: new Uint8Array(img.buffer) };
}

// ---------------------------------------------------------------------------------------------------
// The data set.

interface Subject {
  id: Identity;
  skin: number;
  ink: number;
  lips: number;
  browWidth: number;
}

function randomSubject(r: Rand): Subject {
  const skin = uniform(r, 150, 215);
  return { id: mapRanges((lo, hi) => uniform(r, lo, hi)), skin, ink: uniform(r, 20, 70), lips: skin - uniform(r, 20, 45), browWidth: uniform(r, 0.05, 0.09) };
}

/** A background tone at least 35 away from the skin, so that the face outline stays visible. */
function backgroundTone(r: Rand, skin: number): number {
  const below = Math.max(0, skin - 35 - 40), above = Math.max(0, 230 - (skin + 35));
  const t = r() * (below + above);
  return t < below ? 40 + t : skin + 35 + (t - below);
}

/**
 * One image: expression at a random intensity, jitter, then a random scale, rotation and position
 * that keeps every landmark inside the image and, where it fits, the pipeline's face crop too (so
 * that aligned faces rarely show the black border of a crop beyond the image).
 */
function drawSample(subject: Subject, label: number, seed: number): { image: GrayPixels; landmarks: Float64Array } {
  const r = seededRandom(seed);
  const shape = faceShape(subject.id, expression(label, uniform(r, 0.55, 1.15), r));
  const scale = uniform(r, 50, 80), angle = (uniform(r, -12, 12) * Math.PI) / 180;
  const upright = shape.map((v) => scale * (v + 0.012 * gauss(r)));
  const [l, t, rt, b] = cropBox(upright);
  const c = Math.cos(angle), s = Math.sin(angle);
  const rotate = (pts: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(pts.length);
    for (let i = 0; i < pts.length; i += 2) (out[i] = c * pts[i]! - s * pts[i + 1]!), (out[i + 1] = s * pts[i]! + c * pts[i + 1]!);
    return out;
  };
  const lm = rotate(upright);
  const [minX, minY, maxX, maxY] = bounds(lm);
  const [cropMinX, cropMinY, cropMaxX, cropMaxY] = bounds([...lm, ...rotate([l, t, rt, t, l, b, rt, b])]);
  const margin = 6;
  const place = (cropMin: number, cropMax: number, min: number, max: number, size: number): number => {
    const lo = margin - cropMin, hi = size - margin - cropMax;
    const at = lo <= hi ? uniform(r, lo, hi) : (lo + hi) / 2; // a crop that cannot fit is centred
    return Math.min(size - margin - max, Math.max(margin - min, at));
  };
  const tx = place(cropMinX, cropMaxX, minX, maxX, SYNTHETIC_WIDTH), ty = place(cropMinY, cropMaxY, minY, maxY, SYNTHETIC_HEIGHT);
  for (let i = 0; i < lm.length; i += 2) (lm[i]! += tx), (lm[i + 1]! += ty);
  const look: FaceLook = {
    ...subject,
    background: backgroundTone(r, subject.skin),
    gradient: [uniform(r, -0.08, 0.08), uniform(r, -0.08, 0.08)],
    ripple: uniform(r, 0, 12),
    noise: uniform(r, 2, 6),
    gaze: uniform(r, -0.12, 0.12),
  };
  return { image: renderFace(lm, look, hashSeed(seed, 1)), landmarks: lm };
}

/**
 * `subjects` people (`P001`, …) with `imagesPerSubject` images each, labels dealt round-robin from a
 * per-subject offset so that classes are balanced per subject and overall. Every image depends only
 * on (seed, subject, index): adding subjects or images leaves the existing ones unchanged.
 */
export function syntheticFaces(opts: { subjects: number; imagesPerSubject: number; seed: number }): Dataset {
  const { subjects, imagesPerSubject, seed } = opts;
  for (const [name, v] of Object.entries({ subjects, imagesPerSubject })) {
    if (!Number.isInteger(v) || v < 1) throw userError('synthetic data', `${name} is ${v}`, `give ${name} as a whole number ≥ 1`);
  }
  const samples: Sample[] = [];
  for (let p = 1; p <= subjects; p++) {
    const person = randomSubject(seededRandom(hashSeed(seed, p)));
    const subject = `P${String(p).padStart(3, '0')}`;
    for (let k = 0; k < imagesPerSubject; k++) {
      const label = (p - 1 + k) % NUM_CLASSES;
      const { image, landmarks } = drawSample(person, label, hashSeed(seed, p, k));
      samples.push({ source: `synthetic:${subject}:${String(k).padStart(4, '0')}`, image, landmarks, label, subject, split: null });
    }
  }
  return { name: 'synthetic', path: 'generated', root: 'generated', samples };
}
