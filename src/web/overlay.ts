// Drawing the analysis: on the picture, each face's box and detection score, its 68 landmarks and its
// weighted mask warped back from the aligned crop (red positive, blue negative, clear at zero) with the
// top expression; beside it, one card per face with the aligned crop, the mask and the 7 probability bars.

import { CLASS_NAMES } from '../data/labels.js';
import { heat } from '../draw/heat.js';
import { FACE_SIZE } from '../face/geometry.js';
import type { FacePrediction } from '../model/predict.js';
import type { FaceResult } from './analyse.js';
import { bgrToImageData } from './image_io.js';
import { el, pct } from './dom.js';

export interface DrawOptions {
  mask: boolean;
  landmarks: boolean;
  /** The model is near chance: its top class is not shown as an answer. */
  nearChance: boolean;
  scoreThreshold: number;
}

const STRONG = '#18c964';
const WEAK = '#a0a0a0';

function topClass(p: FacePrediction): { name: string; p: number } {
  const k = p.probabilities.indexOf(Math.max(...p.probabilities));
  return { name: CLASS_NAMES[k]!, p: p.probabilities[k]! };
}

/** The mask as colours with opacity growing with |value|, FACE_SIZE square. */
function maskCanvas(mask: Float32Array, opacity: number): OffscreenCanvas {
  const c = new OffscreenCanvas(FACE_SIZE, FACE_SIZE);
  const img = new ImageData(FACE_SIZE, FACE_SIZE);
  for (let i = 0; i < FACE_SIZE * FACE_SIZE; i++) {
    img.data.set([...heat(mask[i]!), Math.round(255 * opacity * Math.min(1, Math.abs(mask[i]!)))], 4 * i);
  }
  c.getContext('2d')!.putImageData(img, 0, 0);
  return c;
}

/** What a face's label on the picture says. */
export function faceLabel(i: number, f: FaceResult, o: DrawOptions): string {
  const score = `score ${f.box.score.toFixed(2)}`;
  if (!f.aboveThreshold) return `#${i + 1} ${score} < ${o.scoreThreshold.toFixed(2)}: not classified`;
  if (!f.prediction) return `#${i + 1} ${score} · no model loaded`;
  const top = topClass(f.prediction);
  return `#${i + 1} ${o.nearChance ? '(near-chance model) ' : ''}${top.name} ${pct(top.p, 0)} · ${score}`;
}

/** Draws every face over what the context already shows (the picture, at its own pixel size). */
export function drawFaces(ctx: CanvasRenderingContext2D, faces: FaceResult[], o: DrawOptions): void {
  const { width, height } = ctx.canvas;
  const line = Math.max(2, Math.hypot(width, height) / 500);
  faces.forEach((f, i) => {
    if (o.mask && f.prediction && f.cropToImage) {
      const m = f.cropToImage;
      ctx.save();
      ctx.transform(m[0]!, m[1]!, m[2]!, m[3]!, m[4]!, m[5]!);
      ctx.drawImage(maskCanvas(f.prediction.mask, 0.55), 0, 0);
      ctx.restore();
    }
    if (o.landmarks && f.landmarks) {
      ctx.fillStyle = '#00e5ff';
      for (let k = 0; k < f.landmarks.length; k += 2) ctx.fillRect(f.landmarks[k]! - line / 2, f.landmarks[k + 1]! - line / 2, line, line);
    }
    const { x, y, width: w, height: h } = f.box;
    ctx.save();
    ctx.lineWidth = line;
    ctx.strokeStyle = f.aboveThreshold ? STRONG : WEAK;
    if (!f.aboveThreshold) ctx.setLineDash([3 * line, 2 * line]);
    ctx.strokeRect(x, y, w, h);
    const text = faceLabel(i, f, o);
    const size = Math.max(10, Math.round(Math.hypot(width, height) / 70));
    ctx.font = `${size}px system-ui, sans-serif`;
    const th = Math.round(1.4 * size);
    const tw = ctx.measureText(text).width + size / 2;
    const ty = y - th >= 0 ? y - th : y + h;
    const tx = Math.max(0, Math.min(x - line / 2, width - tw)); // kept inside the picture
    ctx.fillStyle = f.aboveThreshold ? STRONG : WEAK;
    ctx.fillRect(tx, ty, tw, th);
    ctx.fillStyle = '#000';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, tx + size / 4, ty + th / 2);
    ctx.restore();
  });
}

/** The 7 probabilities as bars; the best is bold unless the model is near chance. */
export function probabilityBars(probabilities: ArrayLike<number>, nearChance: boolean): HTMLTableElement {
  const p = Array.from(probabilities);
  const best = p.indexOf(Math.max(...p));
  return el(
    'table',
    { className: 'bars' },
    ...CLASS_NAMES.map((name, k) =>
      el(
        'tr',
        { className: k === best && !nearChance ? 'best' : '' },
        el('td', {}, name),
        el('td', { className: 'bar-cell' }, el('div', { className: 'bar', style: `width:${pct(p[k]!)}` })),
        el('td', { className: 'num' }, pct(p[k]!)),
      ),
    ),
  );
}

/** A FACE_SIZE canvas showing pixels, drawn at `display` CSS pixels. */
function cropCanvas(pixels: ImageData | OffscreenCanvas, display: number, title: string): HTMLCanvasElement {
  const c = el('canvas', { width: FACE_SIZE, height: FACE_SIZE, title, style: `width:${display}px;height:${display}px` });
  const ctx = c.getContext('2d')!;
  if (pixels instanceof ImageData) ctx.putImageData(pixels, 0, 0);
  else ctx.drawImage(pixels, 0, 0);
  return c;
}

/** One face's card: the aligned crop with its landmarks, the mask, the bars, and ρ of the mask's bands. */
export function faceCard(i: number, f: FaceResult, o: DrawOptions): HTMLElement {
  const card = el('div', { className: 'face-card' }, el('div', { className: 'face-title' }, faceLabel(i, f, o)));
  const p = f.prediction;
  if (!p) return card;
  const crop = cropCanvas(bgrToImageData(p.face), 112, 'aligned crop and its 68 landmarks');
  const ctx = crop.getContext('2d')!;
  ctx.fillStyle = '#00e5ff';
  for (let k = 0; k < p.landmarks.length; k += 2) ctx.fillRect(p.landmarks[k]! - 1.5, p.landmarks[k + 1]! - 1.5, 3, 3);
  const mask = cropCanvas(maskCanvas(p.mask, 1), 112, 'weighted mask: red +, blue −');
  card.append(
    el('div', { className: 'face-pictures' }, crop, mask),
    probabilityBars(p.probabilities, o.nearChance),
    el('div', { className: 'rho' }, `mask band ρ: ${Array.from(p.rho, (v) => v.toFixed(2)).join(', ')}`),
  );
  return card;
}
