// One run on one split: train (or resume) it, then report its best-by-validation checkpoint on the test
// set. A fold of a cross-validation that finished earlier is read back, not trained again.

import { mkdir } from 'node:fs/promises';
import type { FaceCache } from '../../data/cache.js';
import { describeSplit } from '../../data/splits.js';
import { trainLoop } from '../../training/loop.js';
import type { Metrics } from '../../training/metrics.js';
import { lastCheckpointPath } from '../../training/train_state.js';
import { consoleProgress, tty } from '../progress.js';
import type { TrainConfig } from './config.js';
import type { PlannedRun } from './resume.js';
import { foldSplit } from './split_policy.js';
import type { StopRequest } from './stop_request.js';
import { finishedFold, testBest } from './test_run.js';
import { disposeTrainee, prepareTrainee } from './trainee.js';

/** The run's test metrics; null when it was stopped (saved, to be resumed). */
export async function trainFold(cache: FaceCache, config: TrainConfig, run: PlannedRun, stop: StopRequest): Promise<Metrics | null> {
  if (config.crossValidate) {
    const finished = await finishedFold(run);
    if (finished) return finished;
  }
  await mkdir(run.out, { recursive: true });
  const split = foldSplit(cache, config.cachePath, config.split, run.fold);
  console.log(describeSplit(cache.samples, split));
  const trainee = await prepareTrainee(config, run);
  try {
    const result = await trainLoop({ ...trainee, cache, split, ...config.loop, out: run.out, progress: consoleProgress, stopRequested: stop.requested });
    if (result === 'stopped') {
      const { state } = trainee;
      const where = state.step > 0 ? `after step ${state.step} of epoch ${state.epoch}` : state.epoch > 1 ? `after epoch ${state.epoch - 1}` : 'before its first step';
      console.log(`${tty ? '\n' : ''}saved ${lastCheckpointPath(run.out)} ${where}; continue with the same flags plus --resume`);
      if (stop.requested()) process.exitCode = stop.exitCode();
      return null;
    }
    return await testBest(trainee.model, cache, split.test, config.loop, run.out);
  } finally {
    disposeTrainee(trainee);
  }
}
