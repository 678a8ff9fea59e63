// Text for the SVG pictures, drawn as stroked paths of the Hershey font rather than <text>: sharp's
// rasteriser needs system fonts for <text>, and GPU hosts and slim containers have none (every
// letter came out as a box). Typographic punctuation becomes its ASCII look-alike; other characters
// the font lacks are drawn as "?".

import { BASELINE, CAP_HEIGHT, GLYPHS, SPACE_ADVANCE } from './hershey.js';

export interface TextStyle {
  /** Font size in pixels, as CSS would mean it (capitals are 0.72 of it). */
  size: number;
  anchor?: 'start' | 'middle' | 'end';
  color?: string;
  bold?: boolean;
  /** A wider stroke of this colour under the letters, to keep them readable on pictures. */
  halo?: string;
}

const ASCII: Record<string, string> = { '·': '|', '–': '-', '—': '-', '−': '-', '×': 'x', '…': '...', '→': '->' };
const plain = (s: string): string => [...s].map((c) => ASCII[c] ?? c).join('');

const advance = (c: string): number => (c === ' ' ? SPACE_ADVANCE : (GLYPHS.get(c) ?? GLYPHS.get('?')!)[0]);

/** Width in pixels of `s` at `size`. */
export function textWidth(s: string, size: number): number {
  s = plain(s);
  return ([...s].reduce((w, c) => w + advance(c), 0) * size * 0.72) / CAP_HEIGHT;
}

/** SVG for `s` with its baseline at y and, per anchor, its start, middle or end at x. */
export function svgText(s: string, x: number, y: number, style: TextStyle): string {
  s = plain(s);
  const scale = (style.size * 0.72) / CAP_HEIGHT;
  const shift = { start: 0, middle: 0.5, end: 1 }[style.anchor ?? 'start'] * textWidth(s, style.size);
  let d = '';
  let pen = 0;
  for (const c of s) {
    const glyph = c === ' ' ? undefined : (GLYPHS.get(c) ?? GLYPHS.get('?')!);
    if (glyph) d += `<path transform="translate(${pen} 0)" d="${glyph[1]}"/>`;
    pen += advance(c);
  }
  const width = (style.size * (style.bold ? 0.16 : 0.1)) / scale;
  const at = `transform="translate(${(x - shift).toFixed(2)} ${(y - BASELINE * scale).toFixed(2)}) scale(${scale.toFixed(4)})"`;
  const group = (color: string, w: number): string =>
    `<g ${at} fill="none" stroke="${color}" stroke-width="${w.toFixed(2)}" stroke-linecap="round" stroke-linejoin="round">${d}</g>`;
  return (style.halo ? group(style.halo, width + (0.25 * style.size) / scale) : '') + group(style.color ?? 'black', width);
}
