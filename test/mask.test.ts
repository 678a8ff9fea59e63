// The weighted mask on the GPU against the float64 CPU reference (src/reference/mask.ts), bit for bit:
// every orientation bin of integer gradients in [−255, 255]², histogram totals, the emulated float64
// correlation and band tables, the mask's landmark rules, the network inputs; plus the landmark
// parser, OpenCV's rounding helpers and the crop's padding.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { Tensor, scope } from '../src/graph/tensor.js';
import { gpu } from '../src/kernels/context.js';
import { alignment, cropBox, resizeLinear, roundHalfEven, warpAffine } from '../src/face/align.js';
import { bandTables, correlate } from '../src/kernels/launchers/mask_correlate.js';
import { hogTotals } from '../src/kernels/launchers/mask_histograms.js';
import { FACE_SIZE as S } from '../src/face/geometry.js';
import { f64Words, readFloat64 } from '../src/face/mask/float64.js';
import { hogGradients } from '../src/face/mask/gradients.js';
import { netInput } from '../src/face/image.js';
import { landmarkFileFor, parseLandmarks } from '../src/face/landmarks.js';
import { packFaces, paint, truncateLandmarks, weightedMask } from '../src/face/mask/mask.js';
import * as ref from '../src/reference/mask.js';
import { rng, setupGpu } from './util.js';

const PIXELS = S * S;

test.before(async () => {
  await setupGpu();
});

/** Exact equality, reporting the first difference. */
function same(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.is(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(actual[i] === 0 && expected[i] === 0)) {
      assert.unreachable(`${what}: at [${i}] got ${actual[i]} expected ${expected[i]}`);
    }
  }
}

/** Faces for the tests: noise, smooth ramps with noise, and flat areas (zero gradients, one flat strip). */
function randomFaces(n: number, seed: number): Uint8Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => {
    const f = new Uint8Array(PIXELS * 3);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        for (let c = 0; c < 3; c++) {
          let v: number;
          if (i % 3 === 0) v = Math.floor(r() * 256);
          else if (i % 3 === 1) v = (x * 3 + y * (c + 1) + Math.floor(r() * 9)) & 255;
          else v = x < 56 ? 77 : x < 120 ? 200 * ((y >> 4) & 1) : Math.floor(r() * 256);
          f[(y * S + x) * 3 + c] = v;
        }
      }
    }
    return f;
  });
}

/** 68 landmarks inside the face, in face coordinates. */
function randomLandmarks(r: () => number): number[] {
  return Array.from({ length: 136 }, () => 4 + r() * 215);
}

/** bin and float64 magnitude per pixel from GPU codes (magnitude = (high·2^32 + low)·2^-52, exact). */
function decodeCodes(words: Int32Array, n: number): ref.HogGradients[] {
  const u = new Uint32Array(words.buffer, words.byteOffset, words.length);
  return Array.from({ length: n }, (_, i) => {
    const bin = new Uint8Array(PIXELS), mag = new Float64Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      const lo = u[2 * (i * PIXELS + p)]!, hi = u[2 * (i * PIXELS + p) + 1]!;
      bin[p] = hi >>> 29;
      mag[p] = (hi & 0x1fffffff) * 2 ** -20 + lo * 2 ** -52;
    }
    return { bin, mag };
  });
}

test('gradients: every integer (gx, gy) in [−255, 255]² gets the reference bin and magnitude', async () => {
  // Pixels (1 + 3i, 1 + 3j) own their four neighbours, so each can carry any gradient: 74² per face.
  const pairs: [number, number][] = [];
  for (let gy = -255; gy <= 255; gy++) for (let gx = -255; gx <= 255; gx++) pairs.push([gx, gy]);
  const perFace = 74 * 74;
  const faces: Uint8Array[] = [];
  for (let at = 0; at < pairs.length; at += perFace) {
    const f = new Uint8Array(PIXELS * 3);
    const set = (y: number, x: number, v: number): void => void f.fill(v, (y * S + x) * 3, (y * S + x) * 3 + 3);
    pairs.slice(at, at + perFace).forEach(([gx, gy], k) => {
      const y = 1 + 3 * Math.floor(k / 74), x = 1 + 3 * (k % 74);
      set(y, x + 1, Math.max(gx, 0));
      set(y, x - 1, Math.max(-gx, 0));
      set(y + 1, x, Math.max(gy, 0));
      set(y - 1, x, Math.max(-gy, 0));
    });
    faces.push(f);
  }
  const words = (await scope(() => hogGradients(packFaces(faces))).read()) as Int32Array;
  const got = decodeCodes(words, faces.length);
  faces.forEach((f, i) => {
    const want = ref.gradients(f);
    same(got[i]!.bin, want.bin, `face ${i} bins`);
    same(got[i]!.mag, want.mag, `face ${i} magnitudes`);
  });
});

for (const gradient of ['centred', 'sobel'] as const) {
  test(`${gradient} gradients and histogram totals of 3 faces match the reference exactly`, async () => {
    const faces = randomFaces(3, gradient === 'sobel' ? 2 : 1);
    const { codes, totals } = scope(() => {
      const codes = hogGradients(packFaces(faces), gradient);
      return { codes, totals: hogTotals(codes) };
    });
    const got = decodeCodes((await codes.read()) as Int32Array, 3);
    const sums = await totals.readF32();
    faces.forEach((f, i) => {
      const want = ref.gradients(f, gradient);
      same(got[i]!.bin, want.bin, `face ${i} bins`);
      same(got[i]!.mag, want.mag, `face ${i} magnitudes`);
      same(sums.subarray(i * 40, (i + 1) * 40), ref.cellTotals(want), `face ${i} totals`);
    });
    codes.dispose();
    totals.dispose();
  });
}

test('correlation in emulated float64: ρ and histograms bit-identical to the reference', async () => {
  // Random totals over a wide range of exponents, with zeros, ties, a constant strip (ρ = 1: NaN) and
  // a zero face; each image row is [strip0…strip3, face] × 8 bins.
  const r = rng(7);
  const n = 40;
  const totals = new Float32Array(n * 40);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 40; j++) {
      const u = r();
      totals[i * 40 + j] = u < 0.1 ? 0 : u < 0.15 ? 1234.5 : Math.fround(r() * 10 ** (r() * 12 - 3));
    }
  }
  totals.fill(7, 1 * 40 + 8, 1 * 40 + 16); // image 1, strip 1 constant
  totals.fill(0, 2 * 40, 3 * 40); // image 2: no gradients at all
  totals.fill(0, 3 * 40 + 32, 4 * 40); // image 3: zero face
  const { rho, hog } = scope(() => correlate(Tensor.from(totals, [n, 5, 8])));
  const [gotRho, gotHog] = [await readFloat64(rho), await hog.readF32()];
  for (let i = 0; i < n; i++) {
    const h = ref.histograms(totals.subarray(i * 40, (i + 1) * 40));
    same(gotHog.subarray(i * 40, (i + 1) * 40), Array.from(h, Math.fround), `image ${i} hog`);
    same(gotRho.subarray(i * 4, (i + 1) * 4), ref.correlations(h), `image ${i} rho`);
  }
  assert.equal(Array.from(gotRho.subarray(8, 12)), [1, 1, 1, 1], 'no gradients: ρ = 1 (NaN rule)');
  assert.is(gotRho[5], 1, 'constant strip: ρ = 1');
  rho.dispose();
  hog.dispose();
});

test('band tables: f32(ρ) and the attention input of every pixel value, exactly', async () => {
  const r = rng(11);
  const values = [1, -1, 0, 0.5, -0.24310811115950173, 1e-9, 0.9999999999999999, ...Array.from({ length: 9 }, () => r() * 2 - 1)];
  const words = Uint32Array.from(values.flatMap((v) => f64Words(v)));
  const rho = Tensor.empty([values.length / 4, 4, 2], 'i32');
  gpu().write(rho.buf, words);
  const table = await scope(() => bandTables(rho)).readF32();
  values.forEach((v, b) => {
    same([table[b * 257]!], [Math.fround(v)], `ρ = ${v}: mask value`);
    same(table.subarray(b * 257 + 1, (b + 1) * 257), Array.from({ length: 256 }, (_, c) => netInput(c, v)), `ρ = ${v}: attention inputs`);
  });
  rho.dispose();
});

test('paint: bands, landmark truncation, skipping, clipping and overwriting; both layouts', async () => {
  const r = rng(5);
  const faces = randomFaces(2, 9);
  const lm = [randomLandmarks(r), randomLandmarks(r)];
  // Edge cases on image 0: trunc(−0.5) = 0 is painted, −1 skipped; 222.9 painted and clipped, 223
  // skipped; a corner; 30 and 31 overlap (31 wins); 40 lies on 12's patch with a lower index.
  const edge: [number, number, number][] = [
    [0, -0.5, 100], [1, -1, 100], [2, 222.9, 50], [3, 223, 50], [4, 100, 223], [5, 0, 0], [6, 150, 222.99],
    [30, 60.7, 60.2], [31, 64.1, 62.9], [12, 120, 120], [40, 118, 125],
  ];
  for (const [i, x, y] of edge) (lm[0]![2 * i] = x), (lm[0]![2 * i + 1] = y);
  const rhoValues = [0.25, -0.5, 0.75, 1, 0.1, 0.2, 0.3, 0.4];
  const rho = Tensor.empty([2, 4, 2], 'i32');
  gpu().write(rho.buf, Uint32Array.from(rhoValues.flatMap((v) => f64Words(v))));
  for (const layout of ['rows', 'columns'] as const) {
    const out = scope(() => paint(packFaces(faces), Tensor.from(truncateLandmarks(lm.flat()), [2, 68, 2], 'i32'), bandTables(rho), layout));
    const [mask, image, attn] = [await out.mask.readF32(), await out.image.readF32(), await out.attn.readF32()];
    for (let i = 0; i < 2; i++) {
      const m = ref.weightedMask(rhoValues.slice(4 * i, 4 * i + 4), lm[i]!, layout);
      same(mask.subarray(i * PIXELS, (i + 1) * PIXELS), Array.from(m, Math.fround), `${layout} image ${i} mask`);
      const want = ref.netInputs(faces[i]!, m);
      same(image.subarray(i * 3 * PIXELS, (i + 1) * 3 * PIXELS), want.image, `${layout} image ${i} image input`);
      same(attn.subarray(i * 3 * PIXELS, (i + 1) * 3 * PIXELS), want.attn, `${layout} image ${i} attention input`);
    }
    for (const t of Object.values(out)) t.dispose();
  }
  rho.dispose();
});

for (const [n, opts] of [[1, {}], [3, {}], [1, { gradient: 'sobel', bands: 'columns' }]] as const) {
  test(`weightedMask end to end, batch ${n}, ${JSON.stringify(opts)}`, async () => {
    const r = rng(20 + n);
    const faces = randomFaces(n, 30 + n);
    const lms = faces.map(() => randomLandmarks(r));
    const out = scope(() => weightedMask(packFaces(faces), lms.flat(), opts));
    const [rho, hog, mask, attn] = [await readFloat64(out.rho), await out.hog.readF32(), await out.mask.readF32(), await out.attn.readF32()];
    faces.forEach((f, i) => {
      const want = ref.referenceMask(f, lms[i]!, opts);
      same(rho.subarray(4 * i, 4 * i + 4), want.rho, `face ${i} rho`);
      same(hog.subarray(40 * i, 40 * i + 40), Array.from(want.hog, Math.fround), `face ${i} hog`);
      same(mask.subarray(i * PIXELS, (i + 1) * PIXELS), Array.from(want.mask, Math.fround), `face ${i} mask`);
      same(attn.subarray(3 * i * PIXELS, 3 * (i + 1) * PIXELS), want.attn, `face ${i} attention input`);
    });
    for (const t of [out.rho, out.hog, out.mask, out.image, out.attn]) t.dispose();
  });
}

test('landmark files: strict parsing with file and line in errors', () => {
  const lines = Array.from({ length: 68 }, (_, i) => `   ${(i * 3.5).toExponential(7)}   ${i}.25`);
  const lm = parseLandmarks(lines.join('\n') + '\n\n', 'ok.txt');
  assert.is(lm[2], 3.5);
  assert.is(lm[135], 67.25);
  const bad = (text: string, pattern: RegExp): void => assert.throws(() => parseLandmarks(text, 'f.txt'), pattern);
  bad(lines.slice(1).join('\n'), /f\.txt: 67 landmarks, expected 68/);
  bad([...lines, '1 2'].join('\n'), /f\.txt:69: more than 68/);
  bad(['1 2 3', ...lines.slice(1)].join('\n'), /f\.txt:1: expected "x y"/);
  for (const v of ['nan', 'Infinity', '0x10', '1e', '--1']) bad([`1 ${v}`, ...lines.slice(1)].join('\n'), /f\.txt:1: .* is not a finite number/);
});

test('landmark file of an image: its own, else the sequence peak frame beside it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-'));
  try {
    for (const f of ['S010_004_00000001.png', 'S010_004_00000019_landmarks.txt', 'S010_004_00000007_landmarks.txt', 'S011_001_00000003.png', 'S011_001_00000003_landmarks.txt', 'S012_001_00000001.png']) {
      writeFileSync(join(dir, f), '');
    }
    assert.is(await landmarkFileFor(join(dir, 'S010_004_00000001.png')), join(dir, 'S010_004_00000019_landmarks.txt'));
    assert.is(await landmarkFileFor(join(dir, 'S011_001_00000003.png')), join(dir, 'S011_001_00000003_landmarks.txt'));
    try {
      await landmarkFileFor(join(dir, 'S012_001_00000001.png'));
      assert.unreachable('no landmark file must throw');
    } catch (e) {
      assert.match((e as Error).message, /S012_001_00000001\.png: no landmark file/);
    }
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('alignment helpers: half-to-even rounding, identity warp and resize, zero-padded crop', () => {
  assert.equal([0.5, 1.5, 2.5, -0.5, -1.5, 373.5, 2.4999].map(roundHalfEven), [0, 2, 2, -0, -2, 374, 2]);
  const r = rng(3);
  const img = { data: Uint8Array.from({ length: 7 * 9 * 3 }, () => Math.floor(r() * 256)), height: 7, width: 9 };
  // Level eyes (angle 0): the rotation is the identity, so are the warp and a same-size resize.
  const lm = new Float64Array(136).fill(3);
  const al = alignment(lm);
  assert.equal(Array.from(al.matrix), [1, -0, 0, 1, 0, 0]);
  assert.equal(warpAffine(img, al.matrix).data, img.data);
  assert.equal(resizeLinear(img, 7, 9).data, img.data);
  // A box reaching past the image: the outside is 0, the inside the image.
  const crop = warpAffine(img, al.matrix, [-2, -1, 4, 3]);
  assert.is(crop.width * crop.height, 24);
  assert.is(crop.data[0], 0);
  assert.equal(Array.from(crop.data.subarray((1 * 6 + 2) * 3, (1 * 6 + 3) * 3)), Array.from(img.data.subarray(0, 3)));
  // A constant image stays constant when resized either way.
  const flat = { data: new Uint8Array(31 * 17 * 3).fill(201), height: 31, width: 17 };
  assert.ok(resizeLinear(flat, 224, 224).data.every((v) => v === 201));
  assert.ok(resizeLinear(resizeLinear(flat, 224, 224), 13, 40).data.every((v) => v === 201));
  // The crop box truncates toward zero: (x_c ± w/2) of landmarks spanning x ∈ [−10.5, 40].
  const pts = new Float64Array(136);
  for (let i = 0; i < 68; i++) (pts[2 * i] = i === 0 ? -10.5 : 40), (pts[2 * i + 1] = i < 48 ? 20 : 55);
  const [l, t, rr, b] = cropBox(pts);
  const d = 55 - 20, top = 20 - (d * 30) / 35, w = 55 + d - top, xc = (-10.5 + 40) / 2;
  assert.equal([l, t, rr, b], [Math.trunc(xc - w / 2), Math.trunc(top), Math.trunc(xc + w / 2), 90]);
});

test.run();
