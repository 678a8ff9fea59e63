// The same engine in a browser: headless Chromium (WebGPU on SwiftShader) loads the pages built by
// npm run build:web. web/index.html trains the demo net and reports its held-out accuracy. On
// web/predict.html a model and a CK+ photo (with its landmark file, then with detected landmarks) give
// the probabilities that Node gives for the same files on its own adapter.

import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { chromium, type Browser } from 'playwright-core';
import { fixtureDir, repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';
import { decodeBgr } from '../src/face/image.js';
import { FaceLandmarker } from '../src/face/detect/index.js';
import { readLandmarks } from '../src/face/landmarks.js';
import { loadCheckpoint } from '../src/model/checkpoint_file.js';
import { OAENet } from '../src/model/oaenet.js';
import { predictFace } from '../src/model/predict.js';
import { detectLandmarks } from '../src/data/landmark_source.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json', '.json': 'application/json' };

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const rel = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(dir, rel === '/' ? 'index.html' : rel);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const addr = server.address();
    resolve({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/` });
  }));
}

async function withBrowser(fn: (browser: Browser, url: string) => Promise<void>): Promise<void> {
  const web = join(repoRoot(), 'web');
  assert.ok(existsSync(join(web, 'engine.js')), 'web/engine.js missing: run npm run build:web');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run scripts/setup.sh (installs Debian's chromium) or set CHROMIUM_PATH`);
  const { server, url } = await serve(web);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--enable-unsafe-webgpu', '--disable-quic', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await fn(browser, url);
  } finally {
    await browser.close();
    server.close();
  }
}

test('the engine trains the demo net in headless Chromium', async () => {
  await withBrowser(async (browser, url) => {
    const page = await browser.newPage();
    await page.goto(`${url}?steps=30`);
    await page.waitForFunction(() => document.body.dataset.done !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 240_000 });
    const log = (await page.textContent('#log')) ?? '';
    await page.screenshot({ path: join(repoRoot(), 'build', 'web-demo.png') });
    assert.not.ok(await page.evaluate(() => document.body.dataset.error), log);
    assert.match(log, /adapter: /);
    const acc = Number(await page.evaluate(() => document.body.dataset.done));
    assert.ok(acc > 0.6, `held-out accuracy ${acc} after 30 steps:\n${log}`);
  });
});

test('predict.html gives the probabilities Node gives, from landmark files and from detection', async () => {
  const modelFile = join(fixtureDir('torch', 'OAENET_TORCH_FIXTURES'), 'oaenet_seed0.safetensors');
  const photo = join(repoRoot(), '..', 'shared', 'data', 'ckplus', 'happy', 'S011_006_00000013.png');
  const marks = photo.replace(/\.png$/, '_landmarks.txt');
  await setupGpu();
  const model = new OAENet();
  await loadCheckpoint(model, modelFile);
  model.eval();
  const img = await decodeBgr(photo);
  const fromFile = (await predictFace(model, img, await readLandmarks(marks))).probabilities;
  const finder = await FaceLandmarker.load();
  const detected = await detectLandmarks(finder, img);
  finder.dispose();
  const fromDetection = (await predictFace(model, img, detected!)).probabilities;
  model.dispose();

  await withBrowser(async (browser, url) => {
    const page = await browser.newPage();
    await page.goto(`${url}predict.html`);
    await page.waitForFunction(() => document.body.dataset.ready !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 60_000 });
    const run = async (): Promise<{ error?: string; result?: { landmarks: string; probabilities: number[] } }> => {
      await page.click('#run');
      await page.waitForFunction(() => document.body.dataset.result !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 240_000 });
      const [error, result] = await page.evaluate(() => [document.body.dataset.error, document.body.dataset.result]);
      return { ...(error !== undefined ? { error } : {}), ...(result !== undefined ? { result: JSON.parse(result) } : {}) };
    };
    const near = (got: number[], want: Float32Array, tol: number, what: string): void => {
      const worst = Math.max(...got.map((v, k) => Math.abs(v - want[k]!)));
      console.log(`\npredict.html ${what}: max |Δp| browser vs node ${worst.toExponential(2)}`);
      assert.ok(worst <= tol, `${what}: browser ${got.map((v) => v.toFixed(5))} vs node ${Array.from(want, (v) => v.toFixed(5))} (max |Δ| ${worst})`);
    };

    // A file that is not safetensors, given as the model: one line naming it.
    await page.setInputFiles('#model', marks);
    await page.setInputFiles('#photo', photo);
    const bad = await run();
    assert.match(bad.error ?? '', 'S011_006_00000013_landmarks.txt');

    await page.setInputFiles('#model', modelFile);
    await page.setInputFiles('#landmarks', marks);
    const withFile = await run();
    assert.is(withFile.error, undefined);
    assert.is(withFile.result!.landmarks, 'S011_006_00000013_landmarks.txt');
    near(withFile.result!.probabilities, fromFile, 1e-5, 'with the landmark file');

    await page.setInputFiles('#landmarks', []);
    const withDetection = await run();
    assert.is(withDetection.error, undefined);
    assert.is(withDetection.result!.landmarks, 'detected');
    near(withDetection.result!.probabilities, fromDetection, 1e-5, 'with detected landmarks');
    await page.screenshot({ path: join(repoRoot(), 'build', 'web-predict.png'), fullPage: true });
  });
});

test.run();
