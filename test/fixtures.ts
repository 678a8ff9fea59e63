// Locating the shared reference fixtures: an env variable names another folder, else
// ../shared/fixtures/<kind> beside the repository.

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the tests');
    dir = up;
  }
  return dir;
}

/** The fixture folder for `kind` (torch, mask), or the folder named by env `envName`. */
export function fixtureDir(kind: string, envName: string): string {
  const fromEnv = process.env[envName];
  const dir = fromEnv ? resolve(fromEnv) : join(repoRoot(), '..', 'shared', 'fixtures', kind);
  if (!existsSync(dir)) throw new Error(`fixture folder ${dir} not found: set ${envName} or place shared/ beside the repository`);
  return dir;
}
