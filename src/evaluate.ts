// Evaluation / prediction CLI.
//   node dist/evaluate.js --model FILE --dataset ckplus --data-dir DIR   accuracy, per-class recall, confusion
//   node dist/evaluate.js --model FILE --image PHOTO [--landmarks FILE]  the 7 probabilities as JSON
// Without --landmarks, the face and its 68 landmarks come from the landmark nets, by the data pipeline's rule.

import { evaluateDataset } from './cli/evaluate/dataset_eval.js';
import { predictImage } from './cli/evaluate/predict_image.js';
import { parseFlags, type FlagTable } from './cli/flags.js';
import { DATASET_NAMES, readOptions } from './data/datasets/index.js';
import { CLASS_NAMES, LABEL_ORDER_HELP } from './data/labels.js';
import { DEFAULT_FOLDS } from './data/splits.js';
import { UserError, reason, runCli } from './errors.js';
import { FACE_SIZE } from './face/geometry.js';
import { readSafetensorsFile } from './safetensors/file.js';
import { closeGpu, initGpu } from './kernels/context.js';
import { checkpointImageSize } from './model/checkpoint.js';
import { loadCheckpoint } from './model/checkpoint_file.js';
import { OAENet } from './model/oaenet.js';

const FLAGS = {
  model: { type: 'string', help: 'checkpoint (best.safetensors of a run, or weights with the official names)' },
  dataset: { type: 'string', help: `evaluate a dataset: ${DATASET_NAMES.join(', ')}` },
  'data-dir': { type: 'string', help: 'the dataset folder (or list/CSV file)' },
  split: { type: 'string', help: 'which samples: all, or train/val/test as train.js splits them (with the same --folds, --fold and --seed)', default: 'all' },
  folds: { type: 'int', help: 'k-fold of data without an official test split, as given to train.js', default: DEFAULT_FOLDS },
  fold: { type: 'int', help: 'k-fold: the held-out test fold, as given to train.js', default: 0 },
  seed: { type: 'int', help: 'the --seed given to train.js (it deals the folds and the validation set)', default: 0 },
  'label-order': { type: 'string', help: LABEL_ORDER_HELP },
  image: { type: 'string', help: 'predict one photo' },
  landmarks: { type: 'string', help: "the photo's 68-point landmark file (else detected)" },
  'image-size': { type: 'int', help: "network input side (default: the checkpoint's, else 224)" },
  'batch-size': { type: 'int', help: 'images per batch', default: 16 },
  out: { type: 'string', help: 'folder for the confusion-matrix PNG and metrics JSON (dataset mode), or the prediction picture (--image)' },
} satisfies FlagTable;

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS, 'evaluate.js');
  const modelPath = f.model;
  if (!modelPath) throw new UserError('evaluate.js: --model FILE is required (e.g. runs/ckplus/best.safetensors)');
  const { image, dataset } = f;
  if (!image === !dataset) throw new UserError('evaluate.js: pass either --image PHOTO or --dataset NAME --data-dir DIR');
  const { metadata } = await readSafetensorsFile(modelPath).catch((e: unknown) => {
    throw new UserError(reason(e));
  });
  const size = f['image-size'] ?? checkpointImageSize(metadata) ?? FACE_SIZE;
  await initGpu();
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: size });
  await loadCheckpoint(model, modelPath).catch((e: unknown) => {
    throw new UserError(reason(e));
  });
  model.eval();
  if (image) await predictImage(model, { image, landmarks: f.landmarks, out: f.out });
  else if (dataset) await evaluateDataset(model, { dataset, dataDir: f['data-dir'], read: readOptions(dataset, f['label-order']), split: f.split, splitOptions: { folds: f.folds, fold: f.fold, seed: f.seed }, batchSize: f['batch-size'], imageSize: size, modelPath, out: f.out });
  model.dispose();
}

runCli(main).finally(closeGpu);
