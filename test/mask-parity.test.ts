// Parity of the preprocessing and the weighted mask with the original (the shared mask fixture):
// GPU histograms, ρ, mask and network inputs from the fixture's crop224 and landmarks_224; rotation,
// aligned landmarks, crop box and the resize on the CPU; and the whole pipeline from the PNG and its
// landmark file. The case list comes from mask_cases.json; OAENET_MASK_FIXTURES points elsewhere.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from './harness.js';
import * as assert from 'uvu/assert';
import { toFloat32, toFloat64, toInt32, type Entry } from '../src/safetensors/entry.js';
import { readSafetensorsFile } from '../src/safetensors/file.js';
import { scope } from '../src/graph/tensor.js';
import { alignFace, alignment, cropBox, matrixRows, resizeLinear, transformPoints } from '../src/face/align.js';
import { readFloat64 } from '../src/face/mask/float64.js';
import { decodeBgr } from '../src/face/image.js';
import { landmarkFileFor, readLandmarks } from '../src/face/landmarks.js';
import { packFaces, weightedMask } from '../src/face/mask/mask.js';
import { fixtureDir } from './fixtures.js';
import { assertClose, setupGpu } from './util.js';

interface Desc {
  key: string;
  shape: number[];
}
interface Case {
  name: string;
  image: string;
  landmarks_file: string;
  crop_box_ltrb: number[];
  crop_hw: [number, number];
  tensors: Record<string, Desc>;
}

const dir = fixtureDir('mask', 'OAENET_MASK_FIXTURES');
const cases: Case[] = JSON.parse(readFileSync(join(dir, 'mask_cases.json'), 'utf8')).cases;
/** The fixture's image paths are relative to shared/, the fixture folder's grandparent. */
const sharedDir = join(dir, '..', '..');
let entries: Map<string, Entry>;

const t = suite('mask parity');

t.before(async () => {
  await setupGpu();
  entries = (await readSafetensorsFile(join(dir, 'mask_cases.safetensors'))).entries;
});

const get = (c: Case, name: string): Entry => {
  const e = entries.get(c.tensors[name]!.key);
  if (!e) throw new Error(`${c.name}: tensor ${name} missing`);
  return e;
};
const f64 = (c: Case, name: string): Float64Array => toFloat64(get(c, name));
const bytes = (c: Case, name: string): Uint8Array => get(c, name).data;

function sameBytes(a: Uint8Array, b: Uint8Array, what: string): void {
  assert.is(a.length, b.length, `${what}: length`);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) bad++;
  assert.is(bad, 0, `${what}: ${bad} of ${a.length} values differ`);
}

t('GPU mask from crop224 and landmarks_224: histograms, ρ, mask, network inputs', async () => {
  const faces = cases.map((c) => bytes(c, 'crop224_bgr'));
  const landmarks = Float64Array.from(cases.flatMap((c) => Array.from(f64(c, 'landmarks_224'))));
  const r = scope(() => weightedMask(packFaces(faces), landmarks));
  const [rho, hog, mask, image, attn] = [await readFloat64(r.rho), await r.hog.readF32(), await r.mask.readF32(), await r.image.readF32(), await r.attn.readF32()];
  let worstRho = 0;
  const plane = 224 * 224;
  const differ = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
    let n = 0;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
    return n;
  };
  const inexact: string[] = [];
  cases.forEach((c, i) => {
    const want = f64(c, 'rho');
    for (let k = 0; k < 4; k++) worstRho = Math.max(worstRho, Math.abs(rho[i * 4 + k]! - want[k]!));
    assertClose(rho.subarray(i * 4, i * 4 + 4), want, 0, 1e-12, `${c.name} rho`);
    // The float32 of the fixture's float64 histograms, exactly.
    assert.equal(Array.from(hog.subarray(i * 40, i * 40 + 32)), Array.from(f64(c, 'hog_strips'), Math.fround), `${c.name} hog_strips`);
    assert.equal(Array.from(hog.subarray(i * 40 + 32, i * 40 + 40)), Array.from(f64(c, 'hog_face'), Math.fround), `${c.name} hog_face`);
    // The fixture's tolerances: mask 1e-7, network inputs exact with the rounding sequence (else 1e-6); count exact misses.
    const got = { mask: mask.subarray(i * plane, (i + 1) * plane), net_image: image.subarray(i * 3 * plane, (i + 1) * 3 * plane), net_attn_input: attn.subarray(i * 3 * plane, (i + 1) * 3 * plane) };
    for (const [name, values] of Object.entries(got)) {
      const expected = toFloat32(get(c, name));
      assertClose(values, expected, 0, name === 'mask' ? 1e-7 : name === 'net_image' ? 0 : 1e-6, `${c.name} ${name}`);
      const n = differ(values, expected);
      if (n > 0) inexact.push(`${c.name} ${name}: ${n}`);
    }
  });
  console.log(`  values not bit-identical: ${inexact.length ? inexact.join(', ') : 'none'}`);
  console.log(`  ρ: max |Δ| ${worstRho.toExponential(2)} over ${cases.length * 4} values`);
  for (const x of [r.rho, r.hog, r.mask, r.image, r.attn]) x.dispose();
});

t('rotation matrix, aligned landmarks, crop box', () => {
  for (const c of cases) {
    const al = alignment(f64(c, 'landmarks_raw'));
    assertClose(matrixRows(al.matrix), f64(c, 'rotation_2x3'), 0, 1e-13, `${c.name} rotation_2x3`);
    const aligned = transformPoints(f64(c, 'landmarks_raw'), al.matrix);
    assertClose(aligned, f64(c, 'landmarks_aligned'), 0, 1e-11, `${c.name} landmarks_aligned`);
    assert.equal(cropBox(f64(c, 'landmarks_aligned')), Array.from(toInt32(get(c, 'crop_box_ltrb'))), `${c.name} crop box`);
    assert.equal(cropBox(aligned), c.crop_box_ltrb, `${c.name} crop box from our landmarks`);
  }
});

t('crop224 from crop_raw: OpenCV INTER_LINEAR, exact', () => {
  for (const c of cases) {
    const [h, w] = c.crop_hw;
    sameBytes(resizeLinear({ data: bytes(c, 'crop_raw_bgr'), height: h, width: w }).data, bytes(c, 'crop224_bgr'), `${c.name} crop224`);
  }
});

t('whole pipeline from the PNG and its landmark file', async () => {
  for (const c of cases) {
    const imagePath = join(sharedDir, c.image);
    const lmFile = await landmarkFileFor(imagePath);
    assert.is(lmFile, join(sharedDir, c.landmarks_file), `${c.name}: landmark file`);
    const lm = await readLandmarks(lmFile);
    assert.equal(Array.from(lm), Array.from(f64(c, 'landmarks_raw')), `${c.name}: landmarks_raw`);
    const img = await decodeBgr(imagePath);
    const face = alignFace(img, lm);
    assertClose(face.landmarks, f64(c, 'landmarks_224'), 0, 1e-11, `${c.name} landmarks_224`);
    const report = (got: Uint8Array, want: Uint8Array): [number, number] => {
      let within = 0, max = 0;
      for (let i = 0; i < want.length; i++) {
        const d = Math.abs(got[i]! - want[i]!);
        if (d <= 1) within++;
        max = Math.max(max, d);
      }
      return [within / want.length, max];
    };
    const [rawShare, rawMax] = report(face.crop.data, bytes(c, 'crop_raw_bgr'));
    const [share, max] = report(face.face.data, bytes(c, 'crop224_bgr'));
    let rawDiff = 0;
    const raw = bytes(c, 'crop_raw_bgr');
    for (let i = 0; i < raw.length; i++) if (face.crop.data[i] !== raw[i]) rawDiff++;
    console.log(`  ${c.name}: crop_raw ${rawDiff} values differ (max ${rawMax}); crop224 ${(share * 100).toFixed(3)}% within ±1, max |Δ| ${max}`);
    assert.ok(rawShare >= 0.999 && share >= 0.99, `${c.name}: crop_raw ${rawShare}, crop224 ${share} within ±1`);
  }
});

t.run();
