// The same engine in a browser: headless Chromium (WebGPU on SwiftShader) loads web/index.html with the
// bundle (npm run build:web) and trains the demo net; the page reports its held-out accuracy.

import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chromium } from 'playwright-core';
import { repoRoot } from './fixtures.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };

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

test('the engine trains the demo net in headless Chromium', async () => {
  const web = join(repoRoot(), 'web');
  assert.ok(existsSync(join(web, 'engine.js')), 'web/engine.js missing: run npm run build:web');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run scripts/setup.sh (installs Debian's chromium) or set CHROMIUM_PATH`);
  const { server, url } = await serve(web);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--enable-unsafe-webgpu', '--disable-quic', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${url}?steps=30`);
    await page.waitForFunction(() => document.body.dataset.done !== undefined || document.body.dataset.error !== undefined, undefined, { timeout: 240_000 });
    const log = (await page.textContent('#log')) ?? '';
    await page.screenshot({ path: join(repoRoot(), 'build', 'web-demo.png') });
    assert.not.ok(await page.evaluate(() => document.body.dataset.error), log);
    assert.match(log, /adapter: /);
    const acc = Number(await page.evaluate(() => document.body.dataset.done));
    assert.ok(acc > 0.6, `held-out accuracy ${acc} after 30 steps:\n${log}`);
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
