// Errors the user can fix (a bad path, a malformed dataset file): one line naming the file and the
// fix. CLIs print just the message and exit non-zero; anything else is a bug and keeps its stack.

export class UserError extends Error {
  override name = 'UserError';

  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' ')); // one line, whatever the wrapped message held
  }
}

/** `<file>: <problem>; <fix>` — the shape of every UserError message. */
export function userError(file: string, problem: string, fix: string): UserError {
  return new UserError(`${file}: ${problem}; ${fix}`);
}

/** The first line of another error's message, for wrapping it into a UserError. */
export function reason(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split(/\r?\n/)[0]!;
}

/** Runs a CLI's main: a UserError prints its message alone and sets exit code 1. */
export async function runCli(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`error: ${e.message}`);
    process.exitCode = 1;
  }
}
