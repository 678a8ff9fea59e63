// Browser entry of web/predict.html (web/predict.js, built by `npm run build:web`). The user gives:
//   - a trained model (a best.safetensors from train.js, or the original's weights: safetensors or .pth);
//   - a photo;
//   - optionally, its 68-landmark file.
// Without landmarks, the face and its landmarks are found by the face-api nets, whose weights
// build:web copies to web/models/. The prediction is src/model/predict.ts, the same code evaluate.js
// runs in Node. The page shows the aligned crop with its landmarks, the weighted mask and the seven
// probabilities.

import shaders from 'oaenet:shaders';
import { heat } from '../draw/heat.js';
import { parseWeights } from '../pth/weights.js';
import { initGpu } from '../kernels/context.js';
import { setShaderSources } from '../kernels/shader.js';
import { FACE_SIZE } from '../face/geometry.js';
import { FaceLandmarker } from '../face/detect/index.js';
import type { BgrImage } from '../face/image.js';
import { parseLandmarks } from '../face/landmarks.js';
import { checkpointImageSize, loadStateEntries } from '../model/checkpoint.js';
import { OAENet } from '../model/oaenet.js';
import { predictFace, type FacePrediction } from '../model/predict.js';
import { detectLandmarks } from '../data/landmark_source.js';
import { CLASS_NAMES } from '../data/labels.js';

setShaderSources(shaders);

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const fileOf = (id: string): File | undefined => $<HTMLInputElement>(id).files?.[0];

function status(text: string, error = false): void {
  const el = $('status');
  el.textContent = text;
  el.className = error ? 'error' : '';
}

let loaded: { key: string; model: OAENet } | null = null;
let finder: Promise<FaceLandmarker> | null = null;

/** The model in eval mode, at the input size it was trained at (train.js records it in its checkpoints). */
async function modelFrom(file: File): Promise<OAENet> {
  const key = `${file.name}:${file.size}:${file.lastModified}`;
  if (loaded?.key === key) return loaded.model;
  loaded?.model.dispose();
  loaded = null;
  const st = parseWeights(new Uint8Array(await file.arrayBuffer()), file.name);
  const model = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: checkpointImageSize(st.metadata) ?? FACE_SIZE });
  try {
    loadStateEntries(model, st.entries, { source: file.name });
  } catch (e) {
    model.dispose();
    throw e;
  }
  model.eval();
  loaded = { key, model };
  return model;
}

/**
 * The photo as B,G,R bytes, like the Node pipeline's decode: no colour management, EXIF orientation
 * applied, alpha dropped.
 */
async function decodePhoto(file: File): Promise<BgrImage> {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' }).catch(() => {
    throw new Error(`${file.name}: cannot decode the image; pass a PNG or JPEG photo`);
  });
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[3 * i] = rgba[4 * i + 2]!;
    data[3 * i + 1] = rgba[4 * i + 1]!;
    data[3 * i + 2] = rgba[4 * i]!;
  }
  return { data, width, height };
}

/** face-api's weights, served beside the page. */
async function readModelFile(file: string): Promise<Uint8Array> {
  const res = await fetch(new URL(`models/${file}`, location.href));
  if (!res.ok) throw new Error(`models/${file}: HTTP ${res.status}; run npm run build:web, which copies the face-api weights to web/models/`);
  return new Uint8Array(await res.arrayBuffer());
}

async function landmarksFor(img: BgrImage, photo: File): Promise<{ points: Float64Array; source: string }> {
  const file = fileOf('landmarks');
  if (file) return { points: parseLandmarks(await file.text(), file.name), source: file.name };
  status('finding the face and its 68 landmarks…');
  // A failed load is not cached: the next Predict tries again (e.g. after build:web copied the weights).
  finder ??= FaceLandmarker.load(readModelFile).catch((e: unknown) => {
    finder = null;
    throw e;
  });
  const points = await detectLandmarks(await finder, img);
  if (!points) throw new Error(`${photo.name}: no face found; pass a photo with a frontal face, or its landmark file`);
  return { points, source: 'detected' };
}

function drawFace(p: FacePrediction): void {
  const face = $<HTMLCanvasElement>('face').getContext('2d')!;
  const mask = $<HTMLCanvasElement>('mask').getContext('2d')!;
  const [f, m] = [face.createImageData(FACE_SIZE, FACE_SIZE), mask.createImageData(FACE_SIZE, FACE_SIZE)];
  for (let i = 0; i < FACE_SIZE * FACE_SIZE; i++) {
    f.data.set([p.face.data[3 * i + 2]!, p.face.data[3 * i + 1]!, p.face.data[3 * i]!, 255], 4 * i);
    m.data.set([...heat(p.mask[i]!), 255], 4 * i);
  }
  face.putImageData(f, 0, 0);
  mask.putImageData(m, 0, 0);
  face.fillStyle = '#00e060';
  for (let k = 0; k < p.landmarks.length; k += 2) {
    face.beginPath();
    face.arc(p.landmarks[k]! + 0.5, p.landmarks[k + 1]! + 0.5, 1.8, 0, 2 * Math.PI);
    face.fill();
  }
}

function showProbabilities(probs: Float32Array): void {
  const best = probs.indexOf(Math.max(...probs));
  $('probabilities').replaceChildren(
    ...CLASS_NAMES.map((name, k) => {
      const row = document.createElement('tr');
      if (k === best) row.className = 'best';
      const pct = (100 * probs[k]!).toFixed(1);
      row.innerHTML = `<td>${name}</td><td><div class="bar" style="width:${pct}%"></div></td><td>${pct}%</td>`;
      return row;
    }),
  );
}

async function predict(): Promise<void> {
  delete document.body.dataset.result;
  delete document.body.dataset.error;
  try {
    const [modelFile, photo] = [fileOf('model'), fileOf('photo')];
    if (!modelFile || !photo) throw new Error('choose a model (.safetensors) and a photo first');
    status('loading the model…');
    const model = await modelFrom(modelFile);
    const img = await decodePhoto(photo);
    const { points, source } = await landmarksFor(img, photo);
    status('computing the mask and running OAENet…');
    const p = await predictFace(model, img, points);
    drawFace(p);
    showProbabilities(p.probabilities);
    const predicted = CLASS_NAMES[p.probabilities.indexOf(Math.max(...p.probabilities))]!;
    status(`${predicted} · landmarks ${source === 'detected' ? 'detected' : `from ${source}`} · ρ = ${Array.from(p.rho, (v) => v.toFixed(3)).join(', ')} · input ${model.inputSize} px`);
    document.body.dataset.result = JSON.stringify({ predicted, landmarks: source, probabilities: Array.from(p.probabilities) });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    status(message, true);
    document.body.dataset.error = message;
  }
}

async function main(): Promise<void> {
  try {
    const gpu = await initGpu();
    $('adapter').textContent = `${gpu.info.adapterName} (${gpu.info.software ? 'software' : 'hardware'})`;
    $<HTMLButtonElement>('run').disabled = false;
    $('run').addEventListener('click', () => void predict());
    document.body.dataset.ready = 'true';
  } catch (e) {
    status(`WebGPU is not available here (${e instanceof Error ? e.message : String(e)}); use a browser with WebGPU enabled`, true);
    document.body.dataset.error = String(e);
  }
}

void main();
