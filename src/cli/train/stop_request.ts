// Stopping a training run from outside: Ctrl-C (SIGINT), SIGTERM (sent by `timeout`, `docker stop` and
// job schedulers) and SIGHUP (a closed SSH session) each ask the loop to finish its step, save and stop,
// so the run can be resumed; a second signal quits at once without saving. The exit code is the
// shell's for that signal (128 + its number).

import { closeSync, fstatSync, openSync } from 'node:fs';

const SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;

export interface StopRequest {
  /** Whether a stop was asked for; the loop asks before each step. */
  requested(): boolean;
  /** 128 + the number of the signal that asked (130 for Ctrl-C). */
  exitCode(): number;
}

/** Installs the handlers. */
export function stopOnSignals(): StopRequest {
  let received: keyof typeof SIGNALS | null = null;
  // A terminal that hangs up fails the next write (EIO), which can come before its SIGHUP is handled;
  // lost progress lines must not end the run before it saves.
  for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
  for (const name of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) {
    process.on(name, () => {
      if (received) process.exit(128 + SIGNALS[name]);
      received = name;
      if (name === 'SIGHUP') detachFromTerminal();
      const again = name === 'SIGINT' ? 'Ctrl-C again' : `a second ${name}`;
      console.log(`\n${name}: stopping after this step and saving (${again} quits without saving)`);
    });
  }
  return {
    requested: () => received !== null,
    exitCode: () => 128 + (received ? SIGNALS[received] : 0),
  };
}

/**
 * After a hang-up the terminal is gone: writing to it fails (EIO), and Node's exit, which restores a
 * terminal's settings, aborts when it cannot. So each descriptor that was the terminal is reopened on
 * /dev/null (an open takes the lowest free descriptor, the one just closed), which Node's exit then leaves
 * alone as a file the program replaced. A hung-up terminal no longer answers isatty(), so any character
 * device is taken for it (/dev/null itself loses nothing).
 */
function detachFromTerminal(): void {
  for (const fd of [0, 1, 2]) {
    if (!isTerminal(fd)) continue;
    closeSync(fd);
    openSync('/dev/null', fd === 0 ? 'r' : 'w');
  }
}

function isTerminal(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}
