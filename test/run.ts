// Test runner: runs every test/*.test.js (optionally filtered by a regex argument) as uvu suites
// in one process sharing one GPU device, closes the device, and prints a plain summary line.

import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = new RegExp(process.argv[2] ?? '\\.test\\.js$');
const files = readdirSync(here).filter((f) => f.endsWith('.test.js') && filter.test(f)).sort();

(globalThis as { UVU_DEFER?: number }).UVU_DEFER = 1;
const uvu = await import('uvu');
const queue = (globalThis as unknown as { UVU_QUEUE: unknown[][] }).UVU_QUEUE;
let idx = 0;
for (const f of files) {
  (globalThis as { UVU_INDEX?: number }).UVU_INDEX = idx++;
  queue.push([f]);
  await import(pathToFileURL(join(here, f)).href);
}

// Count results by wrapping stdout: uvu prints "Total: N" / "Passed: N".
let out = '';
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  out += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
}) as typeof process.stdout.write;
await uvu.exec();
process.stdout.write = write;

const { closeGpu } = await import('../src/kernels/context.js');
closeGpu();
const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? 0);
const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
console.log(`\n${passed} passed, ${total - passed - skipped} failed, ${skipped} skipped`);
process.exit(process.exitCode ?? (total === 0 ? 1 : 0));
