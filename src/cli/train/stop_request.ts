// Stopping a training run from outside: Ctrl-C (SIGINT), SIGTERM (sent by `timeout`, `docker stop` and
// job schedulers) and SIGHUP (a closed SSH session) each ask the loop to finish its step, save and stop,
// so the run can be resumed; a second signal quits at once without saving. The exit code is the
// shell's for that signal (128 + its number).

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
  for (const name of Object.keys(SIGNALS) as (keyof typeof SIGNALS)[]) {
    process.on(name, () => {
      if (received) process.exit(128 + SIGNALS[name]);
      received = name;
      // After a hang-up the terminal is gone: writing to it fails, which must not stop the save.
      if (name === 'SIGHUP') for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
      const again = name === 'SIGINT' ? 'Ctrl-C again' : `a second ${name}`;
      console.log(`\n${name}: stopping after this step and saving (${again} quits without saving)`);
    });
  }
  return {
    requested: () => received !== null,
    exitCode: () => 128 + (received ? SIGNALS[received] : 0),
  };
}
