// Locating the shared reference fixtures: an env variable names another folder, else
// ../shared/fixtures/<kind> beside the repository.

import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
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

/**
 * A small CK+ in class folders: the first image of each subject in each class, with its landmark files,
 * copied from ../shared/data/ckplus into `dir` (enough for a subject split into train, validation, test).
 */
export function ckplusSubset(dir: string, classes: readonly string[], subjects: readonly string[]): void {
  const ckplus = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
  for (const cls of classes) {
    mkdirSync(join(dir, cls), { recursive: true });
    const files = readdirSync(join(ckplus, cls));
    for (const s of subjects) {
      const png = files.filter((f) => f.startsWith(s + '_') && f.endsWith('.png')).sort()[0];
      if (!png) continue;
      copyFileSync(join(ckplus, cls, png), join(dir, cls, png));
      for (const lm of files.filter((f) => f.startsWith(png.slice(0, 9)) && f.endsWith('_landmarks.txt'))) copyFileSync(join(ckplus, cls, lm), join(dir, cls, lm));
    }
  }
}
