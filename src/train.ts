// Training CLI: node dist/train.js --dataset ckplus --data-dir DIR [--epochs --batch-size --lr
// --image-size --out DIR --resume --seed …]. Builds (or reuses) the preprocessed face cache, splits by
// subject, trains OAENet with the original's objective, and ends with a test-set report and plots.
// --cross-validate trains every subject fold in turn and summarises them.

import { parseFlags } from './cli/flags.js';
import { TRAIN_FLAGS, trainConfig } from './cli/train/config.js';
import { summariseFolds, type FoldResult } from './cli/train/cross_validation.js';
import { loadFaceCache } from './cli/train/face_cache.js';
import { trainFold } from './cli/train/fold.js';
import { planRuns } from './cli/train/resume.js';
import { openRunFolder } from './cli/train/run_folder.js';
import { stopOnSignals } from './cli/train/stop_request.js';
import { runCli } from './errors.js';
import { closeGpu, initGpu } from './kernels/context.js';

async function main(): Promise<void> {
  // Everything that can be checked without the GPU is checked first: the flags, the run folder (made,
  // writable, locked) and the checkpoints a --resume continues.
  const config = trainConfig(parseFlags(process.argv.slice(2), TRAIN_FLAGS, 'train.js'));
  const folder = config.preprocessOnly ? null : openRunFolder(config.out, config.runs.map((r) => r.out));
  if (folder?.removed.length) console.log(`removed what an interrupted run left half-written: ${folder.removed.join(', ')}`);
  try {
    const runs = config.preprocessOnly ? [] : await planRuns(config);
    const gpu = await initGpu();
    const cache = await loadFaceCache(config);
    if (config.preprocessOnly) return;
    console.log(`adapter: ${gpu.info.adapterName} (${gpu.info.software ? 'software' : 'hardware'})`);
    const { imageSize } = config.loop;
    if (gpu.info.software && imageSize > 64) {
      console.log(`note: this adapter renders on the CPU, so training at ${imageSize} px will be very slow (see the ETA); --image-size 32 or 64 makes a quick run, a GPU a real one`);
    }

    const stop = stopOnSignals();
    const results: FoldResult[] = [];
    for (const run of runs) {
      if (config.crossValidate) console.log(`\n== fold ${run.fold + 1} of ${runs.length}: ${run.out}`);
      const test = await trainFold(cache, config, run, stop);
      if (!test) return;
      results.push({ fold: run.fold, test });
    }
    if (config.crossValidate) await summariseFolds(config.out, results);
  } finally {
    folder?.release();
  }
}

runCli(main).finally(closeGpu);
