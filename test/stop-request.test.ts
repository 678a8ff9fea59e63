// Stopping a run from outside, in child processes (no GPU): each signal asks for a save-and-stop and
// sets the shell's exit code, a second one quits; and a terminal that hangs up (a closed SSH session)
// neither kills the process at its next progress line nor makes Node abort on exit.

import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const module = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'train', 'stop_request.js');
const work = mkdtempSync(join(tmpdir(), 'stop-request-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** A stand-in for the training loop: progress lines until a stop is asked, then a short "save". */
const loop = `
const { stopOnSignals } = await import(${JSON.stringify(module)});
const stop = stopOnSignals();
let step = 0;
const timer = setInterval(() => {
  process.stdout.write('\\r\\x1b[2Kstep ' + step++);
  if (!stop.requested()) return;
  clearInterval(timer);
  setTimeout(() => { console.log(JSON.stringify([stop.requested(), stop.exitCode()])); process.exitCode = stop.exitCode(); }, 200);
}, 50);
`;

test('SIGINT, SIGTERM and SIGHUP each ask for a save-and-stop with the shell\'s exit code; a second one quits', () => {
  const script = join(work, 'loop.mjs');
  writeFileSync(script, loop + 'for (let i = 0; i < Number(process.argv[3]); i++) process.kill(process.pid, process.argv[2]);\n');
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    const once = spawnSync(process.execPath, [script, signal, '1'], { encoding: 'utf8' });
    assert.is(once.status, code, once.stdout + once.stderr);
    assert.match(once.stdout, new RegExp(`${signal}: stopping after this step and saving`));
    assert.match(once.stdout, `[true,${code}]`, 'saved');
    const twice = spawnSync(process.execPath, [script, signal, '2'], { encoding: 'utf8' });
    assert.is(twice.status, code, `${signal} twice: ${twice.stdout}`);
    assert.not.match(twice.stdout, /\[true/, 'quit without saving');
  }
});

test('a terminal that hangs up: the run saves and exits 129, instead of dying at a write or aborting at exit', async () => {
  const script = join(work, 'loop.mjs');
  writeFileSync(script, loop);
  // `script` gives the run a terminal. Its session leader passes the hang-up on to the run, which has
  // the terminal as stdin, stdout and stderr, and records how the run ended.
  const leader = join(work, 'leader.mjs');
  const ended = join(work, 'ended.json');
  writeFileSync(leader, `
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const run = spawn(process.execPath, [${JSON.stringify(script)}], { stdio: 'inherit', detached: true });
process.on('SIGHUP', () => run.kill('SIGHUP'));
run.on('exit', (code, signal) => writeFileSync(${JSON.stringify(ended)}, JSON.stringify({ code, signal })));
`);
  const terminal = spawn('script', ['-qfc', `exec "${process.execPath}" "${leader}"`, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve) => {
    let seen = '';
    terminal.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      // Closing the terminal's master side is the hang-up.
      if (/step 3/.test(seen) && !terminal.killed) terminal.kill('SIGKILL');
    });
    terminal.on('exit', () => resolve());
  });
  for (let waited = 0; !existsSync(ended) && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  assert.equal(JSON.parse(readFileSync(ended, 'utf8')), { code: 129, signal: null });
});

test.run();
