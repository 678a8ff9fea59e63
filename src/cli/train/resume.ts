// --resume against the run folders. Checked before any work, so that a forgotten --resume or a
// mistyped --out fails at once rather than after preprocessing; and when a run is loaded, that it was
// started with the same settings, since other settings would not continue it the same way.

import { existsSync } from 'node:fs';
import { UserError } from '../../errors.js';
import { lastCheckpointPath } from '../../training/train_state.js';
import type { FoldRun, TrainConfig } from './config.js';

/** A run of the command, and whether it continues one started earlier. */
export interface PlannedRun extends FoldRun {
  resume: boolean;
}

/** The runs, each continued where it has a checkpoint; --resume needs one at least, a fresh start none. */
export function planRuns(runs: readonly FoldRun[], resume: boolean): PlannedRun[] {
  const started = runs.filter((r) => existsSync(lastCheckpointPath(r.out)));
  if (resume && started.length === 0) throw new UserError(`${lastCheckpointPath(runs[0]!.out)}: no run to resume; start one without --resume`);
  if (!resume && started.length > 0) throw new UserError(`${started[0]!.out}: already holds a run; pass --resume to continue it, or choose another --out`);
  return runs.map((r) => ({ ...r, resume: started.includes(r) }));
}

/** The settings that make a run what it is, kept in its checkpoint (a type, not an interface, to be stored as a record). */
export type RunIdentity = {
  dataset: string;
  imageSize: number;
  batchSize: number;
  epochs: number;
  seed: number;
  folds: number;
  fold: number;
  holdout: string[] | null;
};

export function runIdentity(config: TrainConfig, fold: number): RunIdentity {
  const { loop, split } = config;
  return { dataset: config.dataset, imageSize: loop.imageSize, batchSize: loop.batchSize, epochs: loop.epochs, seed: loop.seed, folds: split.folds, fold, holdout: split.holdout ?? null };
}

/** Throws unless the checkpoint at `path` was started with the identity it is resumed with. */
export function checkSameRun(path: string, saved: Record<string, unknown>, now: RunIdentity): void {
  const was = JSON.stringify(saved), is = JSON.stringify(now);
  if (was !== is) throw new UserError(`${path}: the run was started with ${was}; resume it with the same flags (now ${is})`);
}
