// One face, two ways in: `evaluate.js --image PHOTO --landmarks FILE` (align the photo, mask, resize, softmax)
// and the evaluation path over a face cache (the crop training and `--dataset` evaluation see) must give the
// same probabilities for the same model, face and landmarks. (The browser page runs the --image code, and its
// own test holds it to Node's.)

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { buildCache } from '../src/data/cache.js';
import { readDataset } from '../src/data/datasets/index.js';
import { CLASS_NAMES } from '../src/data/labels.js';
import { checkpointBytes } from '../src/model/checkpoint.js';
import { OAENet } from '../src/model/oaenet.js';
import * as reference from '../src/reference/softmax.js';
import { evaluate } from '../src/training/loop.js';
import { repoRoot } from './fixtures.js';
import { test } from './harness.js';
import { assertClose, setupGpu } from './util.js';

const evaluateJs = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'evaluate.js');
const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const FACES = ['anger/S010_004_00000019', 'surprise/S011_001_00000016'];
const work = mkdtempSync(join(tmpdir(), 'prediction-paths-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

test('evaluate.js --image with landmarks equals the evaluation path on the cached face', async () => {
  await setupGpu();
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: 32, seed: 4 });
  const file = join(work, 'model.safetensors');
  writeFileSync(file, await checkpointBytes(model, { image_size: '32' }));
  const all = await readDataset('ckplus', CKPLUS);
  const cache = await buildCache({ ...all, samples: FACES.map((f) => all.samples.find((s) => s.source === join(CKPLUS, `${f}.png`))!) });
  const { logits } = await evaluate(model, cache, [0, 1], { batchSize: 2, imageSize: 32 });
  model.dispose();
  for (const [i, face] of FACES.entries()) {
    const r = spawnSync(process.execPath, [evaluateJs, '--model', file, '--image', join(CKPLUS, `${face}.png`), '--landmarks', join(CKPLUS, `${face}_landmarks.txt`)], { encoding: 'utf8', timeout: 300_000 });
    assert.is(r.status, 0, r.stdout + r.stderr);
    const probabilities = JSON.parse(r.stdout).faces[0].probabilities as Record<string, number>;
    const fromImage = CLASS_NAMES.map((c) => probabilities[c]!);
    const fromCache = reference.softmax(logits.subarray(i * 7, (i + 1) * 7), 7);
    assertClose(fromImage, fromCache, 0, 1e-6, face);
  }
});

test.run();
