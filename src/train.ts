// Training CLI: node dist/train.js --dataset ckplus --data-dir DIR [--epochs --batch-size --lr
// --image-size --out DIR --resume --seed …]. Builds (or reuses) the preprocessed face cache, splits by
// subject, trains OAENet with the original's objective, and ends with a test-set report and plots.
// --cross-validate trains every subject fold in turn and summarises them.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { closeGpu, initGpu } from './kernels/context.js';
import { loadCheckpoint } from './model/checkpoint.js';
import { OAENet } from './model/oaenet.js';
import { ensureCache, readCache, type FaceCache } from './data/cache.js';
import { FACE_SIZE } from './face/geometry.js';
import { parseFlags, type FlagSpec } from './cli/flags.js';
import { DATASET_NAMES, readDataset } from './data/datasets/index.js';
import { UserError, runCli } from './errors.js';
import { CLASS_NAMES } from './data/labels.js';
import { evaluate, trainLoop } from './training/loop.js';
import { metricsOfConfusion, type Metrics } from './training/metrics.js';
import { SGD } from './training/optim/sgd.js';
import { confusionPng } from './cli/plots.js';
import { report } from './cli/report.js';
import { ReduceLROnPlateau } from './training/schedule.js';
import { describeSplit, splitSamples } from './data/splits.js';
import { loadTrainState, type LoopState } from './training/train_state.js';

const FLAGS: Record<string, FlagSpec> = {
  dataset: { type: 'string', help: `dataset format: ${DATASET_NAMES.join(', ')}`, default: 'synthetic' },
  'data-dir': { type: 'string', help: 'dataset folder (or list/CSV file); not needed for synthetic' },
  epochs: { type: 'int', help: 'epochs', default: 50 },
  'batch-size': { type: 'int', help: 'images per step', default: 60 },
  lr: { type: 'number', help: 'SGD learning rate', default: 1e-2 },
  momentum: { type: 'number', help: 'SGD momentum', default: 0.9 },
  'image-size': { type: 'int', help: 'network input side (multiple of 16; the mask is computed at 224 and resized)', default: 224 },
  out: { type: 'string', help: 'run folder (checkpoints, metrics.jsonl, plots)' },
  resume: { type: 'bool', help: 'continue the run in --out where it stopped' },
  seed: { type: 'int', help: 'seed of initialisation, split, shuffling and augmentation', default: 0 },
  folds: { type: 'int', help: 'subject k-fold: number of folds', default: 5 },
  fold: { type: 'int', help: 'subject k-fold: the held-out test fold', default: 0 },
  'cross-validate': { type: 'bool', help: 'train every fold in turn (<out>/fold-<i>), then report the mean test accuracy and the pooled confusion matrix' },
  'holdout-subjects': { type: 'string', help: 'comma-separated test subjects (e.g. S010,S011) instead of folds' },
  'val-subjects': { type: 'int', help: 'training subjects moved to validation (checkpoint selection; default: 12% of them, at least 1)' },
  'island-weight': { type: 'number', help: 'weight of the island loss', default: 0.1 },
  'lovasz-weight': { type: 'number', help: 'weight of the Lovász-softmax segmentation loss', default: 1 },
  cache: { type: 'string', help: 'preprocessed face cache file (default: <out>/../cache-<dataset>.safetensors)' },
  'max-steps': { type: 'int', help: 'stop (saving, resumable) after this many steps' },
  'preprocess-only': { type: 'bool', help: 'build the face cache and stop (e.g. to carry it to a GPU host)' },
};

const tty = process.stdout.isTTY;
const lastStatus = new Map<string, number>();
/** A status line: rewritten in place on a terminal; into a log, the first of each kind and then one every 10 s. */
function progressLine(s: string): void {
  if (tty) {
    process.stdout.write('\r\x1b[2K' + s);
    return;
  }
  const kind = s.split(' ')[0]!;
  if (performance.now() - (lastStatus.get(kind) ?? -Infinity) > 10_000) {
    lastStatus.set(kind, performance.now());
    console.log(s);
  }
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS, 'train.js');
  const dataset = f.dataset as string;
  const imageSize = f['image-size'] as number;
  if (imageSize % 16 !== 0 || imageSize < 32 || imageSize > 224) throw new UserError(`--image-size ${imageSize}: use a multiple of 16 from 32 to 224`);
  const out = resolve((f.out as string | undefined) ?? join('runs', dataset));
  const resume = f.resume as boolean;
  const crossValidate = f['cross-validate'] as boolean;
  if (crossValidate && (f['holdout-subjects'] !== undefined || f.fold !== 0)) throw new UserError('--cross-validate trains every fold: drop --fold and --holdout-subjects');
  const runs = crossValidate ? Array.from({ length: f.folds as number }, (_, i) => ({ fold: i, out: join(out, `fold-${i}`) })) : [{ fold: f.fold as number, out }];
  const started = runs.filter((r) => existsSync(join(r.out, 'last.safetensors')));
  if (resume && started.length === 0) throw new UserError(`${join(runs[0]!.out, 'last.safetensors')}: no run to resume; start one without --resume`);
  if (!resume && started.length > 0) throw new UserError(`${started[0]!.out}: already holds a run; pass --resume to continue it, or choose another --out`);
  await mkdir(out, { recursive: true });

  const gpu = await initGpu();
  console.log(`adapter: ${gpu.info.adapterName} (${gpu.info.software ? 'software' : 'hardware'})`);
  const cachePath = resolve((f.cache as string | undefined) ?? join(out, '..', `cache-${dataset}.safetensors`));
  const dataDir = f['data-dir'] as string | undefined;
  let cache: FaceCache;
  if (dataDir !== undefined || dataset === 'synthetic') {
    const ds = await readDataset(dataset, dataDir ?? '');
    const built = await ensureCache(cachePath, ds, { onProgress: (done, total) => progressLine(`preprocessing faces ${done}/${total}`) });
    cache = built.cache;
    console.log(`${built.rebuilt ? '\n' : ''}faces: ${cache.count} from ${ds.path} (cache ${cachePath}${built.rebuilt ? ', rebuilt' : ''})`);
  } else if (existsSync(cachePath)) {
    // A GPU host may carry only the preprocessed cache.
    cache = await readCache(cachePath, { dataset, size: FACE_SIZE });
    console.log(`faces: ${cache.count} from the cache ${cachePath}`);
  } else {
    throw new UserError(`--data-dir is required for --dataset ${dataset} (or --cache naming a preprocessed face cache)`);
  }

  if (f['preprocess-only']) return;
  if (gpu.info.software && imageSize > 64) {
    console.log(`note: this adapter renders on the CPU, so training at ${imageSize} px will be very slow (see the ETA); --image-size 32 or 64 makes a quick run, a GPU a real one`);
  }

  if (crossValidate && !cache.samples.some((s) => s.subject !== null)) {
    throw new UserError(`--cross-validate needs subject ids (CK+); ${dataset} has its own split: train without it`);
  }
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log('\nstopping after this step and saving (Ctrl-C again to quit without saving)');
  });
  const results: { fold: number; test: Metrics }[] = [];
  for (const run of runs) {
    if (crossValidate) console.log(`\n== fold ${run.fold + 1} of ${runs.length}: ${run.out}`);
    const test = await trainFold(cache, cachePath, f, run, resume && existsSync(join(run.out, 'last.safetensors')));
    if (!test) return;
    results.push({ fold: run.fold, test });
  }
  if (crossValidate) await summarise(out, results);
}

let interrupted = false;

/**
 * One run on one split: train (or resume), then the test report of its best-by-validation checkpoint.
 * A fold of a cross-validation that finished earlier is read back, not trained again. Null when stopped.
 */
async function trainFold(cache: FaceCache, cachePath: string, f: Record<string, unknown>, run: { fold: number; out: string }, resume: boolean): Promise<Metrics | null> {
  const { out } = run;
  const done = join(out, 'test_metrics.json');
  if (f['cross-validate'] && existsSync(done)) {
    const m = JSON.parse(await readFile(done, 'utf8')) as { confusion: number[][] };
    console.log(`fold ${run.fold} finished earlier: ${done}`);
    return metricsOfConfusion(m.confusion);
  }
  await mkdir(out, { recursive: true });
  const lastPath = join(out, 'last.safetensors');
  const dataset = f.dataset as string;
  const imageSize = f['image-size'] as number;
  // Data with subject ids (CK+) is split by subject; other datasets use their official split.
  const seed = f.seed as number;
  const holdout = (f['holdout-subjects'] as string | undefined)?.split(',').map((s) => s.trim()).filter(Boolean);
  const bySubject = cache.samples.some((s) => s.subject !== null);
  const subjects = new Set(cache.samples.map((s) => s.subject)).size;
  const trainSubjects = holdout ? subjects - holdout.length : subjects - Math.ceil(subjects / (f.folds as number));
  const valSubjects = (f['val-subjects'] as number | undefined) ?? Math.max(1, Math.round(0.12 * trainSubjects));
  const split = splitSamples(
    cache.samples,
    !bySubject ? {} : holdout ? { testSubjects: holdout, valSubjects, seed } : { folds: f.folds as number, fold: run.fold, valSubjects, seed },
    cachePath,
  );
  console.log(describeSplit(cache.samples, split));

  const config = { dataset, imageSize, batchSize: f['batch-size'], epochs: f.epochs, seed: f.seed, folds: f.folds, fold: run.fold, holdout: holdout ?? null };
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: imageSize, seed: f.seed as number });
  const opt = new SGD(model.parameters(), { lr: f.lr as number, momentum: f.momentum as number });
  try {
    const plateau = new ReduceLROnPlateau(opt, 0.1, 7);
    let state: LoopState = { epoch: 1, step: 0, lr: opt.lr, plateau: plateau.state, bestValAccuracy: -1, partial: { loss: 0, hits: 0, count: 0 }, history: [], config };
    if (resume) {
      state = await loadTrainState(lastPath, model, opt);
      const was = JSON.stringify(state.config), now = JSON.stringify(config);
      if (was !== now) throw new UserError(`${lastPath}: the run was started with ${was}; resume it with the same flags (now ${now})`);
      opt.lr = state.lr;
      plateau.state = { ...state.plateau };
      console.log(`resuming at epoch ${state.epoch}, step ${state.step + 1}`);
    }

    const result = await trainLoop(model, opt, plateau, cache, split, state, {
      epochs: f.epochs as number,
      batchSize: f['batch-size'] as number,
      imageSize,
      seed,
      out,
      weights: { island: f['island-weight'] as number, lovasz: f['lovasz-weight'] as number },
      ...(f['max-steps'] !== undefined ? { maxSteps: f['max-steps'] as number } : {}),
    }, {
      line: (s) => console.log((tty ? '\r\x1b[2K' : '') + s),
      status: progressLine,
    }, () => interrupted);
    if (result === 'stopped') {
      console.log(`${tty ? '\n' : ''}saved ${lastPath} after step ${state.step} of epoch ${state.epoch}; continue with the same flags plus --resume`);
      if (interrupted) process.exitCode = 130;
      return null;
    }

    await loadCheckpoint(model, join(out, 'best.safetensors'));
    const test = await evaluate(model, cache, split.test, { batchSize: f['batch-size'] as number, imageSize });
    console.log(`\ntest set (${split.test.length} faces, best-by-validation checkpoint):\n${report(test)}`);
    await writeFile(done, JSON.stringify({ accuracy: test.accuracy, recall: test.recall, confusion: test.confusion, classes: CLASS_NAMES }, null, 2));
    await confusionPng(join(out, 'confusion_test.png'), test.confusion, CLASS_NAMES, `test set, ${split.test.length} faces`);
    console.log(`wrote ${out}/{best,last}.safetensors, metrics.jsonl, curves.png, confusion_test.png`);
    return test;
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/** Cross-validation: accuracy per fold, their mean and spread, and every test face pooled into one matrix. */
async function summarise(out: string, results: { fold: number; test: Metrics }[]): Promise<void> {
  const accs = results.map((r) => r.test.accuracy);
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const std = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
  const pooled = metricsOfConfusion(CLASS_NAMES.map((_, t) => CLASS_NAMES.map((_, p) => results.reduce((s, r) => s + r.test.confusion[t]![p]!, 0))));
  const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;
  console.log(`\ncross-validation, ${results.length} subject folds:`);
  for (const r of results) console.log(`  fold ${r.fold}: ${pct(r.test.accuracy)} of ${r.test.count} faces`);
  console.log(`mean ${pct(mean)} ± ${pct(std)} (sample std over folds)\nall test faces pooled:\n${report(pooled)}`);
  const summary = { folds: results.map((r) => ({ fold: r.fold, accuracy: r.test.accuracy, faces: r.test.count })), mean, std, pooled: { accuracy: pooled.accuracy, recall: pooled.recall, confusion: pooled.confusion }, classes: CLASS_NAMES };
  await writeFile(join(out, 'cv_summary.json'), JSON.stringify(summary, null, 2));
  await confusionPng(join(out, 'confusion_cv.png'), pooled.confusion, CLASS_NAMES, `${results.length}-fold cross-validation, ${pooled.count} faces`);
  console.log(`wrote ${out}/cv_summary.json, confusion_cv.png`);
}

runCli(main).finally(closeGpu);
