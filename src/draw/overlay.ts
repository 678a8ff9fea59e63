// The picture of a face as the network sees it: the aligned 224 crop with its 68 landmarks, the
// weighted mask as a heat map with ρ on its bands, crop × mask (the attention input), and, for a
// prediction, the class probabilities as bars; captioned below. masks.js draws one face; evaluate.js
// draws a photo's prediction: the photo with every face's box, number and score, then one such row of
// panels per face.

import sharp from 'sharp';
import { FACE_SIZE, LANDMARKS, STRIP } from '../face/geometry.js';
import { NET_MEAN, NET_STD, type BgrImage } from '../face/image.js';
import { heat } from './heat.js';
import { svgText } from './text.js';

const S = FACE_SIZE;
/** Gap between panels, title strip above them, caption below. */
const GAP = 8, TOP = 22, BOTTOM = 40;
/** Height of one face's row of panels. */
const ROW = TOP + S + BOTTOM;
/** Width of the probabilities panel. */
const BARS = 200;
/** Width of a row with the probabilities panel: a prediction picture is this wide. */
const PREDICTION_WIDTH = 3 * S + 5 * GAP + BARS;
/** The photo's largest drawn height. */
const PHOTO_HEIGHT = 360;
/** Box colours, one per face in turn. */
const COLOURS = ['#ff3030', '#2f8cff', '#20c040', '#ff9a00', '#c040ff', '#00c8c8'];

export interface Overlay {
  /** 224×224×3 B,G,R. */
  face: ArrayLike<number>;
  /** 68 (x, y) in face pixels. */
  landmarks: ArrayLike<number>;
  /** [224·224]. */
  mask: ArrayLike<number>;
  /** [3, 224, 224] B,G,R planes, the attention input ((c·mask)/255 − mean)/std. */
  attn: ArrayLike<number>;
  rho: ArrayLike<number>;
  title: string;
  detail: string;
  /** A prediction: class names and their probabilities, drawn as a fourth panel. */
  probabilities?: { names: readonly string[]; values: ArrayLike<number> };
}

/** One face of a photo's prediction: its panels, and its box in photo pixels with the label drawn at it. */
export interface PhotoFace extends Overlay {
  box: { x: number; y: number; width: number; height: number };
  /** Drawn above the box, after the face's number (e.g. "happy 87% | score 0.98"). */
  label: string;
}

export interface PhotoPrediction {
  photo: BgrImage;
  /** Above the photo. */
  title: string;
  faces: PhotoFace[];
}

/** RGB pixels on white, and SVG drawn over them. */
interface Canvas {
  width: number;
  height: number;
  px: Uint8Array;
  svg: string[];
}

const canvas = (width: number, height: number): Canvas => ({ width, height, px: new Uint8Array(width * height * 3).fill(255), svg: [] });

/** One face's panels with titles, landmarks, band labels, bars and caption, their top at y0. */
function drawFace(c: Canvas, y0: number, o: Overlay): void {
  const left = (p: number): number => GAP + p * (S + GAP);
  const top = y0 + TOP;
  const put = (p: number, i: number, rgb: ArrayLike<number>): void => {
    const at = ((top + Math.floor(i / S)) * c.width + left(p) + (i % S)) * 3;
    for (let k = 0; k < 3; k++) c.px[at + k] = rgb[k]!;
  };
  const plane = S * S;
  for (let i = 0; i < plane; i++) {
    put(0, i, [o.face[3 * i + 2]!, o.face[3 * i + 1]!, o.face[3 * i]!]);
    put(1, i, heat(o.mask[i]!));
    // Back from the network's normalisation to bytes; c·mask < 0 (negative ρ) shows as black.
    const byte = (ch: number): number => Math.min(255, Math.max(0, Math.round((o.attn[ch * plane + i]! * NET_STD + NET_MEAN) * 255)));
    put(2, i, [byte(2), byte(1), byte(0)]);
  }
  const svg = c.svg;
  const titles = ['crop + 68 landmarks', 'weighted mask (-1 blue ... 1 red)', 'crop x mask (attention input)'];
  if (o.probabilities) titles.push('probabilities');
  titles.forEach((t, p) => svg.push(svgText(t, left(p) + (p < 3 ? S : BARS) / 2, top - 7, { size: 12, anchor: 'middle' })));
  for (let k = 0; k < LANDMARKS; k++) {
    // Landmarks use OpenCV's convention (pixel centres at integers); SVG's pixel i spans [i, i + 1).
    svg.push(`<circle cx="${(left(0) + o.landmarks[2 * k]! + 0.5).toFixed(1)}" cy="${(top + o.landmarks[2 * k + 1]! + 0.5).toFixed(1)}" r="1.8" fill="#00e060" stroke="#003010" stroke-width="0.6"/>`);
  }
  // ρ_i (strip i's correlation with the face) weights row band i: the original's layout.
  for (let b = 0; b < 4; b++) {
    const y = top + b * STRIP;
    if (b > 0) svg.push(`<line x1="${left(1)}" y1="${y}" x2="${left(1) + S}" y2="${y}" stroke="#444" stroke-dasharray="3 3"/>`);
    svg.push(svgText(`ρ${b} = ${o.rho[b]!.toFixed(3)}`, left(1) + 4, y + 14, { size: 11, color: '#111', halo: 'white' }));
  }
  if (o.probabilities) svg.push(bars(o.probabilities.names, o.probabilities.values, left(3), top));
  svg.push(svgText(o.title, GAP, top + S + 16, { size: 12, bold: true }));
  svg.push(svgText(o.detail, GAP, top + S + 32, { size: 11, color: '#333' }));
}

/** Compositing yields RGBA; the second pass drops the (opaque) alpha for a plain RGB PNG. */
async function writePng(path: string, c: Canvas): Promise<void> {
  const { width, height } = c;
  const over = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${c.svg.join('')}</svg>`;
  const drawn = await sharp(c.px, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(over), top: 0, left: 0 }])
    .raw()
    .toBuffer();
  await sharp(drawn, { raw: { width, height, channels: 4 } }).removeAlpha().png().toFile(path);
}

/** One face's panels as a PNG. */
export async function overlayPng(path: string, o: Overlay): Promise<void> {
  const c = canvas(3 * S + 4 * GAP + (o.probabilities ? BARS + GAP : 0), ROW);
  drawFace(c, 0, o);
  await writePng(path, c);
}

/**
 * A photo's prediction as a PNG: the photo (scaled to fit) with each face's box, number and label, then
 * face 1's panels, face 2's, … with each face's number in its caption.
 */
export async function predictionPng(path: string, p: PhotoPrediction): Promise<void> {
  const { photo } = p;
  const k = Math.min(1, (PREDICTION_WIDTH - 2 * GAP) / photo.width, PHOTO_HEIGHT / photo.height);
  const [w, h] = [Math.max(1, Math.round(photo.width * k)), Math.max(1, Math.round(photo.height * k))];
  const photoRows = TOP + h + GAP;
  const c = canvas(PREDICTION_WIDTH, photoRows + p.faces.length * ROW);
  // sharp scales the B,G,R bytes as they are; the recomb matrix then swaps them to R,G,B.
  const scaled = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .resize(w, h, { fit: 'fill' })
    .recomb([
      [0, 0, 1],
      [0, 1, 0],
      [1, 0, 0],
    ])
    .raw()
    .toBuffer();
  const x0 = Math.floor((c.width - w) / 2);
  for (let y = 0; y < h; y++) c.px.set(scaled.subarray(y * w * 3, (y + 1) * w * 3), ((TOP + y) * c.width + x0) * 3);
  c.svg.push(svgText(p.title, GAP, TOP - 7, { size: 12, bold: true }));
  p.faces.forEach((f, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const [bx, by] = [x0 + f.box.x * k, TOP + f.box.y * k];
    c.svg.push(`<rect x="${bx.toFixed(1)}" y="${by.toFixed(1)}" width="${(f.box.width * k).toFixed(1)}" height="${(f.box.height * k).toFixed(1)}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    // Above the box, or inside its top when the box starts at the photo's top edge.
    const labelY = by - 4 >= TOP + 12 ? by - 4 : by + 14;
    c.svg.push(svgText(`${i + 1} ${f.label}`, Math.max(GAP, bx), labelY, { size: 12, bold: true, color: colour, halo: 'white' }));
    drawFace(c, photoRows + i * ROW, { ...f, title: `${i + 1}: ${f.title}` });
  });
  await writePng(path, c);
}

/** One row per class: name, a bar as long as its probability, the percentage; the largest in bold. */
function bars(names: readonly string[], values: ArrayLike<number>, x0: number, top: number): string {
  const best = Array.from(values).indexOf(Math.max(...Array.from(values)));
  const row = S / names.length;
  return names
    .map((name, k) => {
      const y = top + k * row + row / 2;
      const v = values[k]!;
      const style = { size: 11, bold: k === best };
      return (
        svgText(name, x0 + 58, y + 4, { ...style, anchor: 'end' }) +
        `<rect x="${x0 + 64}" y="${(y - 6).toFixed(1)}" width="${(90 * v).toFixed(1)}" height="12" fill="${k === best ? '#2f55c8' : '#8da2e0'}"/>` +
        svgText(`${(100 * v).toFixed(1)}%`, x0 + BARS, y + 4, { ...style, anchor: 'end' })
      );
    })
    .join('');
}
