// face-api's detector and 68-landmark nets, served beside the page in models/ (npm run build:web copies
// them there), downloaded with progress and warmed up so the first picture does not pay for compiling.

import { FaceLandmarker } from '../face/detect/index.js';
import type { BgrImage } from '../face/image.js';
import type { OAENet } from '../model/oaenet.js';
import { predictFace } from '../model/predict.js';
import { fetchBytes, type Progress } from './fetch_bytes.js';

export async function loadFaceNets(onProgress: Progress): Promise<FaceLandmarker> {
  const loaded = new Map<string, number>();
  return FaceLandmarker.load(async (file) => {
    const fix = 'run npm run build:web, which copies the face-api weights to web/models/';
    return fetchBytes(new URL(`models/${file}`, location.href).href, fix, (n) => {
      loaded.set(file, n);
      onProgress([...loaded.values()].reduce((a, b) => a + b, 0), null);
    });
  });
}

/** A plain grey picture: it runs every stage once (no face is found, so the landmark net gets a fixed box). */
const GREY: BgrImage = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 3).fill(128) };

/**
 * Runs each stage once on a blank picture, which compiles the GPU pipelines the first real picture would
 * otherwise wait for: detection at `inputSize`, the landmark net, and with `model` the mask and OAENet.
 */
export async function warmUp(nets: FaceLandmarker, model: OAENet | null, inputSize: number): Promise<void> {
  await nets.detectFaces(GREY, { inputSize });
  const [face] = await nets.landmarks(GREY, [{ x: 80, y: 40, width: 160, height: 160, score: 1 }]);
  // The landmarks the net finds on grey give a valid crop; the probabilities are thrown away.
  if (model && face) await predictFace(model, GREY, face.landmarks);
}
