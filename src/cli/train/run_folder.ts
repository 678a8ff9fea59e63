// The run folder (--out), held by one training run at a time. Before any work it is made (or found),
// shown to be writable, and locked with a file naming this process (pid and host), so that a second run
// with the same --out refuses instead of interleaving its checkpoints and metrics; a lock whose process
// is gone (a crash, kill -9) is taken over. Temp files that a killed run left half-written are removed.
// When the run ends, however it ends, the lock goes, and so does the folder if this run made it and
// left nothing in it.

import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, rmdirSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { reason, userError } from '../../errors.js';

export const LOCK_FILE = 'train.lock';

interface LockHolder {
  pid: number;
  host: string;
  started: string;
}

export interface RunFolder {
  /** The stale temp files removed, as paths. */
  removed: string[];
  /** Removes the lock, and the folder if this run made it and it is empty; safe to call again. */
  release(): void;
}

/** True while process `pid` exists on this host (EPERM: it exists, as another user's). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes and locks `out`, and clears stale temp files there and in `runDirs` (a cross-validation's folds). */
export function openRunFolder(out: string, runDirs: readonly string[] = []): RunFolder {
  const made = makeFolder(out);
  const lock = join(out, LOCK_FILE);
  takeLock(lock, out);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readHolder(lock)?.pid === process.pid) unlinkSync(lock);
    // A folder this run made, left empty by an early error, goes with it (and so do empty parents it made).
    for (let dir = out; made !== undefined && dir.length >= made.length; dir = dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        break;
      }
    }
  };
  process.on('exit', release); // process.exit() skips the caller's finally
  return { removed: [out, ...runDirs].flatMap(removeStaleTemps), release };
}

/** The first folder that mkdir made (undefined when `out` existed). */
function makeFolder(out: string): string | undefined {
  let kind: 'folder' | 'other' | 'none';
  try {
    kind = statSync(out).isDirectory() ? 'folder' : 'other';
  } catch {
    kind = 'none';
  }
  if (kind === 'other') throw userError(out, 'is a file, not a folder', 'choose a folder for --out');
  if (kind === 'folder') return undefined;
  try {
    return mkdirSync(out, { recursive: true });
  } catch (e) {
    throw userError(out, `cannot create the folder (${reason(e)})`, 'choose a writable --out');
  }
}

function readHolder(lock: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(lock, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? { pid: h.pid, host: h.host, started: String(h.started) } : null;
  } catch {
    return null;
  }
}

function takeLock(lock: string, out: string): void {
  const me: LockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(lock, 'wx');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw userError(out, `cannot write in the folder (${reason(e)})`, 'choose a writable --out');
      const holder = readHolder(lock);
      // A holder on another host cannot be asked whether it still runs; an unreadable lock is one
      // whose writer died between creating and filling it.
      const stale = holder === null || (holder.host === me.host && !isAlive(holder.pid));
      if (!stale || attempt > 0) {
        const who = holder ? `pid ${holder.pid} on ${holder.host}, started ${holder.started}` : 'unknown';
        throw userError(out, `another training run (${who}) is using this folder`, `wait for it to end or choose another --out; if that run is gone, delete ${lock}`);
      }
      unlinkSync(lock);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me) + '\n');
    } catch (e) {
      closeSync(fd);
      unlinkSync(lock);
      throw userError(out, `cannot write in the folder (${reason(e)})`, 'free space on its disk or choose another --out');
    }
    closeSync(fd);
    return;
  }
}

/**
 * Atomic writes go through `.<name>.<pid>.<n>.tmp` beside their file; one whose writer is gone was cut off
 * and is only wasted space (up to a checkpoint's size). Returns the paths removed.
 */
function removeStaleTemps(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => {
    const m = /^\..+\.(\d+)\.\d+\.tmp$/.exec(name);
    return m !== null && !isAlive(Number(m[1]));
  });
  return stale.map((name) => join(dir, name)).filter((path) => {
    try {
      unlinkSync(path);
      return true;
    } catch {
      return false; // left for the user; it does no harm but take space
    }
  });
}
