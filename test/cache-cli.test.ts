// The face cache through train.js: --cache refuses what is not a face cache, the default cache is one per
// data folder, and an unreadable image is left out with a warning unless --strict. Child processes on a
// few CK+ images (--preprocess-only: the cache is built, nothing trained).

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { repoRoot } from './fixtures.js';
import { cacheFolderFor, defaultCachePath } from '../src/data/cache.js';
import { UserError } from '../src/errors.js';

const built = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const ckplus = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const work = mkdtempSync(join(tmpdir(), 'cache-cli-'));
const runs = join(work, 'runs');

function train(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(built, 'train.js'), '--dataset', 'ckplus', '--preprocess-only', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.split('\n').filter((l) => !l.startsWith('Warning:')).join('\n').trim() };
}

/** A CK+-layout folder with these images (and their landmark files). */
function dataset(name: string, images: string[]): string {
  const root = join(work, name);
  for (const rel of images) {
    mkdirSync(join(root, dirname(rel)), { recursive: true });
    copyFileSync(join(ckplus, rel), join(root, rel));
    copyFileSync(join(ckplus, rel.replace(/\.png$/, '_landmarks.txt')), join(root, rel.replace(/\.png$/, '_landmarks.txt')));
  }
  return root;
}

const a = dataset('a', ['happy/S010_006_00000015.png', 'anger/S010_004_00000019.png']);
const b = dataset('b', ['happy/S010_006_00000015.png', 'surprise/S010_002_00000014.png', 'anger/S010_004_00000019.png']);

test.after(() => rmSync(work, { recursive: true, force: true }));

test('default cache path: one per data folder, named for it; without --data-dir the one there is found', () => {
  assert.is(cacheFolderFor('/r', 'rafdb', '/data/RAF-DB/basic'), cacheFolderFor('/r', 'rafdb', '/data/RAF-DB/basic/'));
  assert.match(cacheFolderFor('/r', 'rafdb', '/data/RAF-DB/basic'), /^\/r\/cache-rafdb-basic-[0-9a-f]{8}$/);
  assert.is.not(cacheFolderFor('/r', 'rafdb', '/data/RAF-DB/basic'), cacheFolderFor('/r', 'rafdb', '/copy/RAF-DB/basic'));
  const dir = join(work, 'lookup');
  mkdirSync(join(dir, basename(cacheFolderFor(dir, 'ck48', '/x/CK+48'))), { recursive: true });
  assert.is(defaultCachePath(dir, 'ckplus', undefined), join(dir, 'cache-ckplus'), 'none of ckplus: the plain name, which does not exist');
  assert.is(defaultCachePath(dir, 'ck48', undefined), cacheFolderFor(dir, 'ck48', '/x/CK+48'));
  mkdirSync(cacheFolderFor(dir, 'ck48', '/y/CK+48'));
  assert.throws(() => defaultCachePath(dir, 'ck48', undefined), (e: Error) => e instanceof UserError && /face caches of ck48 for 2 data folders .*pass --data-dir, or --cache/.test(e.message));
});

test('train.js: two data folders keep two caches; switching back reuses the first; --cache alone reads one', () => {
  const outA = join(runs, 'a');
  const first = train(['--data-dir', a, '--out', outA]);
  assert.is(first.code, 0, first.out + first.err);
  assert.match(first.out, /faces: 2 from .*, built at/);
  const second = train(['--data-dir', b, '--out', join(runs, 'b')]);
  assert.is(second.code, 0, second.out + second.err);
  assert.match(second.out, /faces: 3 from .*, built at/);
  assert.equal(readdirSync(runs).filter((n) => n.startsWith('cache-')).sort(), [basename(cacheFolderFor(runs, 'ckplus', a)), basename(cacheFolderFor(runs, 'ckplus', b))].sort());
  const again = train(['--data-dir', a, '--out', outA]);
  assert.is(again.code, 0, again.out + again.err);
  assert.match(again.out, new RegExp(`faces: 2 from .* \\(cache ${cacheFolderFor(runs, 'ckplus', a).replace(/[.+]/g, '\\$&')}\\)`), 'reused, not rebuilt');
  // No --data-dir: with two caches of the dataset there, which one is asked; --cache names it.
  const which = train(['--out', outA]);
  assert.is(which.code, 1);
  assert.match(which.err, /^error: .*holds face caches of ckplus for 2 data folders/);
  const alone = train(['--out', outA, '--cache', cacheFolderFor(runs, 'ckplus', b)]);
  assert.is(alone.code, 0, alone.out + alone.err);
  assert.match(alone.out, /faces: 3 from the cache /);
});

test('train.js --cache FILE refuses a file that is not a face cache (a model stays as it was)', () => {
  const model = join(work, 'm.safetensors');
  writeFileSync(model, 'model bytes');
  const r = train(['--data-dir', a, '--out', join(runs, 'm'), '--cache', model]);
  assert.is(r.code, 1, r.out + r.err);
  assert.is(r.err.split('\n').length, 1, r.err);
  assert.ok(r.err.startsWith(`error: ${model}: is a file, not a face cache`) && r.err.includes('--cache'), r.err);
  assert.is(readFileSync(model, 'utf8'), 'model bytes');
});

test('train.js: an unreadable image is left out with a warning; --strict stops at it with one line', () => {
  const bad = dataset('bad', ['happy/S010_006_00000015.png', 'anger/S010_004_00000019.png', 'surprise/S010_002_00000014.png']);
  const png = join(bad, 'anger/S010_004_00000019.png');
  writeFileSync(png, readFileSync(png).subarray(0, 2000));
  const strict = train(['--data-dir', bad, '--out', join(runs, 'strict'), '--cache', join(work, 'strict-cache'), '--strict']);
  assert.is(strict.code, 1, strict.out + strict.err);
  assert.is(strict.err.split('\n').length, 1, strict.err);
  assert.ok(strict.err.startsWith(`error: ${png}: cannot decode the image`), strict.err);
  const lenient = train(['--data-dir', bad, '--out', join(runs, 'lenient')]);
  assert.is(lenient.code, 0, lenient.out + lenient.err);
  assert.match(lenient.out, /faces: 2 from /);
  assert.ok(lenient.err.includes(`warning: ${png}: cannot decode the image`) && lenient.err.includes('1 of 3 images left out: 1 unreadable'), lenient.err);
  assert.ok(existsSync(join(cacheFolderFor(runs, 'ckplus', bad), 'skipped.txt')));
});

test.run();
