// What a run trains: OAENet with its SGD optimizer, reduce-on-plateau schedule and loop state, new or
// restored from the run's last checkpoint.

import { CLASS_NAMES } from '../../data/labels.js';
import { OAENet } from '../../model/oaenet.js';
import { SGD } from '../../training/optim/sgd.js';
import { ReduceLROnPlateau } from '../../training/schedule.js';
import { lastCheckpointPath, loadTrainState, type LoopState } from '../../training/train_state.js';
import type { TrainConfig } from './config.js';
import { runIdentity, type PlannedRun } from './resume.js';

export interface Trainee {
  model: OAENet;
  opt: SGD;
  plateau: ReduceLROnPlateau;
  state: LoopState;
}

export function disposeTrainee(t: Trainee): void {
  t.opt.dispose();
  t.model.dispose();
}

export async function prepareTrainee(config: TrainConfig, run: PlannedRun): Promise<Trainee> {
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: config.loop.imageSize, seed: config.loop.seed });
  const opt = new SGD(model.parameters(), config.sgd);
  const plateau = new ReduceLROnPlateau(opt, 0.1, 7);
  const state: LoopState = { epoch: 1, step: 0, lr: opt.lr, plateau: plateau.state, bestValAccuracy: -1, partial: { loss: 0, hits: 0, count: 0 }, history: [], config: runIdentity(config, run.fold) };
  const trainee: Trainee = { model, opt, plateau, state };
  if (!run.resume) return trainee;
  try {
    trainee.state = await loadTrainState(lastCheckpointPath(run.out), model, opt); // its settings were checked by planRuns
    opt.lr = trainee.state.lr;
    plateau.state = { ...trainee.state.plateau };
    console.log(`resuming at epoch ${trainee.state.epoch}, step ${trainee.state.step + 1}`);
    return trainee;
  } catch (e) {
    disposeTrainee(trainee);
    throw e;
  }
}
