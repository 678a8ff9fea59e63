// The mask-overlay CLI end to end, as a child process on a list file of two CK+ frames (one with its
// landmark file, one without: detected) and a flat grey image: one PNG per face with the three panels
// and ρ in its name, the grey image left out with a warning; bad flags give one line and exit 1.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { repoRoot } from './fixtures.js';

/** The compiled CLI beside this compiled test (build/src/masks.js). */
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'masks.js');
const ckplus = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const work = mkdtempSync(join(tmpdir(), 'masks-cli-'));
const list = join(work, 'faces.txt');
/** The overlay: three 224 panels with 8 px gaps, a 22 px title strip and a 40 px caption. */
const [WIDTH, HEIGHT] = [3 * 224 + 4 * 8, 22 + 224 + 40];

function run(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.split('\n').filter((l) => !l.startsWith('Warning:')).join('\n').trim() };
}

test.before(async () => {
  mkdirSync(join(work, 'img'));
  copyFileSync(join(ckplus, 'happy/S010_006_00000015.png'), join(work, 'img/S010_006_00000015.png'));
  copyFileSync(join(ckplus, 'happy/S010_006_00000015_landmarks.txt'), join(work, 'img/S010_006_00000015_landmarks.txt'));
  copyFileSync(join(ckplus, 'surprise/S011_001_00000016.png'), join(work, 'img/S011_001_00000016.png'));
  await sharp({ create: { width: 640, height: 490, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toFile(join(work, 'img/grey.png'));
  writeFileSync(list, 'img/S010_006_00000015.png\t1\nimg/S011_001_00000016.png\t3\nimg/grey.png\t0\n');
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test('one PNG per face: crop + landmarks | mask | crop × mask, ρ in the name; a faceless image left out', async () => {
  const out = join(work, 'all');
  const r = run(['--dataset', 'list', '--data-dir', list, '--out', out]);
  assert.is(r.code, 0, r.out + r.err);
  assert.match(r.out, /wrote 2 overlays/);
  assert.ok(r.err.includes(`${join(work, 'img/grey.png')}: no face found; left out`), r.err);
  assert.match(r.err, /1 of 3 images left out/);
  const files = readdirSync(out).sort();
  assert.is(files.length, 2, files.join(', '));
  const rx = /^(\d{3})_(\w+)_(S\d{3}_\d{3}_\d{8})_rho((?:_-?\d\.\d\d){4})\.png$/;
  assert.equal(files.map((f) => rx.exec(f)?.slice(1, 4)), [['000', 'happy', 'S010_006_00000015'], ['001', 'surprise', 'S011_001_00000016']]);
  for (const f of files) {
    const img = sharp(join(out, f));
    const meta = await img.metadata();
    assert.equal([meta.format, meta.width, meta.height, meta.channels], ['png', WIDTH, HEIGHT, 3], f);
    const { data } = await img.raw().toBuffer({ resolveWithObject: true });
    const rgb = (x: number, y: number): number[] => Array.from(data.subarray((y * WIDTH + x) * 3, (y * WIDTH + x) * 3 + 3));
    // The mask panel's top-right corner (no landmark there) shows ρ0 of the name: blue (−1) … near-white (0) … red (1).
    const rho0 = Number(rx.exec(f)![4]!.split('_')[1]);
    const [red, , blue] = rgb(8 + 224 + 8 + 220, 22 + 2);
    assert.ok(rho0 > 0 ? red! > blue! : red! < blue!, `${f}: mask corner ${rgb(8 + 224 + 8 + 220, 22 + 2)} for ρ0 ${rho0}`);
    // The crop panel holds the face, not a blank.
    const row = Array.from({ length: 224 }, (_, x) => rgb(8 + x, 22 + 112)[1]!);
    assert.ok(Math.max(...row) - Math.min(...row) > 60, `${f}: flat crop panel`);
  }
});

test('--limit picks that many faces; bad flags: one line, exit 1', () => {
  const out = join(work, 'one');
  const r = run(['--dataset', 'list', '--data-dir', list, '--out', out, '--limit', '1']);
  assert.is(r.code, 0, r.out + r.err);
  assert.is(readdirSync(out).length, 1);
  for (const [args, msg] of [
    [['--dataset', 'list', '--data-dir', list], /--dataset NAME and --out DIR are required/],
    [['--dataset', 'ckplus', '--out', out], /--data-dir is required/],
    [['--dataset', 'list', '--data-dir', list, '--out', out, '--limit', '0'], /--limit 0/],
    [['--dataset', 'nope', '--data-dir', list, '--out', out], /unknown dataset name/],
  ] as [string[], RegExp][]) {
    const bad = run(args);
    assert.is(bad.code, 1, bad.out + bad.err);
    assert.match(bad.err, msg);
    assert.is(bad.err.split('\n').length, 1, bad.err);
  }
});

test.run();
