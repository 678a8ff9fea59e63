// The objective as training computes it, on a real batch: a face batch of CK+ faces (mask from the flipped,
// un-augmented face, then augmentation and the resize to the network size) through OAENet in train mode, its
// loss against float64 references of each term computed from the same batch — cross-entropy, island loss on the
// pooled feature, Lovász-softmax of seg_out against (resized mask) > 0.5 — summed with the given weights.

import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { buildCache, cachedFace, type FaceCache } from '../src/data/cache.js';
import { readDataset } from '../src/data/datasets/index.js';
import { faceBatch } from '../src/data/face_batch.js';
import { FACE_SIZE, LANDMARKS } from '../src/face/geometry.js';
import { scope } from '../src/graph/tensor.js';
import { OAENet } from '../src/model/oaenet.js';
import { seededRandom } from '../src/nn/init.js';
import * as ce from '../src/reference/cross_entropy.js';
import * as island from '../src/reference/island.js';
import * as lovasz from '../src/reference/lovasz.js';
import { referenceMask } from '../src/reference/mask.js';
import { oaenetObjective } from '../src/training/objective.js';
import { repoRoot } from './fixtures.js';
import { test } from './harness.js';
import { assertClose, setupGpu } from './util.js';

const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const PICK = ['happy/S010_006_00000015.png', 'anger/S010_004_00000019.png', 'surprise/S011_001_00000016.png', 'happy/S011_006_00000013.png'];
let cache: FaceCache;

test.before(async () => {
  await setupGpu();
  const all = await readDataset('ckplus', CKPLUS);
  cache = await buildCache({ ...all, samples: PICK.map((p) => all.samples.find((s) => s.source === join(CKPLUS, p))!) });
});

test('a flipped face is flipped with its landmarks (x ← 224 − x) before the mask', async () => {
  // rand() = 0 flips every face; the mask is computed before augmentation, so it is the reference mask of the
  // mirrored crop with mirrored landmarks.
  const batch = faceBatch(cache, [0, 2], FACE_SIZE, () => 0);
  const got = await batch.mask.readF32();
  for (const [b, i] of [0, 2].entries()) {
    const face = cachedFace(cache, i).data;
    const mirrored = new Uint8Array(face.length);
    for (let y = 0; y < FACE_SIZE; y++) {
      for (let x = 0; x < FACE_SIZE; x++) {
        for (let c = 0; c < 3; c++) mirrored[(y * FACE_SIZE + x) * 3 + c] = face[(y * FACE_SIZE + FACE_SIZE - 1 - x) * 3 + c]!;
      }
    }
    const marks = Float64Array.from(cache.landmarks.subarray(i * LANDMARKS * 2, (i + 1) * LANDMARKS * 2), (v, k) => (k % 2 === 0 ? FACE_SIZE - v : v));
    const plane = FACE_SIZE * FACE_SIZE;
    assert.equal(Array.from(got.subarray(b * plane, (b + 1) * plane)), Array.from(referenceMask(mirrored, marks).mask, Math.fround), `face ${i}`);
  }
  for (const t of Object.values(batch)) t.dispose();
});

test('one training step\'s loss is CE + w_island · island + w_lovász · Lovász(seg_out, mask > 0.5) of the same batch', async () => {
  const size = 32;
  const model = new OAENet({ inputSize: size, seed: 3 });
  model.train();
  for (const weights of [{ island: 0.1, lovasz: 1 }, { island: 0.3, lovasz: 2.5 }]) {
    const batch = faceBatch(cache, [0, 1, 2, 3], size, seededRandom(5));
    const out = model.forward(batch.image, batch.attn);
    const loss = scope(() => oaenetObjective.total(out, batch.labels, batch.mask, weights));
    const [logits, pooled, segOut, mask, labels] = await Promise.all([out.logits.readF32(), out.pooled!.readF32(), out.segOut!.readF32(), batch.mask.readF32(), batch.labels.read()]);
    assert.equal(Array.from(labels), [0, 1, 2, 3].map((i) => cache.samples[i]!.label));
    const target = Array.from(mask, (v) => (v > 0.5 ? 1 : 0));
    assert.ok(target.some((v) => v === 1) && target.some((v) => v === 0), 'both segmentation classes present');
    const want = ce.crossEntropy(logits, labels, 7)
      + weights.island * island.islandLoss(pooled, labels, 4, pooled.length / 4, 7).loss
      + weights.lovasz * lovasz.lovaszSoftmax(segOut, [4, 2, size, size], target).loss;
    assertClose(await loss.readF32(), [want], 1e-5, 1e-6, `loss with weights ${JSON.stringify(weights)}`);
    for (const t of [loss, out.logits, out.pooled!, out.segOut!, ...Object.values(batch)]) t.dispose();
  }
  model.dispose();
});

test.run();
