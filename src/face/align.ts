// Face alignment and crop as the original does them (rotate level, crop, resize to 224), on the CPU: it
// runs once per image into a cache, and bit-exact OpenCV emulation is simpler to read and test in float64
// JavaScript than in WGSL.
// Rotation as cv2.getRotationMatrix2D, warp as OpenCV 5's float32 cv2.warpAffine (bilinear, border 0),
// crop box with the original's truncations, resize as OpenCV's fixed-point INTER_LINEAR.

import { mat2d, vec2 } from 'gl-matrix';
import type { BgrImage } from './image.js';
import { FACE_SIZE, LANDMARKS } from './geometry.js';

/** Python's round(): nearest integer, ties to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Sequential float64 mean of landmarks [from, to) (numpy's order for these short reductions). */
function meanPoint(lm: ArrayLike<number>, from: number, to: number): [number, number] {
  let x = 0, y = 0;
  for (let i = from; i < to; i++) {
    x += lm[2 * i]!;
    y += lm[2 * i + 1]!;
  }
  return [x / (to - from), y / (to - from)];
}

export interface Alignment {
  /** The eye line's angle, degrees: atan2(dy, dx)·180/π. */
  angleDeg: number;
  /** Rotation centre: the eye midpoint, both coordinates rounded half to even. */
  center: [number, number];
  /** gl-matrix mat2d [a, b, c, d, tx, ty] (x' = a·x + c·y + tx, y' = b·x + d·y + ty), float64. */
  matrix: mat2d;
}

export function alignment(lm: ArrayLike<number>): Alignment {
  const [lx, ly] = meanPoint(lm, 36, 42);
  const [rx, ry] = meanPoint(lm, 42, 48);
  const angleDeg = (Math.atan2(ry - ly, rx - lx) * 180) / Math.PI;
  const center: [number, number] = [roundHalfEven((lx + rx) / 2), roundHalfEven((ly + ry) / 2)];
  // cv2.getRotationMatrix2D(center, angle, 1), with its float64 expression order.
  const rad = angleDeg * (Math.PI / 180);
  const a = Math.cos(rad), b = Math.sin(rad);
  const [cx, cy] = center;
  const matrix = mat2d.set(new Float64Array(6), a, -b, b, a, (1 - a) * cx - b * cy, b * cx + (1 - a) * cy);
  return { angleDeg, center, matrix };
}

/** The 2×3 matrix in OpenCV's row-major layout [M00, M01, M02, M10, M11, M12]. */
export function matrixRows(m: mat2d): Float64Array {
  return Float64Array.of(m[0]!, m[2]!, m[4]!, m[1]!, m[3]!, m[5]!);
}

/** Maps every (x, y) pair through m: M00·x + M01·y + M02, as the original's dot product. */
export function transformPoints(pts: ArrayLike<number>, m: mat2d): Float64Array {
  const out = new Float64Array(pts.length);
  const p = new Float64Array(2);
  for (let i = 0; i < pts.length; i += 2) {
    vec2.transformMat2d(p, [pts[i]!, pts[i + 1]!], m);
    out[i] = p[0]!;
    out[i + 1] = p[1]!;
  }
  return out;
}

/**
 * cv2.invertAffineTransform, rows [A11, A12, b1, A21, A22, b2]. Written out rather than gl-matrix's
 * invert because its translation uses another expression order, and a last-bit change can move the
 * float32 source coordinates of the warp.
 */
export function invertAffine(m: mat2d): Float64Array {
  const [m0, m1, m2, m3, m4, m5] = matrixRows(m) as unknown as number[];
  let d = m0! * m4! - m1! * m3!;
  d = d !== 0 ? 1 / d : 0;
  const a11 = m4! * d, a22 = m0! * d, a12 = -m1! * d, a21 = -m3! * d;
  return Float64Array.of(a11, a12, -a11 * m2! - a12 * m5!, a21, a22, -a21 * m2! - a22 * m5!);
}

const f32 = Math.fround;

export type Box = [left: number, top: number, right: number, bottom: number];

/**
 * The pixels inside `box` (default: the whole image) of cv2.warpAffine(img, m, (W, H)) with INTER_LINEAR
 * and a constant 0 border, as OpenCV 5.0 computes it in float32; box pixels outside the W×H output are 0
 * (the original's zero-padded crop). Source x = fma(f32(iM00), x, f32(y·iM01 + iM02)) (the fma is exact
 * in float64 here: a 24-bit by ≤ 12-bit product plus a float32 below 2^13 fits in 53 bits), lerps in
 * float32, round half to even. Taps outside the image read 0.
 */
export function warpAffine(img: BgrImage, m: mat2d, box: Box = [0, 0, img.width, img.height]): BgrImage {
  const { height: h, width: w, data: src } = img;
  const [l, t, r, b] = box;
  if (b <= t || r <= l) throw new Error(`empty box [${box}]`);
  const ow = r - l;
  const [i00, i01, i02, i10, i11, i12] = invertAffine(m) as unknown as number[];
  const out = new Uint8Array((b - t) * ow * 3);
  const a00 = f32(i00!), a10 = f32(i10!);
  const tap = (y: number, x: number, c: number): number => (y >= 0 && y < h && x >= 0 && x < w ? src[(y * w + x) * 3 + c]! : 0);
  for (let y = Math.max(0, t); y < Math.min(h, b); y++) {
    const bx = f32(y * i01! + i02!), by = f32(y * i11! + i12!);
    for (let x = Math.max(0, l); x < Math.min(w, r); x++) {
      const sx = f32(a00 * x + bx), sy = f32(a10 * x + by);
      const ix = Math.floor(sx), iy = Math.floor(sy);
      if (ix < -1 || iy < -1 || ix >= w || iy >= h) continue; // all four taps outside
      const al = sx - ix, be = sy - iy;
      const o = ((y - t) * ow + (x - l)) * 3;
      for (let c = 0; c < 3; c++) {
        const p00 = tap(iy, ix, c), p01 = tap(iy, ix + 1, c), p10 = tap(iy + 1, ix, c), p11 = tap(iy + 1, ix + 1, c);
        const t0 = f32(p00 + f32(al * (p01 - p00)));
        const t1 = f32(p10 + f32(al * (p11 - p10)));
        const v = f32(t0 + f32(be * f32(t1 - t0)));
        out[o + c] = Math.min(255, Math.max(0, roundHalfEven(v)));
      }
    }
  }
  return { data: out, height: b - t, width: ow };
}

/**
 * The crop box of aligned landmarks, as the original builds it: e = mean of the eye points, l = mean of the
 * mouth points (truncated); d = l_y − e_y; top = e_y − d·30/35, bottom = l_y + d; a square of side
 * bottom − top centred between the extreme x; every coordinate truncated toward zero.
 */
export function cropBox(lm: ArrayLike<number>): Box {
  const e = meanPoint(lm, 36, 48).map(Math.trunc) as [number, number];
  const l = meanPoint(lm, 48, 68).map(Math.trunc) as [number, number];
  const d = l[1] - e[1];
  const top = e[1] - (d * 30) / 35;
  const bottom = l[1] + d;
  const w = bottom - top;
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < LANDMARKS; i++) {
    lo = Math.min(lo, lm[2 * i]!);
    hi = Math.max(hi, lm[2 * i]!);
  }
  const xc = (lo + hi) / 2;
  return [Math.trunc(xc - w / 2), Math.trunc(top), Math.trunc(xc + w / 2), Math.trunc(bottom)];
}

interface Taps {
  /** First source index per output index. */
  s: Int32Array;
  /** Its weight and the next one's, ×2048. */
  c0: Int32Array;
  c1: Int32Array;
}

/** OpenCV INTER_LINEAR's fixed-point taps for one axis (source positions and 11-bit coefficients). */
function resizeTaps(n: number, out: number): Taps {
  const t: Taps = { s: new Int32Array(out), c0: new Int32Array(out), c1: new Int32Array(out) };
  const scale = n / out;
  for (let d = 0; d < out; d++) {
    let f = f32((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f -= s;
    if (s < 0) (s = 0), (f = 0);
    if (s >= n - 1) (s = n - 1), (f = 0);
    t.s[d] = s;
    t.c0[d] = roundHalfEven(f32(1 - f) * 2048);
    t.c1[d] = roundHalfEven(f * 2048);
  }
  return t;
}

/** cv2.resize(img, (outW, outH), interpolation=INTER_LINEAR) for 8-bit images, bit-exact. */
export function resizeLinear(img: BgrImage, outH = FACE_SIZE, outW = FACE_SIZE): BgrImage {
  const { height: h, width: w, data: src } = img;
  const tx = resizeTaps(w, outW), ty = resizeTaps(h, outH);
  // Horizontal pass of every source row a vertical tap needs (integer, ×2048).
  const rows = new Map<number, Int32Array>();
  const row = (y: number): Int32Array => {
    let r = rows.get(y);
    if (!r) {
      r = new Int32Array(outW * 3);
      for (let d = 0; d < outW; d++) {
        const s0 = tx.s[d]!, s1 = Math.min(s0 + 1, w - 1);
        for (let c = 0; c < 3; c++) r[d * 3 + c] = src[(y * w + s0) * 3 + c]! * tx.c0[d]! + src[(y * w + s1) * 3 + c]! * tx.c1[d]!;
      }
      rows.set(y, r);
    }
    return r;
  };
  const out = new Uint8Array(outH * outW * 3);
  for (let d = 0; d < outH; d++) {
    const s0 = ty.s[d]!;
    const r0 = row(s0), r1 = row(Math.min(s0 + 1, h - 1));
    const b0 = ty.c0[d]!, b1 = ty.c1[d]!;
    for (let i = 0; i < outW * 3; i++) {
      const v = (((r0[i]! >> 4) * b0) >> 16) + (((r1[i]! >> 4) * b1) >> 16);
      out[d * outW * 3 + i] = Math.min(255, Math.max(0, (v + 2) >> 2));
    }
  }
  return { data: out, height: outH, width: outW };
}

export interface AlignedFace extends Alignment {
  /** Landmarks after the rotation (original image coordinates). */
  alignedLandmarks: Float64Array;
  box: Box;
  /** The box's pixels of the rotated image. */
  crop: BgrImage;
  /** The crop resized to 224×224. */
  face: BgrImage;
  /** Landmarks in face coordinates: (x − left)·224/w, (y − top)·224/h. */
  landmarks: Float64Array;
}

/** Spec §2 steps 1–3: rotate, crop and resize one image with its 68 landmarks. */
export function alignFace(img: BgrImage, lm: ArrayLike<number>, size = FACE_SIZE): AlignedFace {
  if (lm.length !== LANDMARKS * 2) throw new Error(`alignFace: ${lm.length / 2} landmarks, expected ${LANDMARKS}`);
  const al = alignment(lm);
  const alignedLandmarks = transformPoints(lm, al.matrix);
  const box = cropBox(alignedLandmarks);
  const cropped = warpAffine(img, al.matrix, box);
  const landmarks = new Float64Array(alignedLandmarks.length);
  for (let i = 0; i < landmarks.length; i += 2) {
    landmarks[i] = ((alignedLandmarks[i]! - box[0]) * size) / cropped.width;
    landmarks[i + 1] = ((alignedLandmarks[i + 1]! - box[1]) * size) / cropped.height;
  }
  return { ...al, alignedLandmarks, box, crop: cropped, face: resizeLinear(cropped, size, size), landmarks };
}
