// Train mode: collect faces (webcam shots, photos, or a folder with one subfolder per class), label them
// with the 7 classes, fine-tune the loaded model on the GPU (the head or the whole network) with live
// loss and accuracy curves and a held-out check, then download the result as safetensors (loadable by
// evaluate.js) or use it in the photo and webcam modes. The model being fine-tuned is a copy: the loaded
// one keeps serving the other modes meanwhile.

import { CLASS_NAMES, NUM_CLASSES } from '../../data/labels.js';
import { userError } from '../../errors.js';
import type { FaceLandmarker } from '../../face/detect/index.js';
import { checkpointBytes } from '../../model/checkpoint.js';
import type { OAENet } from '../../model/oaenet.js';
import { argmaxRows } from '../../training/metrics.js';
import type { Camera } from '../camera.js';
import { byId, describeError, el, fmtMs, pct, setStatus } from '../dom.js';
import { pairPhotos, readLandmarkFile } from '../files.js';
import { bgrToImageData, decodeImage } from '../image_io.js';
import { buildModel } from '../model_file.js';
import type { ModelPanel } from '../model_panel.js';
import { drawCurves } from './curve.js';
import { classOfPath, collectFace, toCrops, type CollectedFace } from './face_set.js';
import { fineTune, heldOutSplit, type EpochRecord, type FineTuneSettings, type StepRecord, type TrainedPart } from './fine_tune.js';

interface Trained {
  model: OAENet;
  name: string;
  meta: Record<string, string>;
}

export class TrainMode {
  private readonly panel = byId('train');
  private readonly status = byId('train-status');
  private readonly faces: CollectedFace[] = [];
  private busy = false;
  private stop = false;
  private shots = 0;
  private trained: Trained | null = null;

  constructor(private readonly nets: Promise<FaceLandmarker>, private readonly models: ModelPanel, private readonly camera: Camera, toggleCamera: () => Promise<string | null>) {
    const pick = (id: string): void =>
      byId<HTMLInputElement>(id).addEventListener('change', (e) => {
        const input = e.target as HTMLInputElement;
        if (input.files?.length) void this.addFiles(Array.from(input.files, (file) => ({ file, path: file.webkitRelativePath || file.name })));
        input.value = '';
      });
    pick('train-files');
    pick('train-folder');
    byId('train-capture-class').append(...CLASS_NAMES.map((c, k) => el('option', { value: String(k), textContent: c })));
    byId('train-camera').addEventListener('click', async () => {
      const error = await toggleCamera();
      if (error) setStatus(this.status, error, 'error');
      this.refresh();
    });
    byId('train-capture').addEventListener('click', () => void this.capture());
    byId('train-run').addEventListener('click', () => void this.run());
    byId('train-stop').addEventListener('click', () => (this.stop = true));
    byId('train-download').addEventListener('click', () => void this.download());
    byId('train-use').addEventListener('click', () => void this.use());
    byId('train-clear').addEventListener('click', () => {
      this.faces.length = 0;
      this.gallery();
    });
    this.refresh();
  }

  /** Photos (with landmark files) picked or dropped; a class folder above a photo labels it. */
  async addFiles(files: { file: File; path: string }[]): Promise<void> {
    if (this.busy) return;
    const { photos, ignored } = pairPhotos(files);
    if (photos.length === 0) return setStatus(this.status, `${ignored[0] ?? 'the selection'}: no photos in it; choose PNG or JPEG photos, or a folder with one subfolder per class`, 'error');
    await this.task('preparing', async () => {
      const missed: string[] = [];
      for (const [i, p] of photos.entries()) {
        setStatus(this.status, `finding and aligning faces: ${i + 1} of ${photos.length} (${p.path})…`, 'busy');
        const [img, own] = await Promise.all([decodeImage(p.image, p.path), p.landmarks ? readLandmarkFile(p.landmarks) : null]);
        const face = await collectFace(await this.nets, img, own, p.path, classOfPath(p.path));
        if (face) this.faces.push(face);
        else missed.push(p.path);
        this.gallery();
      }
      const unlabelled = this.faces.filter((f) => f.label === null).length;
      setStatus(
        this.status,
        `added ${photos.length - missed.length} face${photos.length - missed.length === 1 ? '' : 's'}` +
          (missed.length ? `; no face found in ${missed.slice(0, 3).join(', ')}${missed.length > 3 ? ` and ${missed.length - 3} more` : ''}` : '') +
          (unlabelled ? `; ${unlabelled} need a class (pick it under each face)` : ''),
        missed.length || unlabelled ? 'warn' : 'info',
      );
    });
  }

  private async capture(): Promise<void> {
    if (this.busy || !this.camera.running) return;
    const label = Number(byId<HTMLSelectElement>('train-capture-class').value);
    await this.task('preparing', async () => {
      const face = await collectFace(await this.nets, this.camera.grab(), null, `webcam shot ${++this.shots}`, label);
      if (!face) throw userError('webcam shot', 'no face found in it', 'face the camera, in good light, and capture again');
      this.faces.push(face);
      this.gallery();
      setStatus(this.status, `captured a ${CLASS_NAMES[label]} face (${this.faces.length} in all)`);
    });
  }

  private settings(): FineTuneSettings & { heldOut: number } {
    const num = (id: string): number => Number(byId<HTMLInputElement>(id).value);
    const s = { part: byId<HTMLSelectElement>('train-part').value as TrainedPart, lr: num('train-lr'), epochs: num('train-epochs'), batchSize: num('train-batch'), seed: 0, heldOut: num('train-heldout') / 100 };
    if (!(s.lr > 0 && s.lr <= 1)) throw userError(`learning rate ${s.lr}`, 'is not in (0, 1]', 'use e.g. 0.01');
    if (!(Number.isInteger(s.epochs) && s.epochs >= 1)) throw userError(`epochs ${s.epochs}`, 'is not a whole number ≥ 1', 'use e.g. 5');
    if (!(Number.isInteger(s.batchSize) && s.batchSize >= 2)) throw userError(`batch size ${s.batchSize}`, 'is not a whole number ≥ 2', 'use e.g. 8 (the island loss compares faces within a batch)');
    if (!(s.heldOut >= 0 && s.heldOut < 1)) throw userError(`held-out ${100 * s.heldOut}%`, 'is not from 0 to 99%', 'use e.g. 20%');
    return s;
  }

  private async run(): Promise<void> {
    if (this.busy) return;
    this.clearResults();
    await this.task('training', async () => {
      const s = this.settings();
      const labelled = this.faces.filter((f) => f.label !== null);
      if (labelled.length < 2) throw userError('training set', `has ${labelled.length} labelled face${labelled.length === 1 ? '' : 's'}`, 'add at least two faces and give each a class');
      const crops = toCrops(labelled);
      const split = heldOutSplit(crops.samples.map((x) => x.label), s.heldOut);
      // A copy of the loaded model trains; the loaded one keeps serving photo and webcam meanwhile.
      const base = await this.models.slot.use(async (m) => {
        if (!m) throw userError('model', 'none is loaded', 'load a model first: fine-tuning starts from it');
        return { file: m.file, model: buildModel(m.file) };
      });
      this.trained?.model.dispose();
      this.trained = null;
      const model = base.model;
      const steps: StepRecord[] = [];
      const epochs: EpochRecord[] = [];
      const perEpoch = Math.ceil(split.train.length / s.batchSize);
      const canvas = byId<HTMLCanvasElement>('train-curve');
      const t0 = performance.now();
      this.stop = false;
      setStatus(this.status, `evaluating before training (${split.train.length} training faces, ${split.heldOut.length} held out)…`, 'busy');
      try {
        const outcome = await fineTune(model, crops, split, s, {
          onStep: (r) => {
            steps.push(r);
            const done = steps.length;
            const per = (performance.now() - t0) / done;
            setStatus(this.status, `epoch ${r.epoch}/${s.epochs} · step ${r.step}/${perEpoch} · loss ${r.loss.toFixed(4)} · ${fmtMs(per)} a step · about ${fmtMs(per * (s.epochs * perEpoch - done))} left`, 'busy');
            drawCurves(canvas, steps, epochs, perEpoch);
          },
          onEpoch: (r) => {
            epochs.push(r);
            drawCurves(canvas, steps, epochs, perEpoch);
          },
          stopRequested: () => this.stop,
        });
        const last = epochs.at(-1)!;
        const first = epochs[0]!;
        const meta: Record<string, string> = {
          image_size: String(model.inputSize),
          fine_tuned_from: base.file.info.name,
          fine_tuned_part: s.part,
          epoch: String(last.epoch),
          ...(last.heldOut ? { val_accuracy: String(last.heldOut.accuracy), val_count: String(split.heldOut.length) } : {}),
        };
        this.trained = { model, name: `${base.file.info.name.replace(/\.safetensors$/i, '')}-finetuned.safetensors`, meta };
        this.heldOutTable(labelled, split.heldOut, first, last);
        const held = last.heldOut ? ` · held-out accuracy ${pct(first.heldOut!.accuracy, 0)} → ${pct(last.heldOut.accuracy, 0)} (${split.heldOut.length} faces)` : ' · no faces held out';
        setStatus(this.status, `${outcome === 'stopped' ? 'stopped' : 'done'} after ${steps.length} steps in ${fmtMs(performance.now() - t0)} · training loss ${first.train.loss.toFixed(3)} → ${last.train.loss.toFixed(3)}${held}`);
        this.panel.dataset.result = JSON.stringify({
          outcome,
          part: s.part,
          steps,
          epochs: epochs.map((e) => ({ epoch: e.epoch, train: { loss: e.train.loss, accuracy: e.train.accuracy }, heldOut: e.heldOut && { loss: e.heldOut.loss, accuracy: e.heldOut.accuracy } })),
          heldOut: { sources: split.heldOut.map((i) => labelled[i]!.source), logits: last.heldOut ? Array.from(last.heldOut.logits) : [] },
        });
      } catch (e) {
        model.dispose();
        throw e;
      }
    });
  }

  private async download(): Promise<void> {
    const t = this.trained;
    if (!t) return;
    const bytes = await checkpointBytes(t.model, t.meta);
    const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }));
    el('a', { href: url, download: t.name }).click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private async use(): Promise<void> {
    const t = this.trained;
    if (!t) return;
    await this.models.useBytes(await checkpointBytes(t.model, t.meta), t.name, `fine-tuned in this page from ${t.meta.fine_tuned_from}`);
  }

  /** Runs a job with the train controls disabled; its error becomes the status line. */
  private async task(state: string, job: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.panel.dataset.state = state;
    delete this.panel.dataset.error;
    this.refresh();
    try {
      await job();
      this.panel.dataset.state = 'done';
    } catch (e) {
      const message = describeError(e);
      setStatus(this.status, message, 'error');
      this.panel.dataset.error = message;
      this.panel.dataset.state = 'error';
    } finally {
      this.busy = false;
      this.refresh();
    }
  }

  private clearResults(): void {
    delete this.panel.dataset.result;
    byId('train-heldout-table').replaceChildren();
    const canvas = byId<HTMLCanvasElement>('train-curve');
    canvas.getContext('2d')!.clearRect(0, 0, canvas.width, canvas.height);
  }

  /** Enables what the current state allows (the camera may have been started or stopped in webcam mode). */
  refresh(): void {
    const training = this.busy && this.panel.dataset.state === 'training';
    this.panel.querySelectorAll<HTMLInputElement | HTMLButtonElement | HTMLSelectElement>('.run-control').forEach((c) => (c.disabled = this.busy));
    byId<HTMLButtonElement>('train-stop').disabled = !training;
    byId<HTMLButtonElement>('train-capture').disabled = this.busy || !this.camera.running;
    this.camera.video.hidden = !this.camera.running;
    byId('train-camera').textContent = this.camera.running ? 'Stop camera' : 'Start camera';
    byId<HTMLButtonElement>('train-download').disabled = byId<HTMLButtonElement>('train-use').disabled = this.busy || !this.trained;
    byId('train-count').textContent = `${this.faces.length} face${this.faces.length === 1 ? '' : 's'}, ${this.faces.filter((f) => f.label !== null).length} labelled`;
  }

  private gallery(): void {
    byId('train-gallery').replaceChildren(
      ...this.faces.map((f, i) => {
        const c = el('canvas', { width: f.face.width, height: f.face.height, title: f.source });
        c.getContext('2d')!.putImageData(bgrToImageData(f.face), 0, 0);
        const select = el('select', { className: 'run-control', title: 'class of this face' }, el('option', { value: '', textContent: '— class —' }), ...CLASS_NAMES.map((n, k) => el('option', { value: String(k), textContent: n, selected: f.label === k })));
        select.addEventListener('change', () => {
          f.label = select.value === '' ? null : Number(select.value);
          this.refresh();
        });
        const remove = el('button', { className: 'run-control remove', title: 'remove this face', textContent: '×' });
        remove.addEventListener('click', () => {
          this.faces.splice(i, 1);
          this.gallery();
        });
        return el('div', { className: f.label === null ? 'shot unlabelled' : 'shot' }, c, select, remove);
      }),
    );
    this.refresh();
  }

  private heldOutTable(faces: readonly CollectedFace[], heldOut: readonly number[], before: EpochRecord, after: EpochRecord): void {
    if (!after.heldOut || !before.heldOut) return;
    const [was, now] = [argmaxRows(before.heldOut.logits, NUM_CLASSES), argmaxRows(after.heldOut.logits, NUM_CLASSES)];
    byId('train-heldout-table').replaceChildren(
      el('tr', {}, ...['held-out face', 'class', 'before', 'after'].map((h) => el('th', {}, h))),
      ...heldOut.map((i, k) => {
        const f = faces[i]!;
        const cell = (p: number): HTMLTableCellElement => el('td', { className: p === f.label ? 'right' : 'wrong' }, `${CLASS_NAMES[p]} ${p === f.label ? '✓' : '✗'}`);
        return el('tr', {}, el('td', {}, f.source), el('td', {}, CLASS_NAMES[f.label!]!), cell(was[k]!), cell(now[k]!));
      }),
    );
  }
}
