// Training CLI: node dist/train.js --dataset ckplus --data-dir DIR [--epochs --batch-size --lr
// --image-size --out DIR --resume --seed …]. Builds (or reuses) the preprocessed face cache, splits by
// subject, trains OAENet with the original's objective, and ends with a test-set report and plots.
// --cross-validate trains every subject fold in turn and summarises them.

import { mkdir } from 'node:fs/promises';
import { parseFlags } from './cli/flags.js';
import { TRAIN_FLAGS, trainConfig } from './cli/train/config.js';
import { summariseFolds, type FoldResult } from './cli/train/cross_validation.js';
import { loadFaceCache } from './cli/train/face_cache.js';
import { trainFold } from './cli/train/fold.js';
import { planRuns } from './cli/train/resume.js';
import { stopOnCtrlC } from './cli/train/stop_request.js';
import { runCli } from './errors.js';
import { closeGpu, initGpu } from './kernels/context.js';

async function main(): Promise<void> {
  const config = trainConfig(parseFlags(process.argv.slice(2), TRAIN_FLAGS, 'train.js'));
  const runs = planRuns(config.runs, config.resume);
  await mkdir(config.out, { recursive: true });

  const gpu = await initGpu();
  console.log(`adapter: ${gpu.info.adapterName} (${gpu.info.software ? 'software' : 'hardware'})`);
  const cache = await loadFaceCache(config);
  if (config.preprocessOnly) return;
  const { imageSize } = config.loop;
  if (gpu.info.software && imageSize > 64) {
    console.log(`note: this adapter renders on the CPU, so training at ${imageSize} px will be very slow (see the ETA); --image-size 32 or 64 makes a quick run, a GPU a real one`);
  }

  const stopRequested = stopOnCtrlC();
  const results: FoldResult[] = [];
  for (const run of runs) {
    if (config.crossValidate) console.log(`\n== fold ${run.fold + 1} of ${runs.length}: ${run.out}`);
    const test = await trainFold(cache, config, run, stopRequested);
    if (!test) return;
    results.push({ fold: run.fold, test });
  }
  if (config.crossValidate) await summariseFolds(config.out, results);
}

runCli(main).finally(closeGpu);
