import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBehind } from '../src/training/write_behind.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

test('writes land in order; the last one wins; no temp files are left', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'write-behind-'));
  try {
    const files = new WriteBehind();
    for (let i = 0; i < 6; i++) await files.write(join(dir, 'last'), bytes(`state ${i}`));
    await files.write(join(dir, 'best'), bytes('best'));
    await files.drain();
    assert.is(readFileSync(join(dir, 'last'), 'utf8'), 'state 5');
    assert.is(readFileSync(join(dir, 'best'), 'utf8'), 'best');
    assert.equal(readdirSync(dir).sort(), ['best', 'last']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed write is thrown by drain() and by the next write, naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'write-behind-'));
  try {
    const files = new WriteBehind();
    const bad = join(dir, 'missing-folder', 'last.safetensors');
    await files.write(bad, bytes('x'));
    await files.write(join(dir, 'after'), bytes('y')); // queued before the failure is known: skipped
    try {
      await files.drain();
      assert.unreachable('drain should throw');
    } catch (e) {
      assert.match((e as Error).message, bad);
    }
    try {
      await files.write(join(dir, 'later'), bytes('z'));
      assert.unreachable('write should throw');
    } catch (e) {
      assert.match((e as Error).message, bad);
    }
    assert.equal(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
