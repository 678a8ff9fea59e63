// Shared test helpers: the GPU, a seeded RNG, and tolerance checks that report the worst element.

import * as assert from 'uvu/assert';
import { gpu, initGpu, type Gpu } from '../src/kernels/context.js';
import { tuningFor } from '../src/kernels/tuning.js';
import { seededRandom } from '../src/nn/init.js';
import { backward } from '../src/graph/tape.js';
import { scope, Tensor, type Shape } from '../src/graph/tensor.js';
import { UserError } from '../src/errors.js';

export const setupGpu = (): Promise<Gpu> => initGpu();

/** Deterministic uniform numbers in [0, 1). */
export const rng = seededRandom;

/** n standard-normal-ish values (sum of uniforms), scaled. */
export function randn(r: () => number, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (r() + r() + r() + r() - 2) * 1.7320508 * scale;
  return out;
}

export function randTensor(r: () => number, shape: Shape, scale = 1): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  return Tensor.from(randn(r, n, scale), shape);
}

export interface CloseReport {
  maxAbs: number;
  maxRel: number;
  worst: number;
}

/** |a − b| ≤ rtol·|b| + atol·max(1, max|b|) elementwise (the fixtures' rule); returns the errors. */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number): CloseReport & { ok: boolean } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs expected ${expected.length}`);
  let maxB = 0;
  for (let i = 0; i < expected.length; i++) maxB = Math.max(maxB, Math.abs(expected[i]!));
  const scale = atol * Math.max(1, maxB);
  let maxAbs = 0, maxRel = 0, worst = -1, ok = true;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, b = expected[i]!;
    const d = Math.abs(a - b);
    if (!(d <= rtol * Math.abs(b) + scale)) {
      if (ok) worst = i;
      ok = false;
    }
    if (d > maxAbs || Number.isNaN(d)) {
      maxAbs = Number.isNaN(d) ? Infinity : d;
      if (ok) worst = i;
    }
    if (Math.abs(b) > 1e-3) maxRel = Math.max(maxRel, d / Math.abs(b));
  }
  return { ok, maxAbs, maxRel, worst };
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): CloseReport {
  const r = compare(actual, expected, rtol, atol);
  if (!r.ok) {
    const i = r.worst;
    assert.unreachable(`${what}: max|Δ| ${r.maxAbs.toExponential(2)}; at [${i}] got ${actual[i]} expected ${expected[i]} (rtol ${rtol}, atol ${atol})`);
  }
  return r;
}

/**
 * Runs fn with every register tile at its largest and no shrinking, in the other adapter kind's workgroups:
 * the adapter's own tuning shrinks tiles on these small shapes, so this is what exercises the full tiles.
 */
export async function withMaxTiles(fn: () => Promise<unknown>): Promise<void> {
  const t = gpu().tuning;
  const saved = { ...t };
  t.wgTiled = tuningFor({ software: !gpu().info.software }).wgTiled;
  t.conv = { tileC: 8, tileW: 8, gemmM: 8, gemmV: 4, depthwiseW: 8, wgradA: 8, wgradK: 8, minInvocations: 0, pointwiseWgrad: [8, 8] };
  try {
    await fn();
  } finally {
    Object.assign(t, saved);
  }
}

/** One input of an op under test: its values and shape, and whether it wants a gradient. */
export interface OpInput {
  data: Float32Array;
  shape: Shape;
  grad?: boolean;
}

/**
 * The shared op check: `forward` on tensors made from `inputs` against `expected.y`, then backward from
 * the seed `g` against `expected.grads` (an input without `grad` must get no gradient); everything made
 * here is disposed. `what` names the case in a failure.
 */
export async function checkOp(what: string, inputs: OpInput[], forward: (xs: Tensor[]) => Tensor, expected: {
  y: ArrayLike<number>;
  g?: Float32Array;
  grads?: (ArrayLike<number> | null)[];
}, rtol = 0, atol = 0, names = inputs.map((_, i) => `d${i}`)): Promise<void> {
  const xs = inputs.map((x) => Tensor.from(x.data, x.shape));
  xs.forEach((x, i) => (x.requiresGrad = inputs[i]!.grad ?? false));
  const y = scope(() => forward(xs));
  const made: (Tensor | null)[] = [...xs, y];
  try {
    assertClose(await y.read(), expected.y, rtol, atol, `${what} y`);
    if (!expected.g) return;
    const g = Tensor.from(expected.g, y.shape);
    made.push(g);
    backward(y, g);
    for (const [i, x] of xs.entries()) {
      made.push(x.grad);
      const want = expected.grads?.[i];
      if (inputs[i]!.grad) assertClose(await x.grad!.read(), want!, rtol, atol, `${what} ${names[i]}`);
      else assert.is(x.grad, null, `${what} ${names[i]} should not exist`);
    }
  } finally {
    for (const t of made) t?.dispose();
  }
}

/** Awaits `fn`, which must throw a one-line UserError containing every `parts` string; returns its message. */
export async function userErrorOf(fn: () => Promise<unknown>, ...parts: string[]): Promise<string> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, UserError, `expected a UserError, got ${String(e)}`);
    const msg = (e as Error).message;
    assert.not.match(msg, /\n/, 'one line');
    for (const p of parts) assert.ok(msg.includes(p), `message ${JSON.stringify(msg)} lacks ${JSON.stringify(p)}`);
    return msg;
  }
  assert.unreachable('no error thrown');
  return '';
}
