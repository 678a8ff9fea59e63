// Progress on the console: finished lines, and a status line that a terminal shows rewritten in place
// while a log file gets it now and then, so a long run's log stays readable.

import type { Progress } from '../training/loop.js';

export const tty = process.stdout.isTTY;

const lastStatus = new Map<string, number>();

/** A status line: rewritten in place on a terminal; into a log, the first of each kind and then one every 10 s. */
export function status(s: string): void {
  if (tty) {
    process.stdout.write('\r\x1b[2K' + s);
    return;
  }
  const kind = s.split(' ')[0]!;
  if (performance.now() - (lastStatus.get(kind) ?? -Infinity) > 10_000) {
    lastStatus.set(kind, performance.now());
    console.log(s);
  }
}

export const consoleProgress: Progress = {
  line: (s) => console.log((tty ? '\r\x1b[2K' : '') + s),
  status,
};
