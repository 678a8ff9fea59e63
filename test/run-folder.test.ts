// The run folder's lock, its stale temp files, and the folder an early error leaves behind: plain file
// operations, no GPU.

import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, openRunFolder } from '../src/cli/train/run_folder.js';
import { UserError } from '../src/errors.js';

const work = mkdtempSync(join(tmpdir(), 'run-folder-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** No process has this pid: it is above the largest pid_max Linux allows (2^22). */
const DEAD_PID = 4_194_305;

const refused = (fn: () => unknown, pattern: RegExp): void => {
  assert.throws(fn, (e: unknown) => e instanceof UserError && pattern.test(e.message) && !e.message.includes('\n'), String(pattern));
};

test('a second run on a locked folder is refused; the lock goes with the run, and so does the folder it made', () => {
  const out = join(work, 'made', 'run');
  const first = openRunFolder(out);
  const holder = JSON.parse(readFileSync(join(out, LOCK_FILE), 'utf8'));
  assert.equal([holder.pid, holder.host], [process.pid, hostname()]);
  refused(() => openRunFolder(out), new RegExp(`^${out}: another training run \\(pid ${process.pid} on ${hostname()}, started .*\\) is using this folder; .*delete ${join(out, LOCK_FILE)}`));
  first.release();
  assert.not.ok(existsSync(join(work, 'made')), 'the folders it made, left empty, are removed');
  first.release(); // twice is harmless

  const kept = openRunFolder(out);
  writeFileSync(join(out, 'metrics.jsonl'), '');
  kept.release();
  assert.equal(readdirSync(out), ['metrics.jsonl'], 'a folder with work in it stays');
  rmSync(join(out, 'metrics.jsonl'));
  openRunFolder(out).release();
  assert.ok(existsSync(out), 'a folder that was there before stays, even empty of work');
});

test('a lock left by a dead process is taken over; one from another host is not', () => {
  const out = join(work, 'stale');
  mkdirSync(out);
  const lock = join(out, LOCK_FILE);
  for (const left of [JSON.stringify({ pid: DEAD_PID, host: hostname(), started: 'then' }), '']) {
    writeFileSync(lock, left);
    const run = openRunFolder(out);
    assert.is(JSON.parse(readFileSync(lock, 'utf8')).pid, process.pid, `taken over from ${JSON.stringify(left)}`);
    run.release();
    assert.not.ok(existsSync(lock));
  }
  writeFileSync(lock, JSON.stringify({ pid: DEAD_PID, host: 'elsewhere', started: 'then' }));
  refused(() => openRunFolder(out), /another training run \(pid 4194305 on elsewhere, started then\)/);
});

test('temp files of dead writers are removed, in the folder and in its runs; live ones and others stay', () => {
  const out = join(work, 'temps');
  const fold = join(out, 'fold-1');
  mkdirSync(fold, { recursive: true });
  const dead = [join(out, `.last.safetensors.${DEAD_PID}.0.tmp`), join(fold, `.best.safetensors.${DEAD_PID}.7.tmp`)];
  const live = join(out, `.last.safetensors.${process.pid}.0.tmp`);
  for (const f of [...dead, live, join(out, 'notes.tmp'), join(out, 'last.safetensors')]) writeFileSync(f, 'x');
  const run = openRunFolder(out, [join(out, 'fold-0'), fold]);
  assert.equal(run.removed.sort(), dead.sort());
  run.release();
  assert.equal(readdirSync(out).sort(), [`.last.safetensors.${process.pid}.0.tmp`, 'fold-1', 'last.safetensors', 'notes.tmp']);
  assert.equal(readdirSync(fold), []);
});

test('--out naming a file, or a folder under a file, is one line', () => {
  const file = join(work, 'a-file');
  writeFileSync(file, 'x');
  refused(() => openRunFolder(file), new RegExp(`^${file}: is a file, not a folder; choose a folder for --out$`));
  refused(() => openRunFolder(join(file, 'run')), /cannot create the folder \(ENOTDIR.*\); choose a writable --out$/);
});

test.run();
