// The browser app's modules that run without a browser: the model slot's lifetime rule, model metadata
// and the near-chance warning, the analysis's score threshold, pairing photos with landmark files, class folders, the held-out split,
// fine-tuning (head and whole network) on the GPU in Node, and the static server's rules.

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { test } from './harness.js';
import { repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';
import { UserError } from '../src/errors.js';
import { decodeBgr } from '../src/face/image.js';
import { readLandmarks } from '../src/face/landmarks.js';
import { alignFace } from '../src/face/align.js';
import { checkpointBytes } from '../src/model/checkpoint.js';
import { OAENet } from '../src/model/oaenet.js';
import { FaceLandmarker } from '../src/face/detect/index.js';
import { analyse } from '../src/web/analyse.js';
import { ModelSlot } from '../src/web/model_slot.js';
import { chanceWarning, readModelFile } from '../src/web/model_file.js';
import { pairPhotos } from '../src/web/files.js';
import { classOfFolder, classOfPath, toCrops } from '../src/web/train/face_set.js';
import { fineTune, heldOutSplit, type EpochRecord, type StepRecord } from '../src/web/train/fine_tune.js';

test('a model replaced while a run holds it is disposed when the run ends, not before', async () => {
  const disposed: string[] = [];
  const model = (name: string) => ({ name, dispose: () => disposed.push(name) });
  const slot = new ModelSlot<{ name: string; dispose(): void }>();
  const a = model('a');
  slot.set(a);
  let finish!: () => void;
  const run = slot.use(async (m) => {
    await new Promise<void>((r) => (finish = r));
    return m?.name;
  });
  slot.set(model('b'));
  assert.equal(disposed, [], 'a is still in use');
  assert.is(slot.value?.name, 'b');
  finish();
  assert.is(await run, 'a');
  assert.equal(disposed, ['a']);
  slot.set(model('c')); // b is held by no run: disposed at once
  assert.equal(disposed, ['a', 'b']);
  slot.set(slot.value); // the same model again is kept
  assert.equal(disposed, ['a', 'b']);
  assert.is(await slot.use(async (m) => m?.name), 'c');
  assert.equal(disposed, ['a', 'b']);
});

test('model files: input size and validation accuracy from the metadata; the near-chance warning', async () => {
  await setupGpu();
  const m = new OAENet({ inputSize: 32 });
  const bytes = await checkpointBytes(m, { image_size: '32', val_accuracy: '0.2' });
  const history = await checkpointBytes(m, { state: JSON.stringify({ config: { imageSize: 48 }, history: [{ valAccuracy: 0.5 }, { valAccuracy: 0.75 }] }) });
  const bare = await checkpointBytes(m);
  const odd = await checkpointBytes(m, { image_size: '30' });
  m.dispose();
  const best = readModelFile(bytes, 'best.safetensors', 'file').info;
  assert.equal(best, { name: 'best.safetensors', origin: 'file', inputSize: 32, valAccuracy: 0.2, valCount: null });
  assert.match(chanceWarning(best) ?? '', /^This model is near chance: 20\.0% validation accuracy, where guessing gets 14%\./);
  const last = readModelFile(history, 'last.safetensors', 'file').info;
  assert.equal([last.inputSize, last.valAccuracy], [48, 0.75]);
  assert.is(chanceWarning(last), null);
  const none = readModelFile(bare, 'weights.safetensors', 'file').info;
  assert.equal([none.inputSize, none.valAccuracy], [224, null]);
  assert.is(chanceWarning(none), null);
  assert.throws(() => readModelFile(odd, 'odd.safetensors', 'file'), (e: Error) => e instanceof UserError && /^odd\.safetensors: records image_size 30, which is not a multiple of 16 from 32 to 224; /.test(e.message));
  assert.throws(() => readModelFile(new TextEncoder().encode('hello there'), 'notes.safetensors', 'file'), /^notes\.safetensors: /);
});

test('photos pair with their landmark files by path; class folders label them', () => {
  const f = (path: string) => ({ file: new File(['x'], path.split('/').pop()!), path });
  const { photos, ignored } = pairPhotos([f('ck/happy/S1_1.png'), f('ck/happy/S1_1_landmarks.txt'), f('ck/sadness/S2_3.jpg'), f('ck/sadness/S1_1_landmarks.txt'), f('ck/notes.md')]);
  assert.equal(photos.map((p) => [p.path, p.landmarks?.name ?? null]), [['ck/happy/S1_1.png', 'S1_1_landmarks.txt'], ['ck/sadness/S2_3.jpg', null]]);
  assert.equal(ignored, ['ck/notes.md']);
  assert.equal(['happy', 'Sadness', 'anger', 'sad', 'contempt', 'faces'].map(classOfFolder), [1, 2, 6, 2, null, null]);
  assert.equal(['ck/surprise/x.png', 'x.png'].map(classOfPath), [3, null]);
});

test('the held-out split takes the last faces of each class, and leaves single faces to training', () => {
  const labels = [1, 1, 1, 1, 1, 2, 2, 3, 0, 0, 0];
  assert.equal(heldOutSplit(labels, 0.2), { train: [0, 1, 2, 3, 5, 7, 8, 9], heldOut: [4, 6, 10] });
  assert.equal(heldOutSplit(labels, 0), { train: labels.map((_, i) => i), heldOut: [] });
  assert.equal(heldOutSplit([4, 4], 0.9), { train: [0], heldOut: [1] });
});

test('fine-tuning: the head alone changes only the classifier and lowers the loss; the whole network changes every layer', async () => {
  await setupGpu();
  const ck = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
  const files = [['happy', 'S011_006_00000013'], ['happy', 'S010_006_00000015'], ['surprise', 'S010_002_00000014'], ['surprise', 'S011_001_00000016']] as const;
  const faces = await Promise.all(
    files.map(async ([cls, stem], i) => {
      const png = join(ck, cls, `${stem}.png`);
      const { face, landmarks } = alignFace(await decodeBgr(png), await readLandmarks(png.replace(/\.png$/, '_landmarks.txt')));
      return { source: stem, label: cls === 'happy' ? 1 : 3, face, landmarks, i };
    }),
  );
  const crops = toCrops(faces);
  for (const part of ['head', 'whole'] as const) {
    const model = new OAENet({ inputSize: 32, seed: 3 });
    const before = new Map(await Promise.all([...model.namedParameters()].map(async ([k, t]) => [k, await t.readF32()] as const)));
    const steps: StepRecord[] = [];
    const epochs: EpochRecord[] = [];
    const out = await fineTune(model, crops, { train: [0, 1, 2, 3], heldOut: [] }, { part, lr: 0.05, epochs: 1, batchSize: 4, seed: 0 }, { onStep: (r) => steps.push(r), onEpoch: (r) => epochs.push(r), stopRequested: () => false });
    assert.is(out, 'done');
    assert.is(steps.length, 1);
    assert.ok(Number.isFinite(steps[0]!.loss));
    assert.equal(epochs.map((e) => [e.epoch, e.heldOut]), [[0, null], [1, null]]);
    const changed = new Set<string>();
    for (const [k, t] of model.namedParameters()) if ((await t.readF32()).some((v, i) => v !== before.get(k)![i])) changed.add(k);
    const params = [...model.namedParameters().keys()];
    if (part === 'head') {
      // A random network's eval-mode features are ~1e-12 (batch norm still has its initial statistics), so
      // the classifier's weight moves below float32's resolution here; its bias carries the lower loss.
      assert.ok([...changed].every((k) => k.startsWith('classifier.')) && changed.has('classifier.bias'), [...changed].join(', '));
      assert.ok(epochs[1]!.train.loss < epochs[0]!.train.loss, `training-set loss ${epochs.map((e) => e.train.loss)}`);
    } else assert.ok(params.filter((k) => !k.startsWith('attention_branch.base_model')).every((k) => changed.has(k)), params.filter((k) => !changed.has(k)).join(', '));
    assert.ok(params.every((k) => model.namedParameters().get(k)!.requiresGrad), 'gradients are re-enabled after the run');
    assert.not.ok(model.training, 'the model is left in eval mode');
    model.dispose();
  }
});

test('every face is boxed; only those at or above the score threshold get landmarks and probabilities', async () => {
  await setupGpu();
  const nets = await FaceLandmarker.load();
  const model = new OAENet({ inputSize: 32 }).eval();
  try {
    const photo = await decodeBgr(join(repoRoot(), 'node_modules', '@vladmandic', 'face-api', 'demo', 'sample1.jpg'));
    const a = await analyse(nets, model, photo, { inputSize: 416, scoreThreshold: 0.75 });
    assert.ok(a.faces.length >= 3, `${a.faces.length} faces`);
    assert.ok(a.faces.some((f) => f.box.score < 0.75) && a.faces.some((f) => f.box.score >= 0.75), a.faces.map((f) => f.box.score).join(', '));
    for (const f of a.faces) {
      const strong = f.box.score >= 0.75;
      assert.equal([f.aboveThreshold, f.landmarks !== null, f.prediction !== null, f.cropToImage !== null], [strong, strong, strong, strong]);
    }
    assert.ok(a.times.detect > 0 && a.times.landmarks > 0 && a.times.classify > 0 && a.times.total >= a.times.detect + a.times.landmarks + a.times.classify - 1e-6);
    // Without a model, faces still get boxes and landmarks.
    assert.ok((await analyse(nets, null, photo, { inputSize: 416, scoreThreshold: 0.75 })).faces.every((f) => f.prediction === null && (f.landmarks !== null) === f.aboveThreshold));

    // A picture no larger than a face crop is taken whole; a landmark file replaces detection.
    const ck = join(repoRoot(), '..', 'shared', 'data', 'ckplus', 'happy', 'S011_006_00000013');
    const small = { width: 96, height: 96, data: new Uint8Array(96 * 96 * 3).fill(90) };
    assert.equal((await analyse(nets, null, small, { inputSize: 416, scoreThreshold: 0.5 })).faces.map((f) => f.box), [{ x: 0, y: 0, width: 96, height: 96, score: 1 }]);
    const own = await readLandmarks(`${ck}_landmarks.txt`);
    const fromFile = await analyse(nets, model, await decodeBgr(`${ck}.png`), { inputSize: 416, scoreThreshold: 0.5 }, own);
    assert.is(fromFile.faces.length, 1);
    assert.equal(fromFile.faces[0]!.landmarks, own);
    assert.is(fromFile.times.detect, 0);
  } finally {
    nets.dispose();
    model.dispose();
  }
});

test('every element the app looks up by id is in web/index.html', () => {
  const dir = join(repoRoot(), 'src', 'web');
  const sources = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const wanted = new Set(sources.flatMap((t) => [...t.matchAll(/byId(?:<[^>]+>)?\(['`]([\w-]+)['`]\)/g)].map((m) => m[1]!)));
  for (const mode of ['photo', 'webcam', 'train']) wanted.add(`tab-${mode}`); // looked up as `tab-${k}`
  const page = readFileSync(join(repoRoot(), 'web', 'index.html'), 'utf8');
  const ids = new Set([...page.matchAll(/\sid="([\w-]+)"/g)].map((m) => m[1]!));
  assert.ok(wanted.size > 40, `${wanted.size} ids`);
  assert.equal([...wanted].filter((id) => !ids.has(id)), []);
});

test('npm run serve: 127.0.0.1 only, files under web/ only, one line for a bad port', async () => {
  const script = join(repoRoot(), 'scripts', 'serve.mjs');
  const bad = spawn(process.execPath, [script, '--port', 'http']);
  let err = '';
  bad.stderr.on('data', (d: Buffer) => (err += d.toString()));
  assert.is(await new Promise((r) => bad.on('exit', r)), 1);
  assert.is(err.trim(), 'error: --port http: not a port number; pass an integer from 0 to 65535');

  const server = spawn(process.execPath, [script, '--port', '0']);
  try {
    const url = await new Promise<string>((resolve) => server.stdout.on('data', (d: Buffer) => /(http:\S+)/.test(d.toString()) && resolve(/(http:\S+)/.exec(d.toString())![1]!)));
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const fetchStatus = (path: string): Promise<[number, string]> =>
      new Promise((resolve) => get(url + path, (res) => resolve([res.statusCode!, String(res.headers['content-type'])])).end());
    assert.equal(await fetchStatus(''), [200, 'text/html; charset=utf-8']);
    assert.equal(await fetchStatus('app.css'), [200, 'text/css; charset=utf-8']);
    assert.equal((await fetchStatus('%2e%2e/package.json'))[0], 404);
    assert.equal((await fetchStatus('..%2fpackage.json'))[0], 404);
    assert.equal((await fetchStatus('nothing-here.js'))[0], 404);
  } finally {
    server.kill();
  }
});

test.run();
