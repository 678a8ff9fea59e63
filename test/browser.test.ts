// The engine and the app's fallbacks in headless Chromium (WebGPU on SwiftShader), served by
// scripts/serve.mjs: web/engine.html trains the demo net and reports its held-out accuracy; without
// WebGPU the app tells a browser user what to do; a camera the page may not use (or none) is one line,
// and without a shipped model the page says so.
// The app's modes against Node: test/web-app.test.ts.

import * as assert from 'uvu/assert';
import type { Browser } from 'playwright-core';
import { test } from './harness.js';
import { launchChromium, serveSite, waitState, type Site } from './web_util.js';

let site: Site;
let browser: Browser;

test.before(async () => {
  site = await serveSite();
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  site?.close();
});

test('the engine trains the demo net in headless Chromium', async () => {
  const page = await browser.newPage();
  await page.goto(`${site.url}engine.html?steps=30`);
  await page.waitForFunction(() => document.body.dataset.done !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 240_000 });
  const log = (await page.textContent('#log')) ?? '';
  assert.not.ok(await page.evaluate(() => document.body.dataset.error), log);
  assert.match(log, /adapter: /);
  const acc = Number(await page.evaluate(() => document.body.dataset.done));
  assert.ok(acc > 0.6, `held-out accuracy ${acc} after 30 steps:\n${log}`);
  await page.close();
});

test('without WebGPU the app says which browsers and flags, and what chrome://gpu should show', async () => {
  const page = await browser.newPage();
  await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined }));
  await page.goto(site.url);
  await page.waitForFunction(() => document.body.dataset.fatal !== undefined, undefined, { timeout: 60_000 });
  assert.is(await page.evaluate(() => document.body.dataset.fatal), 'missing');
  assert.is(await page.isHidden('#app'), true);
  const text = (await page.textContent('#no-webgpu'))!;
  assert.match(text, 'WebGPU is not available');
  assert.match(text, 'navigator.gpu is missing');
  assert.match(text, 'chrome://flags/#enable-unsafe-webgpu');
  assert.match(text, 'chrome://gpu');
  assert.match(text, '"Hardware accelerated"');
  assert.match(text, 'Safari 26');
  assert.not.match(text, /apt-get|mesa|lavapipe|OAENET_BACKEND/);
  await page.close();
});

test('a camera the page may not use, or none at all, is one line saying what to do', async () => {
  const denied = await launchChromium({}); // a camera, but no permission for the page
  const cases: [Browser, string][] = [
    [denied, 'camera: permission was denied; allow the camera for this page (the camera icon in the address bar), then press Start camera again'],
    [browser, 'camera: none was found; connect a camera, or choose another one in the list'],
  ];
  try {
    for (const [b, line] of cases) {
      const page = await b.newPage();
      await page.route('**/models/oaenet-ckplus.safetensors', (r) => r.fulfill({ status: 404 }));
      await page.goto(`${site.url}#webcam`);
      await page.waitForFunction(() => document.body.dataset.ready !== undefined, undefined, { timeout: 60_000 });
      await page.click('#webcam-start');
      assert.is(await waitState(page, 'webcam', ['error', 'running'], 60_000), 'error');
      assert.is(await page.textContent('#webcam-status'), line);
      assert.is(await waitState(page, 'model-panel', ['none', 'ready', 'error'], 60_000), 'none');
      assert.match((await page.textContent('#model-name'))!, 'No model loaded');
      assert.match((await page.textContent('#model-status'))!, 'this build ships none (models/oaenet-ckplus.safetensors)');
      await page.close();
    }
  } finally {
    await denied.close();
  }
});

test.run();
