// The test runner itself: a failing test, a throwing hook (which uvu alone reports as green) and a file
// without tests each make it exit non-zero, with the hook's error printed; passing files exit 0.

import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import { test } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const work = join(here, '..', `runner-fixtures-${process.pid}`);

/** Runs the runner over one fixture file in a folder of its own. */
function runOn(name: string, body: string): { code: number | null; out: string } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.test.js`), `import * as assert from 'uvu/assert';\nimport { test, suite } from '../../test/harness.js';\n${body}\n`);
  const r = spawnSync(process.execPath, [join(here, 'run.js'), '--dir', dir], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout + r.stderr };
}

test.after(() => rmSync(work, { recursive: true, force: true }));

test('passing tests exit 0', () => {
  const r = runOn('pass', `test('one', () => assert.is(1, 1));\ntest.run();`);
  assert.is(r.code, 0, r.out);
  assert.match(r.out, /^1 passed, 0 failed, 0 skipped$/m);
});

test('a failing test exits 1', () => {
  const r = runOn('fail', `test('one', () => assert.is(1, 2));\ntest('two', () => {});\ntest.run();`);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /^1 passed, 1 failed, 0 skipped$/m);
});

test('a before hook that throws exits 1 and its error is printed', () => {
  const r = runOn('before', `test.before(() => { throw new Error('no fixtures here'); });\ntest('one', () => {});\ntest.run();`);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /before hook threw: Error: no fixtures here/);
  assert.match(r.out, /^0 passed, 1 failed, 0 skipped$/m);
});

test('a named suite’s hook too', () => {
  const r = runOn('suite', `const s = suite('parity');\ns.before(async () => { throw new Error('adapter gone'); });\ns('one', () => {});\ns.run();`);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /suite "parity" before hook threw: Error: adapter gone/);
});

test('a file that runs no test exits 1', () => {
  const r = runOn('empty', `test.run();`);
  assert.is(r.code, 1, r.out);
  assert.match(r.out, /empty\.test\.js: ran no test/);
});

test.run();
