// The live training picture: loss on the left (every step's objective on augmented batches, and the
// cross-entropy of the training and held-out faces before training and after each epoch), accuracy of
// both sets on the right, redrawn as each step and epoch arrives.

import type { EpochRecord, StepRecord } from './fine_tune.js';

interface Series {
  name: string;
  color: string;
  points: [number, number][];
  /** Dots at the points (epoch evaluations) rather than a thin line alone. */
  dots: boolean;
}

const COLORS = { step: '#9fb7e8', train: '#1f5fd0', heldOut: '#d0401f' };

function plot(ctx: CanvasRenderingContext2D, x0: number, w: number, h: number, title: string, series: Series[], yRange: [number, number] | null): void {
  const pad = { l: 44, r: 10, t: 22, b: 26 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p[0]);
  const ys = all.map((p) => p[1]);
  const [xMin, xMax] = [Math.min(0, ...xs), Math.max(1, ...xs)];
  let [yMin, yMax] = yRange ?? [Math.min(...ys), Math.max(...ys)];
  if (!(yMax > yMin)) [yMin, yMax] = [(yMin || 0) - 0.5, (yMax || 0) + 0.5];
  const X = (v: number): number => x0 + pad.l + ((v - xMin) / (xMax - xMin)) * (w - pad.l - pad.r);
  const Y = (v: number): number => pad.t + (1 - (v - yMin) / (yMax - yMin)) * (h - pad.t - pad.b);
  ctx.strokeStyle = '#999';
  ctx.lineWidth = 1;
  ctx.strokeRect(X(xMin), Y(yMax), X(xMax) - X(xMin), Y(yMin) - Y(yMax));
  ctx.fillStyle = '#333';
  ctx.font = '12px system-ui, sans-serif';
  ctx.textBaseline = 'middle';
  ctx.fillText(title, x0 + pad.l, 10);
  ctx.textAlign = 'right';
  for (const v of [yMin, (yMin + yMax) / 2, yMax]) ctx.fillText(v.toFixed(2), X(xMin) - 4, Y(v));
  ctx.textAlign = 'center';
  ctx.fillText('step', (X(xMin) + X(xMax)) / 2, h - 8);
  ctx.textAlign = 'left';
  let legendX = x0 + pad.l + ctx.measureText(title).width + 14;
  for (const s of series) {
    if (s.points.length === 0) continue;
    ctx.strokeStyle = ctx.fillStyle = s.color;
    ctx.lineWidth = s.dots ? 2 : 1;
    ctx.beginPath();
    s.points.forEach(([x, y], i) => (i === 0 ? ctx.moveTo(X(x), Y(y)) : ctx.lineTo(X(x), Y(y))));
    ctx.stroke();
    if (s.dots) for (const [x, y] of s.points) ctx.fillRect(X(x) - 3, Y(y) - 3, 6, 6);
    ctx.fillText(s.name, legendX, 10);
    legendX += ctx.measureText(s.name).width + 12;
  }
}

/** Draws both panels for the records so far; epoch e's evaluation sits at the step where it ended. */
export function drawCurves(canvas: HTMLCanvasElement, steps: readonly StepRecord[], epochs: readonly EpochRecord[], stepsPerEpoch: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const half = canvas.width / 2;
  const at = (e: EpochRecord): number => e.epoch * stepsPerEpoch;
  const heldOut = epochs.filter((e) => e.heldOut);
  plot(ctx, 0, half, canvas.height, 'loss', [
    { name: 'step (augmented)', color: COLORS.step, dots: false, points: steps.map((s) => [(s.epoch - 1) * stepsPerEpoch + s.step, s.loss]) },
    { name: 'train', color: COLORS.train, dots: true, points: epochs.map((e) => [at(e), e.train.loss]) },
    { name: 'held out', color: COLORS.heldOut, dots: true, points: heldOut.map((e) => [at(e), e.heldOut!.loss]) },
  ], null);
  plot(ctx, half, half, canvas.height, 'accuracy', [
    { name: 'train', color: COLORS.train, dots: true, points: epochs.map((e) => [at(e), e.train.accuracy]) },
    { name: 'held out', color: COLORS.heldOut, dots: true, points: heldOut.map((e) => [at(e), e.heldOut!.accuracy]) },
  ], [0, 1]);
}
