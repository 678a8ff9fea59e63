// The app (web/index.html) in headless Chromium on SwiftShader, one page through all modes so the GPU
// kernels compile once. A small OAENet (32 px, random weights, a near-chance val_accuracy) is served as
// the shipped model. Checked against Node on the same inputs: every face of a group photo, a CK+ photo
// with its landmark file, the webcam loop on a fake camera playing CK+ frames (probabilities within
// 1e-4), and a fine-tuning run in the page (the loss falls; the downloaded file loads in Node and gives
// the page's logits, and replaces the loaded model). Also the state rules (controls disabled during a run, a model replaced mid-run
// stays alive until the run ends, old results cleared) and the error lines. Screenshots of the photo,
// webcam and train modes go to build/screenshots/.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import * as assert from 'uvu/assert';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { test } from './harness.js';
import { repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';
import { launchChromium, maxDiff, panelData, screenshot, serveSite, waitState, type Site } from './web_util.js';
import { decodeBgr, type BgrImage } from '../src/face/image.js';
import { FaceLandmarker } from '../src/face/detect/index.js';
import { readLandmarks } from '../src/face/landmarks.js';
import { alignFace } from '../src/face/align.js';
import { CLASS_NAMES } from '../src/data/labels.js';
import { checkpointBytes } from '../src/model/checkpoint.js';
import { loadCheckpoint } from '../src/model/checkpoint_file.js';
import { OAENet } from '../src/model/oaenet.js';
import { predictFace } from '../src/model/predict.js';
import { analyse } from '../src/web/analyse.js';
import { scoreSet } from '../src/web/train/fine_tune.js';
import { toCrops } from '../src/web/train/face_set.js';

const ckplus = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const work = mkdtempSync(join(tmpdir(), 'web-app-'));
const SIZE = 32;
const SHIPPED = 'oaenet-ckplus.safetensors';

let site: Site;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let nets: FaceLandmarker;
/** The shipped model as Node runs it. */
let shipped: OAENet;
const timings: string[] = [];

/** A CK+ image and its landmark file, by class folder and file stem. */
const ck = (cls: string, stem: string): { png: string; marks: string } => ({ png: join(ckplus, cls, `${stem}.png`), marks: join(ckplus, cls, `${stem}_landmarks.txt`) });

/** A 320×240 I420 y4m of CK+ frames (each shown for 10 frames at 10 fps), the fake camera's file. */
async function writeY4m(path: string, pngs: string[]): Promise<void> {
  const [w, h] = [320, 240];
  const frames: Buffer[] = [];
  for (const png of pngs) {
    const rgb = await sharp(png).resize(w, h, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
    const yuv = Buffer.alloc((w * h * 3) / 2);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = 3 * (y * w + x);
        const [r, g, b] = [rgb[i]!, rgb[i + 1]!, rgb[i + 2]!];
        yuv[y * w + x] = Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b);
        if (y % 2 === 0 && x % 2 === 0) {
          const c = (y / 2) * (w / 2) + x / 2;
          yuv[w * h + c] = Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b);
          yuv[w * h + (w * h) / 4 + c] = Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b);
        }
      }
    }
    for (let k = 0; k < 10; k++) frames.push(Buffer.from('FRAME\n'), yuv);
  }
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), ...frames]));
}

async function smallModel(seed: number, valAccuracy: string): Promise<Uint8Array> {
  const m = new OAENet({ inputSize: SIZE, seed });
  try {
    return await checkpointBytes(m, { image_size: String(SIZE), val_accuracy: valAccuracy });
  } finally {
    m.dispose();
  }
}

test.before(async () => {
  await setupGpu();
  const model = await smallModel(1, '0.1428');
  writeFileSync(join(work, 'other.safetensors'), await smallModel(2, '0.9'));
  writeFileSync(join(work, 'not-a-model.safetensors'), 'this is text, not safetensors');
  await writeY4m(join(work, 'camera.y4m'), [ck('happy', 'S011_006_00000013').png, ck('surprise', 'S010_002_00000014').png]);
  shipped = new OAENet({ inputSize: SIZE });
  writeFileSync(join(work, SHIPPED), model);
  await loadCheckpoint(shipped, join(work, SHIPPED));
  shipped.eval();
  nets = await FaceLandmarker.load();
  site = await serveSite({ [`models/${SHIPPED}`]: model });
  browser = await launchChromium({ file: join(work, 'camera.y4m') });
  context = await browser.newContext({ permissions: ['camera'], viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  const t0 = Date.now();
  await page.goto(site.url);
  await page.waitForFunction(() => document.body.dataset.ready !== undefined || document.body.dataset.fatal !== undefined, undefined, { timeout: 120_000 });
  await waitState(page, 'model-panel', ['ready', 'none', 'error']);
  timings.push(`page to model ready ${((Date.now() - t0) / 1000).toFixed(1)} s (${await page.textContent('#nets-status')}; model ${await page.textContent('#model-status')})`);
});

test.after(async () => {
  console.log(`\nweb app on SwiftShader:\n  ${timings.join('\n  ')}`);
  await browser?.close();
  site?.close();
  nets?.dispose();
  shipped?.dispose();
  rmSync(work, { recursive: true, force: true });
});

test('the shipped model loads by itself: name, input size, accuracy and a near-chance warning', async () => {
  const d = await page.evaluate(() => ({ ...document.getElementById('model-panel')!.dataset }));
  assert.is(d.state, 'ready', await page.textContent('#model-status') ?? '');
  assert.is(d.name, SHIPPED);
  assert.is(d.inputSize, String(SIZE));
  assert.match((await page.textContent('#model-meta'))!, /shipped with the app · input 32 px · validation accuracy 14\.3%/);
  assert.match((await page.textContent('#model-warning'))!, /near chance: 14\.3% validation accuracy, where guessing gets 14%/);
  assert.match((await page.textContent('#model-status'))!, /file .* · weights .* · warm-up /);
});

test('photo: a group photo gives every face with a box, as Node finds them', async () => {
  await page.click('.sample >> nth=0');
  await waitState(page, 'photo', ['done', 'error']);
  const { result, error } = await panelData<{ faces: { box: { x: number; y: number; width: number; height: number; score: number }; probabilities: number[] | null }[]; times: Record<string, number> }>(page, 'photo');
  assert.is(error, undefined);
  timings.push(`photo sample1.jpg (1920×1280, detector 416): ${(await page.textContent('#photo-times'))!}`);
  await screenshot(page, 'photo.png');
  const img = await decodeBgr(join(repoRoot(), 'web', 'samples', 'sample1.jpg'));
  const node = await analyse(nets, shipped, img, { inputSize: 416, scoreThreshold: 0.5 });
  const strong = node.faces.filter((f) => f.aboveThreshold);
  assert.ok(strong.length >= 3, `Node finds ${strong.length} faces`);
  assert.is(result!.faces.length, node.faces.length);
  result!.faces.forEach((f, i) => {
    const want = node.faces[i]!;
    assert.ok(f.box.width > 20 && f.box.height > 20, JSON.stringify(f.box));
    assert.ok(maxDiff([f.box.x, f.box.y, f.box.width, f.box.height], [want.box.x, want.box.y, want.box.width, want.box.height]) < 2, `face ${i}: ${JSON.stringify(f.box)} vs ${JSON.stringify(want.box)}`);
    assert.is(f.probabilities !== null, want.aboveThreshold);
  });
  // Every classified face has its box, landmarks and card.
  assert.is(await page.locator('#photo-cards .face-card').count(), strong.length);
});

/** Drops files on the page as a user would drag them in; the photo panel's state reads 'dropped' until its run starts. */
async function dropFiles(paths: string[]): Promise<void> {
  const files = paths.map((p) => ({ name: p.split('/').pop()!, data: readFileSync(p).toString('base64') }));
  await page.evaluate((files) => {
    document.getElementById('photo')!.dataset.state = 'dropped';
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0))], f.name));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

test('photo: a CK+ photo dropped with its landmark file gives the probabilities Node gives', async () => {
  const { png, marks } = ck('happy', 'S011_006_00000013');
  await dropFiles([png, marks]);
  await waitState(page, 'photo', ['done', 'error']);
  const { result, error } = await panelData<{ faces: { probabilities: number[] }[] }>(page, 'photo');
  assert.is(error, undefined);
  assert.match((await page.textContent('#photo-status'))!, /landmarks from the file/);
  const want = await predictFace(shipped, await decodeBgr(png), await readLandmarks(marks));
  const d = maxDiff(result!.faces[0]!.probabilities, want.probabilities);
  console.log(`\nphoto with landmark file: max |Δp| browser vs Node ${d.toExponential(2)}`);
  assert.ok(d <= 1e-4, `max |Δp| ${d}`);
});

test('state: controls are disabled during a run, and a model replaced mid-run serves that run to its end', async () => {
  await page.click('.sample >> nth=2');
  const during = await page.evaluate(() => ({
    state: document.getElementById('photo')!.dataset.state,
    disabled: Array.from(document.querySelectorAll<HTMLInputElement>('#photo .run-control'), (c) => c.disabled),
  }));
  assert.is(during.state, 'busy');
  assert.ok(during.disabled.length === 9 && during.disabled.every(Boolean), JSON.stringify(during));
  // A second click while busy starts nothing.
  await page.click('.sample >> nth=1', { force: true });
  await page.setInputFiles('#model-file', join(work, 'other.safetensors'));
  await waitState(page, 'photo', ['done', 'error']);
  const run = await panelData<{ name: string; model: string; faces: { probabilities: number[] | null }[] }>(page, 'photo');
  assert.is(run.error, undefined);
  assert.is(run.result!.name, 'sample3.jpg');
  assert.is(run.result!.model, SHIPPED);
  assert.ok(run.result!.faces.some((f) => f.probabilities && f.probabilities.every(Number.isFinite)));
  await page.waitForFunction(() => document.getElementById('model-panel')!.dataset.name === 'other.safetensors', undefined, { timeout: 240_000 });
  assert.is(await page.isHidden('#model-warning'), true, 'a 90% model gets no chance warning');
  assert.is(await page.isEnabled('#photo-file'), true);
});

test('errors: one line naming the file; old results cleared; the loaded model kept', async () => {
  assert.ok((await panelData(page, 'photo')).result, 'results from the last run are shown');
  const notes = join(work, 'notes.txt');
  writeFileSync(notes, 'hello');
  await page.setInputFiles('#photo-file', notes);
  await waitState(page, 'photo', ['error']);
  let d = await panelData(page, 'photo');
  assert.is(d.error, 'notes.txt: is not a photo; choose a PNG or JPEG (and optionally its _landmarks.txt)');
  assert.is(d.result, undefined);
  assert.is(await page.isHidden('#photo-canvas'), true);
  assert.is(await page.locator('#photo-cards > *').count(), 0);

  const broken = join(work, 'broken.png');
  writeFileSync(broken, 'not a png');
  await page.setInputFiles('#photo-file', broken);
  await waitState(page, 'photo', ['error', 'done']);
  d = await panelData(page, 'photo');
  assert.is(d.error, 'broken.png: cannot decode it as an image; choose a PNG or JPEG photo');

  const { png } = ck('happy', 'S011_006_00000013');
  const badMarks = join(work, 'S011_006_00000013_landmarks.txt');
  writeFileSync(badMarks, '1 2\n3 x\n');
  await page.setInputFiles('#photo-file', [png, badMarks]);
  await waitState(page, 'photo', ['error', 'done']);
  assert.match((await panelData(page, 'photo')).error ?? '', /^S011_006_00000013_landmarks\.txt: is not a 68-point landmark file \(line 2: "x" is not a finite number\); /);

  await page.setInputFiles('#model-file', join(work, 'not-a-model.safetensors'));
  await waitState(page, 'model-panel', ['error']);
  const status = (await page.textContent('#model-status'))!;
  assert.match(status, /^not-a-model\.safetensors: .*\(still using other\.safetensors\)$/);
  assert.not.match(status, /\n|    at /);
  assert.is(await page.evaluate(() => document.getElementById('model-panel')!.dataset.name), 'other.safetensors');
});

test('webcam: the live loop on a fake camera gives Node\'s probabilities on the same frame; pause stops it', async () => {
  await page.click('#tab-webcam');
  // The photo mode's detector input: its kernels are compiled already (SwiftShader compiles slowly).
  await page.selectOption('#webcam-input-size', '416');
  await page.click('#webcam-start');
  await waitState(page, 'webcam', ['running', 'error'], 60_000);
  await page.waitForFunction(() => Number(document.getElementById('webcam')!.dataset.frames ?? 0) >= 3, undefined, { timeout: 240_000 });
  const seen = await page.evaluate(() => ({
    frame: (window as unknown as { oaenetApp: { lastWebcamFrame(): { width: number; height: number; bgr: string } } }).oaenetApp.lastWebcamFrame(),
    result: JSON.parse(document.getElementById('webcam')!.dataset.result!) as { faces: { probabilities: number[] | null }[] },
    size: Number((document.getElementById('webcam-input-size') as HTMLSelectElement).value),
  }));
  timings.push(`webcam 320×240, detector ${seen.size}: ${(await page.textContent('#webcam-stats'))!}`);
  await screenshot(page, 'webcam.png');
  const frame: BgrImage = { width: seen.frame.width, height: seen.frame.height, data: new Uint8Array(Buffer.from(seen.frame.bgr, 'base64')) };
  const other = new OAENet({ inputSize: SIZE });
  await loadCheckpoint(other, join(work, 'other.safetensors'));
  const node = await analyse(nets, other.eval(), frame, { inputSize: seen.size, scoreThreshold: 0.5 });
  other.dispose();
  assert.ok(node.faces.some((f) => f.prediction), 'Node finds a face in the frame');
  assert.is(seen.result.faces.length, node.faces.length);
  seen.result.faces.forEach((f, i) => {
    const want = node.faces[i]!.prediction;
    assert.is(f.probabilities === null, want === null);
    if (!want) return;
    const d = maxDiff(f.probabilities!, want.probabilities);
    console.log(`\nwebcam face ${i}: max |Δp| browser vs Node ${d.toExponential(2)}`);
    assert.ok(d <= 1e-4, `face ${i}: max |Δp| ${d}`);
  });

  await page.click('#webcam-pause');
  assert.is(await waitState(page, 'webcam', ['paused']), 'paused');
  // A turn already under way may still finish; after it, no frame is analysed.
  await page.waitForTimeout(1000);
  const frames = await page.evaluate(() => document.getElementById('webcam')!.dataset.frames);
  await page.waitForTimeout(3000);
  assert.is(await page.evaluate(() => document.getElementById('webcam')!.dataset.frames), frames);
  await page.click('#webcam-start'); // stops the camera
  assert.is(await waitState(page, 'webcam', ['off']), 'off');
});

test('train: fine-tuning in the page lowers the loss; the download loads in Node and gives the page\'s logits', async () => {
  // Three classes of three CK+ faces with their landmark files, as class folders.
  const data = join(work, 'faces');
  const picks: Record<string, string[]> = {};
  for (const cls of ['happy', 'surprise', 'anger']) {
    mkdirSync(join(data, cls), { recursive: true });
    const stems = readdirSync(join(ckplus, cls)).filter((f) => f.endsWith('_landmarks.txt')).map((f) => f.replace(/_landmarks\.txt$/, '')).sort().slice(0, 3);
    picks[cls] = stems;
    for (const s of stems) for (const f of [`${s}.png`, `${s}_landmarks.txt`]) copyFileSync(join(ckplus, cls, f), join(data, cls, f));
  }
  await page.click('#tab-train');
  // A webcam shot joins the set with the class chosen for it; × removes it again.
  await page.click('#train-camera');
  await page.waitForFunction(() => !(document.getElementById('train-capture') as HTMLButtonElement).disabled, undefined, { timeout: 60_000 });
  await page.selectOption('#train-capture-class', 'happy');
  await page.click('#train-capture');
  await waitState(page, 'train', ['done', 'error']);
  assert.is((await panelData(page, 'train')).error, undefined);
  assert.is(await page.inputValue('#train-gallery .shot select'), String(CLASS_NAMES.indexOf('happy')));
  await page.click('#train-gallery .shot .remove');
  await page.click('#train-camera');
  assert.is(await page.textContent('#train-count'), '0 faces, 0 labelled');

  await page.setInputFiles('#train-folder', data);
  await waitState(page, 'train', ['done', 'error']);
  assert.is((await panelData(page, 'train')).error, undefined);
  assert.match((await page.textContent('#train-count'))!, /^9 faces, 9 labelled$/);

  await page.selectOption('#train-part', 'head');
  await page.fill('#train-lr', '0.05');
  await page.fill('#train-epochs', '3');
  await page.fill('#train-batch', '6');
  await page.fill('#train-heldout', '34');
  const t0 = Date.now();
  await page.click('#train-run');
  assert.is(await page.isEnabled('#train-stop'), true);
  assert.is(await page.isDisabled('#train-run'), true);
  await waitState(page, 'train', ['done', 'error']);
  const { result, error } = await panelData<{ steps: { loss: number }[]; epochs: { train: { loss: number } }[]; heldOut: { sources: string[]; logits: number[] } }>(page, 'train');
  assert.is(error, undefined);
  timings.push(`train (head, 6 faces + 3 held out, 3 epochs of 1 step, ${SIZE} px): ${((Date.now() - t0) / 1000).toFixed(1)} s · ${(await page.textContent('#train-status'))!}`);
  await screenshot(page, 'train.png');
  const losses = result!.epochs.map((e) => e.train.loss);
  assert.is(losses.length, 4);
  assert.ok(losses[3]! < losses[0]!, `training-set loss ${losses}`);
  assert.is(result!.steps.length, 3);
  assert.is(result!.heldOut.sources.length, 3);

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-download')]);
  const file = join(work, download.suggestedFilename());
  await download.saveAs(file);
  assert.is(download.suggestedFilename(), 'other-finetuned.safetensors');
  const tuned = new OAENet({ inputSize: SIZE });
  const meta = await loadCheckpoint(tuned, file);
  assert.is(meta.image_size, String(SIZE));
  assert.is(meta.fine_tuned_part, 'head');
  const faces = await Promise.all(
    result!.heldOut.sources.map(async (source) => {
      const [cls, name] = source.split('/').slice(-2) as [string, string];
      const png = join(data, cls, name);
      const { face, landmarks } = alignFace(await decodeBgr(png), await readLandmarks(png.replace(/\.png$/, '_landmarks.txt')));
      return { source, label: CLASS_NAMES.indexOf(cls as 'happy'), face, landmarks };
    }),
  );
  const crops = toCrops(faces);
  const node = await scoreSet(tuned.eval(), crops, [0, 1, 2], 3);
  tuned.dispose();
  const d = maxDiff(result!.heldOut.logits, node.logits);
  console.log(`\ndownloaded fine-tuned model: max |Δlogit| page vs Node ${d.toExponential(2)}`);
  assert.ok(d <= 1e-4, `max |Δlogit| ${d}`);
  // evaluate.js reads it too, and sees the first held-out face as the page did.
  const [cls, name] = result!.heldOut.sources[0]!.split('/').slice(-2) as [string, string];
  const png = join(data, cls, name);
  const cli = spawnSync(process.execPath, [join(repoRoot(), 'build', 'src', 'evaluate.js'), '--model', file, '--image', png, '--landmarks', png.replace(/\.png$/, '_landmarks.txt')], { encoding: 'utf8' });
  assert.is(cli.status, 0, cli.stderr);
  const logits = result!.heldOut.logits.slice(0, CLASS_NAMES.length);
  const e = logits.map((v) => Math.exp(v - Math.max(...logits)));
  const probabilities = (JSON.parse(cli.stdout) as { faces: { probabilities: Record<string, number> }[] }).faces[0]!.probabilities;
  assert.ok(maxDiff(CLASS_NAMES.map((c) => probabilities[c]!), e.map((v) => v / e.reduce((a, b) => a + b))) < 1e-5, cli.stdout);

  await page.click('#train-use');
  await page.waitForFunction(() => document.getElementById('model-panel')!.dataset.name === 'other-finetuned.safetensors', undefined, { timeout: 240_000 });
  assert.match((await page.textContent('#model-meta'))!, /^fine-tuned in this page from other\.safetensors · input 32 px · validation accuracy \d+\.\d% \(3 faces\)$/);

  await page.click('#train-clear');
  await page.click('#train-run');
  await waitState(page, 'train', ['error', 'done']);
  assert.is((await panelData(page, 'train')).error, 'training set: has 0 labelled faces; add at least two faces and give each a class');
});

test('the last model choice is remembered; ?model= loads an address, and a bad one is one line', async () => {
  await page.goto(site.url);
  await page.waitForFunction(() => /remembered from your last visit/.test(document.getElementById('model-status')!.textContent ?? ''), undefined, { timeout: 120_000 });
  assert.match((await page.textContent('#model-status'))!, /^other-finetuned\.safetensors \(remembered from your last visit \(fine-tuned in this page from other\.safetensors\)\)/);
  await page.goto(`${site.url}?model=models/missing.safetensors#photo`);
  await waitState(page, 'model-panel', ['error', 'ready', 'none'], 120_000);
  assert.is(
    await page.textContent('#model-status'),
    `${site.url}models/missing.safetensors: cannot download it (HTTP 404); check the address in ?model=, or open the file instead`,
  );
});

test.run();
