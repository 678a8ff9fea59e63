// Evaluation / prediction CLI.
//   node dist/evaluate.js --model FILE --dataset ckplus --data-dir DIR   accuracy, per-class recall, confusion
//   node dist/evaluate.js --model FILE --image PHOTO [--landmarks FILE]  every face's 7 probabilities as JSON
//   node dist/evaluate.js --model FILE --images DIR                      one JSON line (or CSV rows) per photo
// Without --landmarks, every face the detector finds (score ≥ --min-score) gets its 68 landmarks from the
// landmark nets and a prediction. Flags are checked before the GPU is opened.

import { datasetEvaluation } from './cli/evaluate/dataset_eval.js';
import { folderPrediction } from './cli/evaluate/predict_folder.js';
import { outFolder } from './cli/evaluate/out_folder.js';
import { imagePrediction } from './cli/evaluate/predict_image.js';
import { parseFlags, type FlagTable, type Flags } from './cli/flags.js';
import { DATASET_NAMES, readOptions } from './data/datasets/index.js';
import { CLASS_NAMES, LABEL_ORDER_HELP } from './data/labels.js';
import { DEFAULT_FOLDS } from './data/splits.js';
import { UserError, reason, runCli, userError } from './errors.js';
import { FIND_FACES } from './face/detect/index.js';
import { FACE_SIZE } from './face/geometry.js';
import { closeGpu, initGpu } from './kernels/context.js';
import { IMAGE_SIZES, checkpointImageSize, isImageSize, loadStateEntries } from './model/checkpoint.js';
import { readModelFile } from './model/checkpoint_file.js';
import { OAENet } from './model/oaenet.js';

const FLAGS = {
  model: { type: 'string', help: "checkpoint: best.safetensors of a run, or the original's weights (safetensors or PyTorch .pth)" },
  dataset: { type: 'string', help: `evaluate a dataset: ${DATASET_NAMES.join(', ')}` },
  'data-dir': { type: 'string', help: 'the dataset folder (or list/CSV file)' },
  split: { type: 'string', help: 'which samples: all, or train/val/test as train.js splits them (with the same --folds, --fold and --seed)', default: 'all' },
  folds: { type: 'int', help: 'k-fold of data without an official test split, as given to train.js', default: DEFAULT_FOLDS },
  fold: { type: 'int', help: 'k-fold: the held-out test fold, as given to train.js', default: 0 },
  seed: { type: 'int', help: 'the --seed given to train.js (it deals the folds and the validation set)', default: 0 },
  'label-order': { type: 'string', help: LABEL_ORDER_HELP },
  cache: { type: 'string', help: "a face cache file to reuse or build (e.g. training's); default: faces prepared in memory" },
  image: { type: 'string', help: 'predict every face of one photo (JSON on stdout)' },
  images: { type: 'string', help: 'predict every face of every photo in a folder (not its subfolders): one JSON line per photo on stdout, progress on stderr' },
  landmarks: { type: 'string', help: "with --image: the photo's 68-point landmark file (else every face is detected)" },
  'min-score': { type: 'number', help: 'smallest face detector score taken as a face', default: FIND_FACES.scoreThreshold },
  format: { type: 'string', help: 'with --image/--images: json, or csv (one row per face)', default: 'json' },
  'image-size': { type: 'int', help: "network input side (default: the checkpoint's, else 224)" },
  'batch-size': { type: 'int', help: 'images per batch', default: 16 },
  out: { type: 'string', help: "folder for the confusion-matrix PNG and metrics JSON (dataset mode; default: the model's folder), or the prediction pictures (--image, --images)" },
} satisfies FlagTable;

type EvalFlags = Flags<typeof FLAGS>;

/** Every flag combination and value checked, before any file is read or the GPU opened. */
function checkFlags(f: EvalFlags): { modelPath: string; format: 'json' | 'csv' } {
  if (!f.model) throw new UserError('evaluate.js: --model FILE is required (e.g. runs/ckplus/best.safetensors)');
  const modes = [f.image, f.images, f.dataset].filter((m) => m !== undefined).length;
  if (modes !== 1) throw new UserError('evaluate.js: pass one of --image PHOTO, --images DIR, or --dataset NAME --data-dir DIR');
  if (f.landmarks !== undefined && f.image === undefined) throw new UserError('evaluate.js: --landmarks goes with --image (one photo, one landmark file)');
  if (f.cache !== undefined && f.dataset === undefined) throw new UserError('evaluate.js: --cache goes with --dataset (a face cache holds a dataset\'s faces)');
  const size = f['image-size'];
  if (size !== undefined && !isImageSize(size)) throw new UserError(`evaluate.js: --image-size ${size}: use ${IMAGE_SIZES}`);
  if (!(f['min-score'] > 0 && f['min-score'] < 1)) throw new UserError(`evaluate.js: --min-score ${f['min-score']}: use a detector score between 0 and 1 (default ${FIND_FACES.scoreThreshold})`);
  if (f['batch-size'] < 1) throw new UserError(`evaluate.js: --batch-size ${f['batch-size']}: use 1 or more`);
  if (f.format !== 'json' && f.format !== 'csv') throw new UserError(`evaluate.js: --format ${f.format}: use json or csv`);
  return { modelPath: f.model, format: f.format };
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS, 'evaluate.js');
  const { modelPath, format } = checkFlags(f);
  // Read once: its metadata sizes the model, its entries load into it once the GPU is open.
  const { entries, metadata } = await readModelFile(modelPath).catch((e: unknown) => {
    throw new UserError(reason(e));
  });
  let size: number;
  try {
    size = f['image-size'] ?? checkpointImageSize(metadata) ?? FACE_SIZE;
  } catch (e) {
    throw userError(modelPath, reason(e), 'pass --image-size with the size it was trained at');
  }
  if (f.out !== undefined && f.dataset === undefined) await outFolder(f.out, 'the prediction pictures');
  // Every input is read and checked before the GPU is opened.
  const photo = { out: f.out, minScore: f['min-score'], format };
  const run =
    f.image !== undefined
      ? await imagePrediction({ ...photo, image: f.image, landmarks: f.landmarks })
      : f.images !== undefined
        ? await folderPrediction({ ...photo, dir: f.images })
        : await datasetEvaluation({ dataset: f.dataset!, dataDir: f['data-dir'], read: readOptions(f.dataset!, f['label-order']), split: f.split, splitOptions: { folds: f.folds, fold: f.fold, seed: f.seed }, cache: f.cache, batchSize: f['batch-size'], imageSize: size, modelPath, out: f.out });
  await initGpu();
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: size });
  try {
    loadStateEntries(model, entries, { source: modelPath });
  } catch (e) {
    throw new UserError(reason(e));
  }
  model.eval();
  await run(model);
  model.dispose();
}

runCli(main).finally(closeGpu);
