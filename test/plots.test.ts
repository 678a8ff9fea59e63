// What the training pictures show, checked in their pixels: each curve passes through its points in its
// series colour, titles and counts are drawn (dark strokes where text belongs, none in empty space), and
// the confusion matrix shades each cell by its row percentage.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as assert from 'uvu/assert';
import { confusionPng, curvesPng } from '../src/draw/plots.js';
import { test } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'plots-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

async function pixels(file: string): Promise<{ width: number; height: number; at: (x: number, y: number) => [number, number, number] }> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, at: (x, y) => Array.from(data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)) as [number, number, number] };
}

const distance = (a: readonly number[], b: readonly number[]): number => Math.hypot(...a.map((v, i) => v - b[i]!));
/** Pixels in the box whose colour is within `tol` of `rgb`. */
function count(p: Awaited<ReturnType<typeof pixels>>, [x0, y0, x1, y1]: number[], rgb: readonly number[], tol: number): number {
  let n = 0;
  for (let y = y0!; y <= y1!; y++) for (let x = x0!; x <= x1!; x++) if (distance(p.at(x, y), rgb) <= tol) n++;
  return n;
}
const WHITE = [255, 255, 255];
const INK = [0, 0, 0];

test('curves: each series through its points in its colour; title and axis text drawn', async () => {
  const file = join(dir, 'curves.png');
  const blue = [0x1f, 0x77, 0xb4], red = [0xd6, 0x27, 0x28];
  await curvesPng(file, [
    { title: 'loss', series: [{ name: 'train', values: [2, 1.5, 1.1], color: '#1f77b4' }, { name: 'val', values: [2.1, 1.7, NaN], color: '#d62728' }] },
    { title: 'accuracy', series: [{ name: 'val', values: [0.2, 0.4, 0.6], color: '#2ca02c' }] },
  ]);
  const p = await pixels(file);
  assert.equal([p.width, p.height], [960, 320]);
  // The loss panel spans values 1.1…2.1: x = 50 + 205·i, y = 290 − 260·(v − 1.1).
  const point = (i: number, v: number): [number, number] => [Math.round(50 + 205 * i), Math.round(290 - 260 * (v - 1.1))];
  const near = ([x, y]: [number, number], rgb: number[]) => count(p, [x - 2, y - 2, x + 2, y + 2], rgb, 60);
  for (const [i, v] of [[0.5, 1.75], [1.5, 1.3]] as const) assert.ok(near(point(i, v), blue) > 0, `train curve at epoch ${i + 1}`);
  assert.ok(near(point(0.5, 1.9), red) > 0, 'val curve between its two points');
  assert.is(near(point(1.5, 1.9), red), 0, 'no val segment past its NaN');
  // The accuracy panel (x offset 480) rises from the bottom-left to the top-right corner of its plot box.
  assert.ok(count(p, [480 + 50 + 200, 155, 480 + 50 + 210, 165], [0x2c, 0xa0, 0x2c], 60) > 0, 'accuracy curve through its middle');
  assert.ok(count(p, [220, 5, 260, 22], INK, 120) > 10, 'the panel title is drawn');
  assert.ok(count(p, [0, 25, 48, 300], INK, 120) > 20, 'tick labels are drawn');
  assert.is(count(p, [300, 200, 400, 280], INK, 120), 0, 'no ink in the empty plot area');
});

test('confusion matrix: cells shaded by row percentage, counts drawn', async () => {
  const file = join(dir, 'cm.png');
  await confusionPng(file, [[3, 1], [0, 4]], ['neutral', 'happy'], 'test');
  const p = await pixels(file);
  assert.equal([p.width, p.height], [110 + 2 * 64 + 20, 60 + 2 * 64 + 20]);
  // Cell (t, q) spans x 110 + 64q, y 60 + 64t; shade = 255 − 200 · row fraction, blue kept at 255.
  const corner = (t: number, q: number) => p.at(110 + 64 * q + 4, 60 + 64 * t + 4);
  for (const [t, q, frac] of [[0, 0, 0.75], [0, 1, 0.25], [1, 0, 0], [1, 1, 1]] as const) {
    const shade = Math.round(255 - 200 * frac);
    assert.ok(distance(corner(t, q), [shade, shade, 255]) < 3, `cell (${t}, ${q}): ${corner(t, q)} for ${frac * 100}%`);
  }
  // Counts are dark strokes on light cells and white strokes on dark ones.
  assert.ok(count(p, [110 + 64 + 20, 60 + 20, 110 + 128 - 20, 60 + 44], INK, 150) > 5, '"1" in the light cell');
  assert.ok(count(p, [110 + 64 + 20, 60 + 64 + 20, 110 + 128 - 20, 60 + 128 - 20], WHITE, 60) > 5, '"4" in white on the darkest cell');
  assert.ok(count(p, [0, 60, 105, 188], INK, 150) > 20, 'row labels are drawn');
});

test.run();
