// The picture of one face as the network sees it: the aligned 224 crop with its 68 landmarks, the
// weighted mask as a heat map with ρ on its bands, crop × mask (the attention input), and, for a
// prediction, the class probabilities as bars; captioned below. masks.js and evaluate.js --image draw it.

import sharp from 'sharp';
import { FACE_SIZE, LANDMARKS, STRIP } from '../face/geometry.js';
import { NET_MEAN, NET_STD } from '../face/image.js';
import { heat } from './heat.js';
import { svgText } from './text.js';

const S = FACE_SIZE;
/** Gap between panels, title strip above them, caption below. */
const GAP = 8, TOP = 22, BOTTOM = 40;
/** Width of the probabilities panel. */
const BARS = 200;

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

/** The panels as RGB pixels, with titles, landmarks, band labels, bars and caption drawn over them in SVG. */
export async function overlayPng(path: string, o: Overlay): Promise<void> {
  const width = 3 * S + 4 * GAP + (o.probabilities ? BARS + GAP : 0);
  const height = TOP + S + BOTTOM;
  const px = new Uint8Array(width * height * 3).fill(255);
  const left = (p: number): number => GAP + p * (S + GAP);
  const put = (p: number, i: number, rgb: ArrayLike<number>): void => {
    const at = ((TOP + Math.floor(i / S)) * width + left(p) + (i % S)) * 3;
    for (let c = 0; c < 3; c++) px[at + c] = rgb[c]!;
  };
  const plane = S * S;
  for (let i = 0; i < plane; i++) {
    put(0, i, [o.face[3 * i + 2]!, o.face[3 * i + 1]!, o.face[3 * i]!]);
    put(1, i, heat(o.mask[i]!));
    // Back from the network's normalisation to bytes; c·mask < 0 (negative ρ) shows as black.
    const byte = (c: number): number => Math.min(255, Math.max(0, Math.round((o.attn[c * plane + i]! * NET_STD + NET_MEAN) * 255)));
    put(2, i, [byte(2), byte(1), byte(0)]);
  }
  const svg: string[] = [];
  const titles = ['crop + 68 landmarks', 'weighted mask (-1 blue ... 1 red)', 'crop x mask (attention input)'];
  if (o.probabilities) titles.push('probabilities');
  titles.forEach((t, p) => svg.push(svgText(t, left(p) + (p < 3 ? S : BARS) / 2, TOP - 7, { size: 12, anchor: 'middle' })));
  for (let k = 0; k < LANDMARKS; k++) {
    // Landmarks use OpenCV's convention (pixel centres at integers); SVG's pixel i spans [i, i + 1).
    svg.push(`<circle cx="${(left(0) + o.landmarks[2 * k]! + 0.5).toFixed(1)}" cy="${(TOP + o.landmarks[2 * k + 1]! + 0.5).toFixed(1)}" r="1.8" fill="#00e060" stroke="#003010" stroke-width="0.6"/>`);
  }
  // ρ_i (strip i's correlation with the face) weights row band i: the original's layout.
  for (let b = 0; b < 4; b++) {
    const y = TOP + b * STRIP;
    if (b > 0) svg.push(`<line x1="${left(1)}" y1="${y}" x2="${left(1) + S}" y2="${y}" stroke="#444" stroke-dasharray="3 3"/>`);
    svg.push(svgText(`ρ${b} = ${o.rho[b]!.toFixed(3)}`, left(1) + 4, y + 14, { size: 11, color: '#111', halo: 'white' }));
  }
  if (o.probabilities) svg.push(bars(o.probabilities.names, o.probabilities.values, left(3)));
  svg.push(svgText(o.title, GAP, TOP + S + 16, { size: 12, bold: true }));
  svg.push(svgText(o.detail, GAP, TOP + S + 32, { size: 11, color: '#333' }));
  const over = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${svg.join('')}</svg>`;
  // Compositing yields RGBA; the second pass drops the (opaque) alpha for a plain RGB PNG.
  const drawn = await sharp(px, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(over), top: 0, left: 0 }])
    .raw()
    .toBuffer();
  await sharp(drawn, { raw: { width, height, channels: 4 } }).removeAlpha().png().toFile(path);
}

/** One row per class: name, a bar as long as its probability, the percentage; the largest in bold. */
function bars(names: readonly string[], values: ArrayLike<number>, x0: number): string {
  const best = Array.from(values).indexOf(Math.max(...Array.from(values)));
  const row = S / names.length;
  return names
    .map((name, k) => {
      const y = TOP + k * row + row / 2;
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
