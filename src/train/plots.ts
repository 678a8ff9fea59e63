// Pictures people would rather look at than read: training curves and confusion matrices, drawn as
// SVG and rasterised to PNG with sharp.

import sharp from 'sharp';

export interface Series {
  name: string;
  values: number[];
  color: string;
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One panel: x = epoch (1…n), y auto-scaled; several series share the axes. */
function panel(title: string, series: Series[], x0: number, y0: number, w: number, h: number): string {
  const all = series.flatMap((s) => s.values.filter(Number.isFinite));
  const n = Math.max(1, ...series.map((s) => s.values.length));
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.5, hi + 0.5];
  const px = (i: number): number => x0 + 50 + ((w - 70) * i) / Math.max(1, n - 1);
  const py = (v: number): number => y0 + h - 30 - ((h - 60) * (v - lo)) / (hi - lo);
  const parts = [`<text x="${x0 + w / 2}" y="${y0 + 18}" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`];
  parts.push(`<rect x="${x0 + 50}" y="${y0 + 30}" width="${w - 70}" height="${h - 60}" fill="none" stroke="#999"/>`);
  for (let t = 0; t <= 4; t++) {
    const v = lo + ((hi - lo) * t) / 4;
    parts.push(`<text x="${x0 + 45}" y="${py(v) + 4}" text-anchor="end" font-size="11">${v.toPrecision(3)}</text>`);
  }
  parts.push(`<text x="${x0 + w / 2}" y="${y0 + h - 8}" text-anchor="middle" font-size="12">epoch (1–${n})</text>`);
  series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${px(i).toFixed(1)},${py(v).toFixed(1)}` : '')).filter(Boolean);
    if (pts.length) parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    // Legend in the top margin, right-aligned, so it never hides a curve.
    parts.push(`<text x="${x0 + w - 22}" y="${y0 + 14 + 13 * k}" text-anchor="end" font-size="11" fill="${s.color}">— ${esc(s.name)}</text>`);
  });
  return parts.join('');
}

/** Side-by-side panels of curves, e.g. loss and accuracy per epoch. */
export async function curvesPng(path: string, panels: { title: string; series: Series[] }[]): Promise<void> {
  const w = 480, h = 320;
  const body = panels.map((p, i) => panel(p.title, p.series, i * w, 0, w, h)).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w * panels.length}" height="${h}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${body}</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path);
}

/** Confusion matrix as a heat map of row percentages with counts. */
export async function confusionPng(path: string, confusion: number[][], classNames: readonly string[], title: string): Promise<void> {
  const k = classNames.length, cell = 64, left = 110, top = 60;
  const parts: string[] = [`<text x="${left + (k * cell) / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`];
  parts.push(`<text x="${left + (k * cell) / 2}" y="${top - 22}" text-anchor="middle" font-size="12">predicted</text>`);
  confusion.forEach((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    parts.push(`<text x="${left - 8}" y="${top + t * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${esc(classNames[t]!)}</text>`);
    row.forEach((c, p) => {
      const frac = total ? c / total : 0;
      const shade = Math.round(255 - 200 * frac);
      parts.push(`<rect x="${left + p * cell}" y="${top + t * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#ccc"/>`);
      parts.push(`<text x="${left + p * cell + cell / 2}" y="${top + t * cell + cell / 2}" text-anchor="middle" font-size="12" fill="${frac > 0.6 ? 'white' : 'black'}">${c}</text>`);
      parts.push(`<text x="${left + p * cell + cell / 2}" y="${top + t * cell + cell / 2 + 15}" text-anchor="middle" font-size="10" fill="${frac > 0.6 ? 'white' : '#444'}">${total ? (100 * frac).toFixed(0) + '%' : ''}</text>`);
    });
  });
  classNames.forEach((n, p) => parts.push(`<text x="${left + p * cell + cell / 2}" y="${top - 6}" text-anchor="middle" font-size="11">${esc(n)}</text>`));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${left + k * cell + 20}" height="${top + k * cell + 20}" font-family="sans-serif"><rect width="100%" height="100%" fill="white"/>${parts.join('')}</svg>`;
  await sharp(Buffer.from(svg)).png().toFile(path);
}
