// Pictures people would rather look at than read: training curves and confusion matrices, drawn as
// SVG (text as Hershey strokes, so no system font is needed) and rasterised to PNG with sharp.

import sharp from 'sharp';
import { svgText } from './text.js';

export interface Series {
  name: string;
  values: number[];
  color: string;
}

/** One panel: x = epoch (1…n), y auto-scaled; several series share the axes. */
function panel(title: string, series: Series[], x0: number, y0: number, w: number, h: number): string {
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const px = (i: number): number => x0 + 50 + ((w - 70) * i) / Math.max(1, n - 1);
  const py = (v: number): number => y0 + h - 30 - ((h - 60) * (v - lo)) / (hi - lo);
  const parts = [svgText(title, x0 + w / 2, y0 + 18, { size: 15, anchor: 'middle', bold: true })];
  parts.push(`<rect x="${x0 + 50}" y="${y0 + 30}" width="${w - 70}" height="${h - 60}" fill="none" stroke="#999"/>`);
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(svgText(v.toPrecision(3), x0 + 45, py(v) + 4, { size: 11, anchor: 'end' }));
  }
  parts.push(svgText(`epoch (1-${n})`, x0 + w / 2, y0 + h - 8, { size: 12, anchor: 'middle' }));
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : '')).filter(Boolean);
    if (pts.length) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    // Legend in the top margin, right-aligned, so it never hides a curve.
    const y = y0 + 14 + 13 * k;
    parts.push(svgText(s.name, x0 + w - 22, y, { size: 11, anchor: 'end', color: s.color }));
    parts.push(`<line x1="${x0 + w - 20}" y1="${y - 4}" x2="${x0 + w - 6}" y2="${y - 4}" stroke="${s.color}" stroke-width="2"/>`);
  });
  return parts.join('');
}

/** Side-by-side panels of curves, e.g. loss and accuracy per epoch. */
export async function curvesPng(path: string, panels: { title: string; series: Series[] }[]): Promise<void> {
  const w = 480, h = 320;
  const body = panels.map((p, i) => panel(p.title, p.series, i * w, 0, w, h)).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w * panels.length}" height="${h}"><rect width="100%" height="100%" fill="white"/>${body}</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path);
}

/** Confusion matrix as a heat map of row percentages with counts. */
export async function confusionPng(path: string, confusion: number[][], classNames: readonly string[], title: string): Promise<void> {
  const k = classNames.length, cell = 64, left = 110, top = 60;
  const parts = [svgText(title, left + (k * cell) / 2, 24, { size: 15, anchor: 'middle', bold: true })];
  parts.push(svgText('predicted', left + (k * cell) / 2, top - 22, { size: 12, anchor: 'middle' }));
  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    parts.push(svgText(classNames[t]!, left - 8, top + t * cell + cell / 2 + 4, { size: 12, anchor: 'end' }));
    row.forEach((c, p) => {
      const frac = total ? c / total : 0;
      const shade = Math.round(255 - 200 * frac);
      parts.push(`<rect x="${left + p * cell}" y="${top + t * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#ccc"/>`);
      const cx = left + p * cell + cell / 2, cy = top + t * cell + cell / 2;
      parts.push(svgText(String(c), cx, cy, { size: 12, anchor: 'middle', color: frac > 0.6 ? 'white' : 'black' }));
      if (total) parts.push(svgText(`${(100 * frac).toFixed(0)}%`, cx, cy + 15, { size: 10, anchor: 'middle', color: frac > 0.6 ? 'white' : '#444' }));
    });
  });
  classNames.forEach((n, p) => parts.push(svgText(n, left + p * cell + cell / 2, top - 6, { size: 11, anchor: 'middle' })));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${left + k * cell + 20}" height="${top + k * cell + 20}"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path);
}
