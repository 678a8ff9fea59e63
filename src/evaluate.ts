// Evaluation / prediction CLI.
//   node dist/evaluate.js --model FILE --dataset ckplus --data-dir DIR   accuracy, per-class recall, confusion
//   node dist/evaluate.js --model FILE --image PHOTO [--landmarks FILE]  the 7 probabilities as JSON
// Without --landmarks, the face and its 68 landmarks come from the landmark nets, by the data pipeline's rule.

import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { overlayPng } from './draw/overlay.js';
import { closeGpu, initGpu } from './kernels/context.js';
import { FACE_SIZE } from './face/geometry.js';
import { decodeBgr } from './face/image.js';
import { FaceLandmarker } from './face/detect/index.js';
import { readLandmarks } from './face/landmarks.js';
import { detectLandmarks } from './data/landmark_source.js';
import { checkpointImageSize, loadCheckpoint } from './model/checkpoint.js';
import { OAENet } from './model/oaenet.js';
import { predictFace } from './model/predict.js';
import { readSafetensorsFile } from './graph/safetensors.js';
import { ensureCache } from './data/cache.js';
import { parseFlags, type FlagSpec } from './cli/flags.js';
import { DATASET_NAMES, readDataset } from './data/datasets/index.js';
import { UserError, reason, runCli, userError } from './errors.js';
import { CLASS_NAMES } from './data/labels.js';
import { evaluate } from './training/loop.js';
import { confusionPng } from './cli/plots.js';
import { report } from './cli/report.js';
import { splitSamples } from './data/splits.js';

const FLAGS: Record<string, FlagSpec> = {
  model: { type: 'string', help: 'checkpoint (best.safetensors of a run, or weights with the official names)' },
  dataset: { type: 'string', help: `evaluate a dataset: ${DATASET_NAMES.join(', ')}` },
  'data-dir': { type: 'string', help: 'the dataset folder (or list/CSV file)' },
  split: { type: 'string', help: 'which samples: all, or the official train/val/test split', default: 'all' },
  image: { type: 'string', help: 'predict one photo' },
  landmarks: { type: 'string', help: "the photo's 68-point landmark file (else detected)" },
  'image-size': { type: 'int', help: "network input side (default: the checkpoint's, else 224)" },
  'batch-size': { type: 'int', help: 'images per batch', default: 16 },
  out: { type: 'string', help: 'folder for the confusion-matrix PNG and metrics JSON (dataset mode), or the prediction picture (--image)' },
};

async function predictImage(model: OAENet, image: string, landmarkFile: string | undefined, out: string | undefined): Promise<void> {
  const img = await decodeBgr(image).catch((e: unknown) => {
    throw userError(image, `cannot decode the image (${reason(e)})`, 'pass a PNG or JPEG photo');
  });
  let points: Float64Array;
  let source: string;
  if (landmarkFile) {
    points = await readLandmarks(landmarkFile).catch((e: unknown) => {
      throw new UserError(reason(e));
    });
    source = landmarkFile;
  } else {
    // The same rule as the data pipeline (src/data/landmark_source.ts), so predictions see faces as training did.
    const finder = await FaceLandmarker.load();
    const found = await detectLandmarks(finder, img).finally(() => finder.dispose());
    if (!found) throw userError(image, 'no face found', 'pass a photo with a frontal face, or its landmark file with --landmarks');
    points = found;
    source = 'detected';
  }
  const pred = await predictFace(model, img, points);
  const p = pred.probabilities;
  const best = p.indexOf(Math.max(...p));
  const probabilities = Object.fromEntries(CLASS_NAMES.map((c, k) => [c, Number(p[k]!.toFixed(6))]));
  let picture: string | undefined;
  if (out !== undefined) {
    await mkdir(out, { recursive: true });
    picture = join(out, `${basename(image, extname(image))}_prediction.png`);
    await overlayPng(picture, {
      ...pred,
      face: pred.face.data,
      title: `${CLASS_NAMES[best]} (${(100 * p[best]!).toFixed(1)}%) | ${image}`,
      detail: `landmarks ${source === 'detected' ? 'detected by the landmark nets' : `from ${source}`} | ρ = ${Array.from(pred.rho, (v) => v.toFixed(3)).join(', ')} | model input ${model.inputSize} px`,
      probabilities: { names: CLASS_NAMES, values: p },
    });
  }
  console.log(JSON.stringify({ image, landmarks: source, predicted: CLASS_NAMES[best], probabilities, ...(picture ? { picture } : {}) }, null, 2));
}

async function evaluateDataset(model: OAENet, size: number, f: Record<string, unknown>, modelPath: string): Promise<void> {
  const dataset = f.dataset as string;
  const dataDir = f['data-dir'] as string | undefined;
  if (dataDir === undefined && dataset !== 'synthetic') throw new UserError(`--data-dir is required with --dataset ${dataset}`);
  const ds = await readDataset(dataset, dataDir ?? '');
  const out = resolve((f.out as string | undefined) ?? dirname(modelPath));
  await mkdir(out, { recursive: true });
  const { cache } = await ensureCache(join(out, `cache-${dataset}.safetensors`), ds);
  const which = f.split as string;
  let indices = cache.samples.map((_, i) => i);
  if (which !== 'all') {
    if (!['train', 'val', 'test'].includes(which)) throw new UserError(`--split ${which}: use all, train, val or test`);
    indices = splitSamples(cache.samples, {}, ds.path)[which as 'train' | 'val' | 'test'];
  }
  if (!indices.length) throw userError(ds.path, `the ${which} split is empty`, 'choose another --split');
  const m = await evaluate(model, cache, indices, { batchSize: f['batch-size'] as number, imageSize: size });
  console.log(`${dataset} (${which}, ${indices.length} faces), model ${modelPath}:\n${report(m)}`);
  await writeFile(join(out, `eval_${dataset}_${which}.json`), JSON.stringify({ accuracy: m.accuracy, recall: m.recall, confusion: m.confusion, classes: CLASS_NAMES }, null, 2));
  await confusionPng(join(out, `confusion_${dataset}_${which}.png`), m.confusion, CLASS_NAMES, `${dataset} ${which}, ${indices.length} faces`);
  console.log(`wrote ${join(out, `confusion_${dataset}_${which}.png`)}`);
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS, 'evaluate.js');
  const modelPath = f.model as string | undefined;
  if (!modelPath) throw new UserError('evaluate.js: --model FILE is required (e.g. runs/ckplus/best.safetensors)');
  if (!f.image === !f.dataset) throw new UserError('evaluate.js: pass either --image PHOTO or --dataset NAME --data-dir DIR');
  const { metadata } = await readSafetensorsFile(modelPath).catch((e: unknown) => {
    throw new UserError(reason(e));
  });
  const size = (f['image-size'] as number | undefined) ?? checkpointImageSize(metadata) ?? FACE_SIZE;
  await initGpu();
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: size });
  await loadCheckpoint(model, modelPath).catch((e: unknown) => {
    throw new UserError(reason(e));
  });
  model.eval();
  if (f.image) await predictImage(model, f.image as string, f.landmarks as string | undefined, f.out as string | undefined);
  else await evaluateDataset(model, size, f, modelPath);
  model.dispose();
}

runCli(main).finally(closeGpu);

