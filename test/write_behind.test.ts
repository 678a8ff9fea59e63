import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WriteBehind } from '../src/training/write_behind.js';
import { UserError } from '../src/errors.js';

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

test('a failed write is known at once, as one line; the writes after it still land', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'write-behind-'));
  try {
    const files = new WriteBehind();
    const bad = join(dir, 'missing-folder', 'best.safetensors');
    await files.write(bad, bytes('x'));
    await files.write(join(dir, 'last'), bytes('y')); // queued before the failure is known
    await new Promise((r) => setTimeout(r, 100));
    const isTheFailure = (e: unknown): boolean =>
      e instanceof UserError && e.message.startsWith(`${bad}: cannot write the file (ENOENT`) && e.message.endsWith('continues with --resume once that is fixed') && !e.message.includes('\n');
    // No further write or drain is needed to learn of it: the loop asks before every step.
    assert.throws(() => files.throwFailure(), isTheFailure);
    assert.ok(isTheFailure(await files.drain().catch((e: unknown) => e)));
    assert.ok(isTheFailure(await files.write(join(dir, 'later'), bytes('z')).catch((e: unknown) => e)));
    assert.equal(readdirSync(dir).sort(), ['last'], 'a failed best.safetensors does not cost the run its last.safetensors');
    assert.is(readFileSync(join(dir, 'last'), 'utf8'), 'y');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
