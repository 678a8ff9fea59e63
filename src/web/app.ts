// Browser entry of web/index.html (web/app.js, built by `npm run build:web`): registers the inlined WGSL,
// checks for WebGPU (with a message for browser users when it is missing), then loads face-api's nets and
// the model and wires the three modes — photo, webcam, train — and dropping files anywhere on the page.

import shaders from 'oaenet:shaders';
import { initGpu } from '../kernels/context.js';
import { setShaderSources } from '../kernels/shader.js';
import { Camera } from './camera.js';
import { byId, describeError, fmtBytes, fmtMs, setStatus } from './dom.js';
import { loadFaceNets, warmUp } from './face_nets.js';
import { droppedFiles, isModelFile } from './files.js';
import { ModelPanel } from './model_panel.js';
import { noWebGpuMessage, webGpuProblem } from './no_webgpu.js';
import { PhotoMode } from './photo_mode.js';
import { TrainMode } from './train/train_mode.js';
import { WebcamMode } from './webcam_mode.js';

setShaderSources(shaders);

const MODES = ['photo', 'webcam', 'train'] as const;
type Mode = (typeof MODES)[number];

/** The detector input the warm-up compiles for: the photo mode's default. */
const WARM_DETECTOR_INPUT = 416;

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function main(): Promise<void> {
  const problem = webGpuProblem();
  let adapter: string;
  try {
    if (problem) throw new Error(problem === 'insecure' ? 'not a secure context' : 'navigator.gpu is undefined');
    const gpu = await initGpu();
    adapter = `${gpu.info.adapterName} (${gpu.info.software ? 'software rasterizer: expect seconds per picture' : 'hardware'})`;
    gpu.device.lost.then((info) => {
      if (info.reason !== 'destroyed') setStatus(byId('app-status'), `The GPU device was lost (${info.message}); reload the page to start again.`, 'error');
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const detail = message.split('\n')[0]!;
    byId('no-webgpu').replaceChildren(noWebGpuMessage(problem ?? 'no-adapter', detail));
    byId('no-webgpu').hidden = false;
    byId('app').hidden = true;
    document.body.dataset.fatal = problem ?? 'no-adapter';
    return;
  }
  byId('adapter').textContent = adapter;

  const netsLine = byId('nets-status');
  const t0 = performance.now();
  const nets = loadFaceNets((n) => setStatus(netsLine, `face detector and landmark nets: ${fmtBytes(n)}…`, 'busy')).then(async (n) => {
    const t1 = performance.now();
    setStatus(netsLine, 'face nets: warm-up pass (compiling the GPU kernels)…', 'busy');
    await warmUp(n, null, WARM_DETECTOR_INPUT);
    setStatus(netsLine, `face nets ready: download ${fmtMs(t1 - t0)} · warm-up ${fmtMs(performance.now() - t1)}`);
    return n;
  });
  nets.catch((e: unknown) => setStatus(netsLine, describeError(e), 'error'));

  const camera = new Camera(byId<HTMLVideoElement>('camera-video'));
  const models = new ModelPanel(nets, WARM_DETECTOR_INPUT);
  const photo = new PhotoMode(nets, models);
  const webcam = new WebcamMode(nets, models, camera);
  const train = new TrainMode(nets, models, camera, async () => (camera.running ? (webcam.stop(), null) : webcam.start()));

  let mode: Mode = 'photo';
  const show = (m: Mode): void => {
    mode = m;
    for (const k of MODES) {
      byId(k).hidden = k !== m;
      byId(`tab-${k}`).classList.toggle('active', k === m);
    }
    webcam.setActive(m === 'webcam');
    if (m === 'train') train.refresh();
    if (location.hash !== `#${m}`) history.replaceState(null, '', `#${m}`);
  };
  for (const k of MODES) byId(`tab-${k}`).addEventListener('click', () => show(k));
  const fromHash = (): Mode => (MODES as readonly string[]).includes(location.hash.slice(1)) ? (location.hash.slice(1) as Mode) : 'photo';
  window.addEventListener('hashchange', () => show(fromHash()));
  show(fromHash());

  // A dropped model loads; dropped photos or folders go to the training set in train mode, else to photo mode.
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    document.body.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (e.relatedTarget === null) document.body.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    document.body.classList.remove('dragging');
    if (!e.dataTransfer) return;
    void droppedFiles(e.dataTransfer.items).then((files) => {
      const model = files.find((f) => isModelFile(f.file));
      if (model) return models.openFile(model.file);
      if (mode === 'train') return train.addFiles(files);
      show('photo');
      return photo.openFiles(files);
    });
  });

  // For tests and the console: the frame the webcam loop analysed last, as B,G,R bytes.
  Object.assign(window, {
    oaenetApp: {
      lastWebcamFrame: () => {
        const f = webcam.last?.frame;
        return f ? { width: f.width, height: f.height, bgr: base64(f.data) } : null;
      },
    },
  });
  document.body.dataset.ready = 'true';
  await models.start();
}

void main();
