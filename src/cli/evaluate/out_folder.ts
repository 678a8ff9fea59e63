// The output folder of evaluate.js, created and checked writable before any work, so that a folder the
// results cannot go to fails in one line at the start rather than after the evaluation.

import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { reason, userError } from '../../errors.js';

/** `what` names its contents in the error; `isDefault`: the user did not choose it (the model's folder). */
export async function outFolder(dir: string, what: string, isDefault = false): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (e) {
    throw userError(dir, `cannot write ${what} there (${reason(e)})`, `pass --out DIR, a writable folder${isDefault ? " (the default is the model's folder)" : ''}`);
  }
}
