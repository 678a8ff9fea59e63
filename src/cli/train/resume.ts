// --resume against the run folders, checked before any work, so that a forgotten --resume, a mistyped
// --out, a damaged checkpoint or a changed setting fails at once rather than after preprocessing. A run
// continues only with the settings it was started with (kept in its checkpoint's loop state), since
// others would not continue it the same way: each one that changed is named.

import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError, userError } from '../../errors.js';
import { lastCheckpointPath, readTrainCheckpoint } from '../../training/train_state.js';
import type { FoldRun, TrainConfig } from './config.js';

/** A run of the command, and whether it continues one started earlier. */
export interface PlannedRun extends FoldRun {
  resume: boolean;
}

/**
 * The runs, each continued where it has a checkpoint; --resume needs one at least, a fresh start none.
 * Every checkpoint to continue is read whole and must have been started with today's settings.
 */
export async function planRuns(config: TrainConfig): Promise<PlannedRun[]> {
  const { runs, resume } = config;
  const started = runs.filter((r) => existsSync(lastCheckpointPath(r.out)));
  if (resume && started.length === 0) throw new UserError(`${lastCheckpointPath(runs[0]!.out)}: no run to resume; start one without --resume`);
  if (!resume && started.length > 0) throw new UserError(`${started[0]!.out}: already holds a run; pass --resume to continue it, or choose another --out`);
  for (const r of started) {
    const path = lastCheckpointPath(r.out);
    checkSameRun(path, (await readTrainCheckpoint(path)).state.config ?? {}, runIdentity(config, r.fold));
  }
  return runs.map((r) => ({ ...r, resume: started.includes(r) }));
}

/** The settings that make a run what it is, kept in its checkpoint (a type, not an interface, to be stored as a record). */
export type RunIdentity = {
  dataset: string;
  dataDir: string | null;
  imageSize: number;
  batchSize: number;
  epochs: number;
  seed: number;
  folds: number;
  fold: number;
  holdout: string[] | null;
  valSubjects: number | null;
  valFraction: number | null;
  labelOrder: string | null;
  lr: number;
  momentum: number;
  islandWeight: number;
  lovaszWeight: number;
};

/** Each setting's flag, for naming the ones that changed. */
const FLAG_OF: Record<keyof RunIdentity, string> = {
  dataset: '--dataset',
  dataDir: '--data-dir',
  imageSize: '--image-size',
  batchSize: '--batch-size',
  epochs: '--epochs',
  seed: '--seed',
  folds: '--folds',
  fold: '--fold',
  holdout: '--holdout-subjects',
  valSubjects: '--val-subjects',
  valFraction: '--val-fraction',
  labelOrder: '--label-order',
  lr: '--lr',
  momentum: '--momentum',
  islandWeight: '--island-weight',
  lovaszWeight: '--lovasz-weight',
};

export function runIdentity(config: TrainConfig, fold: number): RunIdentity {
  const { loop, split, sgd } = config;
  return {
    dataset: config.dataset,
    dataDir: config.dataDir === undefined ? null : resolve(config.dataDir),
    imageSize: loop.imageSize,
    batchSize: loop.batchSize,
    epochs: loop.epochs,
    seed: loop.seed,
    folds: split.folds,
    fold,
    holdout: split.holdout ?? null,
    valSubjects: split.valSubjects ?? null,
    valFraction: split.valFraction ?? null,
    labelOrder: config.read.labelOrder ?? null,
    lr: sgd.lr,
    momentum: sgd.momentum,
    islandWeight: loop.weights.island,
    lovaszWeight: loop.weights.lovasz,
  };
}

const show = (v: unknown): string => (v === null || v === undefined ? '(not given)' : Array.isArray(v) ? v.join(',') : String(v));

/**
 * Throws unless the checkpoint at `path` was started with the settings it is resumed with, naming each
 * one that differs. A setting the checkpoint does not record (one written before it was kept) is not checked.
 */
export function checkSameRun(path: string, saved: Record<string, unknown>, now: RunIdentity): void {
  const changed = (Object.keys(FLAG_OF) as (keyof RunIdentity)[]).filter((k) => k in saved && JSON.stringify(saved[k]) !== JSON.stringify(now[k]));
  if (changed.length === 0) return;
  const list = changed.map((k) => `${FLAG_OF[k]} ${show(saved[k])} (now ${show(now[k])})`).join(', ');
  throw userError(path, `the run was started with ${list}`, 'resume it with the flags it was started with, or start a new run in another --out');
}
