import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { fillPolygon, MaskArena, paint, strokePolyline, type Mask } from '../src/draw/polygon.js';

const W = 12, H = 10;
const arena = new MaskArena();

/** The mask's coverage of image pixel (x, y); 0 outside its box. */
function at(m: Mask, x: number, y: number): number {
  const cx = x - m.x0, cy = y - m.y0;
  return cx >= 0 && cy >= 0 && cx < m.w && cy < m.h ? m.a[cy * m.w + cx]! : 0;
}

/** Every pixel of the image as coverage, row by row. */
const image = (m: Mask): number[][] => Array.from({ length: H }, (_, y) => Array.from({ length: W }, (_, x) => at(m, x, y)));

test('a filled square: full inside, half on its edges, a quarter at its corners, nothing outside', () => {
  // The square [2, 6] × [3, 7]: its edges run through pixel centres, so edge pixels are half covered.
  const m = fillPolygon(arena, [2, 3, 6, 3, 6, 7, 2, 7], W, H);
  assert.equal([m.x0, m.y0, m.w, m.h], [2, 3, 5, 5], 'the box is the pixels the square touches');
  for (let x = 3; x <= 5; x++) for (let y = 4; y <= 6; y++) assert.is(at(m, x, y), 1, `inside (${x}, ${y})`);
  for (let k = 3; k <= 5; k++) {
    assert.is(at(m, 2, k + 1), 0.5, 'left edge');
    assert.is(at(m, 6, k + 1), 0.5, 'right edge');
    assert.is(at(m, k, 3), 0.5, 'top edge');
    assert.is(at(m, k, 7), 0.5, 'bottom edge');
  }
  for (const [x, y] of [[2, 3], [6, 3], [2, 7], [6, 7]] as const) assert.is(at(m, x, y), 0.25, `corner (${x}, ${y})`);
  const total = image(m).flat().reduce((s, v) => s + v, 0);
  assert.is(total, 16, 'the coverage adds up to the area');
});

test('winding direction does not matter; a triangle covers half of its box', () => {
  const cw = image(fillPolygon(arena, [2, 3, 6, 3, 6, 7, 2, 7], W, H));
  const ccw = image(fillPolygon(arena, [2, 3, 2, 7, 6, 7, 6, 3], W, H));
  assert.equal(ccw, cw);
  // The right triangle (1, 1), (9, 1), (1, 9): the pixel on its diagonal is cut in half.
  const t = fillPolygon(arena, [1, 1, 9, 1, 1, 9], W, H);
  assert.is(at(t, 3, 3), 1, 'inside');
  assert.is(at(t, 7, 7), 0, 'beyond the diagonal');
  assert.is(at(t, 5, 5), 0.5, 'on the diagonal');
  assert.ok(Math.abs(image(t).flat().reduce((s, v) => s + v, 0) - 32) < 1e-9, 'the area, 8 · 8 / 2');
});

test('even–odd: a ring traced as one polygon leaves its hole empty', () => {
  // Outer square, a bridge to the inner square, the inner square backwards, back over the bridge.
  const ring = [1, 1, 9, 1, 9, 9, 1, 9, 1, 1, 3, 3, 3, 7, 7, 7, 7, 3, 3, 3];
  const m = fillPolygon(arena, ring, W, H);
  assert.is(at(m, 2, 5), 1, 'on the ring');
  assert.is(at(m, 8, 5), 1, 'on the ring');
  assert.is(at(m, 5, 5), 0, 'in the hole');
  assert.is(at(m, 3, 5), 0.5, 'on the hole\'s edge');
});

test('shapes reaching outside the image are cut, never written past its edges', () => {
  const m = fillPolygon(arena, [-4, -4, 3, -4, 3, 3, -4, 3], W, H);
  assert.equal([m.x0, m.y0, m.w, m.h], [0, 0, 4, 4]);
  assert.is(at(m, 0, 0), 1);
  assert.is(at(m, 2, 2), 1);
  assert.is(at(m, 3, 1), 0.5, 'the right edge');
  assert.is(at(m, 3, 3), 0.25, 'the corner');
  const away = fillPolygon(arena, [20, 20, 30, 20, 30, 30], W, H);
  assert.is(away.w * away.h, 0, 'a shape beside the image covers nothing');
});

test('a stroke: full along its line, falling off over half a pixel beyond its half width', () => {
  // Width 2 along y = 5 from x = 3 to x = 8: pixels within 1 of the line are full, those at 1 half.
  const m = strokePolyline(arena, [3, 5, 8, 5], 2, W, H);
  for (let x = 3; x <= 8; x++) {
    assert.is(at(m, x, 5), 1, `on the line at x = ${x}`);
    assert.is(at(m, x, 4), 0.5, `above at x = ${x}`);
    assert.is(at(m, x, 6), 0.5, `below at x = ${x}`);
    assert.is(at(m, x, 3), 0, `two above at x = ${x}`);
  }
  assert.is(at(m, 2, 5), 0.5, 'round cap: one before the start');
  assert.is(at(m, 1, 5), 0, 'two before the start');
  assert.is(at(m, 9, 5), 0.5, 'round cap: one past the end');
  assert.is(at(m, 2, 4), Math.fround(1.5 - Math.SQRT2), 'the cap is round: the pixel diagonal to the end is √2 away');
  // A joint takes the larger coverage of its two segments instead of their sum.
  const bend = strokePolyline(arena, [2, 2, 6, 2, 6, 8], 2, W, H);
  assert.is(at(bend, 6, 2), 1, 'the joint');
  assert.ok(image(bend).flat().every((v) => v >= 0 && v <= 1), 'coverage stays within [0, 1]');
});

test('paint blends a tone by coverage, clipped by another mask', () => {
  const img = new Uint8ClampedArray(W * H).fill(100);
  const square = fillPolygon(arena, [2, 3, 6, 3, 6, 7, 2, 7], W, H);
  paint(img, W, square, 200);
  assert.is(img[5 * W + 4], 200, 'inside: the tone');
  assert.is(img[5 * W + 2], 150, 'on the edge: halfway');
  assert.is(img[3 * W + 2], 125, 'at the corner: a quarter of the way');
  assert.is(img[5 * W + 8], 100, 'outside: untouched');
  // A line across the square, painted only where the square covers it.
  const line = strokePolyline(arena, [0, 5, 11, 5], 2, W, H);
  paint(img, W, line, 0, square);
  assert.is(img[5 * W + 4], 0, 'inside both');
  assert.is(img[5 * W + 2], 75, 'half the line\'s tone on the square\'s edge');
  assert.is(img[5 * W + 0], 100, 'outside the clip');
  assert.is(img[5 * W + 9], 100, 'outside the clip');
});

test('masks from a cleared arena start empty', () => {
  const own = new MaskArena();
  fillPolygon(own, [0, 0, 11, 0, 11, 9, 0, 9], W, H);
  own.clear();
  const m = own.mask(0, 0, 11, 9, W, H);
  assert.ok(m.a.every((v) => v === 0));
  // Masks larger than the arena get a bigger one.
  const big = fillPolygon(own, [0, 0, 999, 0, 999, 999, 0, 999], 1000, 1000);
  assert.is(big.a.length, 1000 * 1000);
  assert.is(big.a[500 * 1000 + 500], 1);
});

test.run();
