// Test runner: runs every test/*.test.js (or those matching a regex argument; `--dir DIR` for another
// folder) as uvu suites in one process sharing one GPU device, closes the device, and prints a plain
// summary line. It exits non-zero when a test failed, a hook threw (its error is printed: uvu itself
// swallows it) or a file ran no test, whatever uvu's own exit code says.

import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const dirAt = args.indexOf('--dir');
const dir = dirAt >= 0 ? resolve(args.splice(dirAt, 2)[1]!) : dirname(fileURLToPath(import.meta.url));
const filter = new RegExp(args[0] ?? '\\.test\\.js$');
const files = readdirSync(dir).filter((f) => f.endsWith('.test.js') && filter.test(f)).sort();

type Result = [errors: string | true, passed: number, skipped: number, total: number];
type Run = () => Promise<Result>;

(globalThis as { UVU_DEFER?: number }).UVU_DEFER = 1;
const uvu = await import('uvu');
const { hookErrors } = await import('./harness.js');
const queue = (globalThis as unknown as { UVU_QUEUE: [string, ...Run[]][] }).UVU_QUEUE;
for (const [i, f] of files.entries()) {
  (globalThis as { UVU_INDEX?: number }).UVU_INDEX = i;
  queue.push([f]);
  await import(pathToFileURL(join(dir, f)).href);
}

// Each file's counts, and the hook errors raised while it ran.
interface FileResult {
  file: string;
  passed: number;
  skipped: number;
  total: number;
  hooks: typeof hookErrors;
}
const results: FileResult[] = [];
for (const group of queue) {
  const [file, ...runs] = group;
  const r: FileResult = { file, passed: 0, skipped: 0, total: 0, hooks: [] };
  results.push(r);
  group.splice(1, runs.length, ...runs.map((run): Run => async () => {
    const result = await run();
    const [, passed, skipped, total] = result;
    Object.assign(r, { passed: r.passed + passed, skipped: r.skipped + skipped, total: r.total + total });
    r.hooks.push(...hookErrors.splice(0));
    return result;
  }));
}
await uvu.exec();

const { closeGpu } = await import('../src/kernels/context.js');
closeGpu();

const problems: string[] = [];
for (const r of results) {
  for (const h of r.hooks) {
    const e = h.error;
    problems.push(`${r.file}: ${h.suite ? `suite "${h.suite}" ` : ''}${h.hook} hook threw: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  }
  if (r.total === 0) problems.push(`${r.file}: ran no test`);
}
const total = results.reduce((s, r) => s + r.total, 0);
const passed = results.reduce((s, r) => s + r.passed, 0);
const skipped = results.reduce((s, r) => s + r.skipped, 0);
const failed = total - passed - skipped;
if (files.length === 0) problems.push(`no test file in ${dir} matches ${filter}`);
for (const p of problems) console.error(`\nerror: ${p}`);
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || problems.length > 0 ? 1 : 0);
