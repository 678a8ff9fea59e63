// What the browser tests share: the built web/ served by scripts/serve.mjs (the `npm run serve` server)
// from a test site that adds files without touching web/ (e.g. a small model as the shipped one),
// headless Chromium with WebGPU on SwiftShader, and waiting for a panel's state.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as assert from 'uvu/assert';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './fixtures.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEB = join(repoRoot(), 'web');
export const SCREENSHOTS = join(repoRoot(), 'build', 'screenshots');

export interface Site {
  url: string;
  dir: string;
  close(): void;
}

/**
 * Serves web/ plus `extra` files (a path under the site, at most one folder deep → bytes) through scripts/serve.mjs on 127.0.0.1. The
 * site is a temporary folder of links to web/'s entries, so web/ itself is never written.
 */
export async function serveSite(extra: Record<string, Uint8Array> = {}): Promise<Site> {
  assert.ok(existsSync(join(WEB, 'app.js')), 'web/app.js missing: run npm run build:web');
  const dir = mkdtempSync(join(tmpdir(), 'oaenet-site-'));
  // A folder that gets extra files is made real and its entries linked one by one.
  const opened = new Set(Object.keys(extra).filter((p) => p.includes('/')).map((p) => p.split('/')[0]!));
  for (const name of readdirSync(WEB)) {
    if (!opened.has(name)) symlinkSync(join(WEB, name), join(dir, name));
    else {
      mkdirSync(join(dir, name));
      for (const f of readdirSync(join(WEB, name))) if (!(`${name}/${f}` in extra)) symlinkSync(join(WEB, name, f), join(dir, name, f));
    }
  }
  for (const [p, bytes] of Object.entries(extra)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), bytes);
  }
  const server: ChildProcess = spawn(process.execPath, [join(repoRoot(), 'scripts', 'serve.mjs'), '--port', '0', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) resolve(m[1]!);
    });
    server.once('exit', (code) => reject(new Error(`serve.mjs exited with ${code}: ${out}`)));
  });
  return {
    url,
    dir,
    close: () => {
      server.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Headless Chromium with WebGPU (SwiftShader); with `camera`, a fake webcam playing `camera.file` (a .y4m)
 * or, without a file, Chromium's test pattern.
 */
export async function launchChromium(camera?: { file?: string }): Promise<Browser> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} missing: run scripts/setup.sh (installs Debian's chromium) or set CHROMIUM_PATH`);
  const args = ['--enable-unsafe-webgpu', '--disable-quic', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
  if (camera) args.push('--use-fake-device-for-media-stream', ...(camera.file ? [`--use-file-for-fake-video-capture=${camera.file}`] : []));
  return chromium.launch({ executablePath: CHROMIUM, args });
}

/** Waits until `#id`'s data-state is one of `states`; returns it. */
export async function waitState(page: Page, id: string, states: string[], timeout = 240_000): Promise<string> {
  await page.waitForFunction(([id, states]) => states.includes(document.getElementById(id)?.dataset.state ?? ''), [id, states] as const, { timeout });
  return page.evaluate((id) => document.getElementById(id)!.dataset.state!, id);
}

/** A panel's data-* as an object (data-result parsed). */
export async function panelData<T = Record<string, unknown>>(page: Page, id: string): Promise<{ state: string; error?: string; result?: T }> {
  const d = await page.evaluate((id) => ({ ...document.getElementById(id)!.dataset }), id);
  return { state: d.state!, ...(d.error !== undefined ? { error: d.error } : {}), ...(d.result !== undefined ? { result: JSON.parse(d.result) as T } : {}) };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

/** The largest |a − b| of two equally long lists. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.is(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}
