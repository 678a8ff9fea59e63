// The model the app runs, and the panel that shows it. Where it comes from, first match wins:
// ?model=URL, the choice remembered from the last visit (IndexedDB), the model shipped with the app
// (models/oaenet-ckplus.safetensors, copied there by build:web when the project has one), else none,
// said plainly. A file can be opened or dropped at any time. Each load shows download progress, then
// uploads the weights and runs a warm-up pass that compiles the GPU pipelines, each step timed. A load
// that fails keeps the previous model.

import type { FaceLandmarker } from '../face/detect/index.js';
import { describeError, fmtBytes, fmtMs, pct, setStatus, byId } from './dom.js';
import { fetchBytes, fetchIfPresent, type Progress } from './fetch_bytes.js';
import { warmUp } from './face_nets.js';
import { buildModel, chanceWarning, readModelFile, type ModelFile } from './model_file.js';
import { ModelSlot } from './model_slot.js';
import { forgetModel, recallModel, rememberModel } from './model_store.js';
import type { OAENet } from '../model/oaenet.js';

export const SHIPPED_MODEL = 'models/oaenet-ckplus.safetensors';

export interface LoadedModel {
  file: ModelFile;
  model: OAENet;
  dispose(): void;
}

interface Source {
  bytes: Uint8Array;
  name: string;
  origin: string;
}

const nameOf = (url: string): string => decodeURIComponent(new URL(url, location.href).pathname.split('/').pop() || url);

export class ModelPanel {
  readonly slot = new ModelSlot<LoadedModel>();
  private generation = 0;
  private readonly listeners: (() => void)[] = [];
  private readonly panel = byId('model-panel');
  private readonly status = byId('model-status');
  private readonly progress = byId<HTMLProgressElement>('model-progress');

  /** `warmSize`: the detector input the warm-up compiles for. */
  constructor(private readonly nets: Promise<FaceLandmarker>, private readonly warmSize: number) {
    byId<HTMLInputElement>('model-file').addEventListener('change', (e) => {
      const input = e.target as HTMLInputElement;
      const file = input.files?.[0];
      if (file) void this.openFile(file);
      input.value = '';
    });
    byId('model-forget').addEventListener('click', () => void this.forget());
  }

  /** Called after every change of the current model. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  /** The first model: ?model=URL, the remembered one, the shipped one, or none. */
  async start(): Promise<void> {
    const url = new URLSearchParams(location.search).get('model');
    if (url) return this.load(async (p) => ({ bytes: await fetchBytes(new URL(url, location.href).href, 'check the address in ?model=, or open the file instead', p), name: nameOf(url), origin: url }), true);
    const stored = await recallModel().catch(() => null);
    if (stored) return this.load(async () => ({ ...stored, origin: `remembered from your last visit (${stored.origin})` }), false);
    return this.loadShipped();
  }

  openFile(file: File): Promise<void> {
    return this.load(async () => ({ bytes: new Uint8Array(await file.arrayBuffer()), name: file.name, origin: 'opened from disk' }), true);
  }

  /** A model made in this page (fine-tuning) becomes current and is remembered. */
  useBytes(bytes: Uint8Array, name: string, origin: string): Promise<void> {
    return this.load(async () => ({ bytes, name, origin }), true);
  }

  private loadShipped(): Promise<void> {
    const fix = 'serve the app with npm run serve, or open a model file';
    return this.load(async (p) => {
      const bytes = await fetchIfPresent(new URL(SHIPPED_MODEL, location.href).href, fix, p);
      return bytes && { bytes, name: nameOf(SHIPPED_MODEL), origin: 'shipped with the app' };
    }, false);
  }

  private async forget(): Promise<void> {
    await forgetModel().catch(() => undefined);
    await this.loadShipped();
  }

  private async load(source: (p: Progress) => Promise<Source | null>, remember: boolean): Promise<void> {
    const gen = ++this.generation;
    const current = (): boolean => gen === this.generation;
    this.panel.dataset.state = 'loading';
    this.progress.hidden = false;
    this.progress.removeAttribute('value');
    setStatus(this.status, 'looking for a model…', 'busy');
    let model: OAENet | null = null;
    try {
      const t0 = performance.now();
      const src = await source((loaded, total) => {
        if (!current()) return;
        if (total) this.progress.value = loaded / total;
        setStatus(this.status, `downloading the model: ${fmtBytes(loaded)}${total ? ` of ${fmtBytes(total)}` : ''}`, 'busy');
      });
      if (!current()) return;
      if (!src) return this.show(null, 'No model loaded: this build ships none (models/oaenet-ckplus.safetensors).');
      const t1 = performance.now();
      const what = `${src.name} (${src.origin})`;
      setStatus(this.status, `${what}: reading ${fmtBytes(src.bytes.length)} of weights…`, 'busy');
      await new Promise((r) => setTimeout(r)); // let the status paint before the synchronous parse
      const file = readModelFile(src.bytes, src.name, src.origin);
      model = buildModel(file);
      const t2 = performance.now();
      setStatus(this.status, `${what}: warm-up pass (compiling the GPU kernels, once per visit)…`, 'busy');
      await warmUp(await this.nets, model, this.warmSize);
      const t3 = performance.now();
      if (!current()) return model.dispose();
      const m = model;
      this.slot.set({ file, model: m, dispose: () => m.dispose() });
      model = null;
      if (remember) await rememberModel({ name: src.name, origin: src.origin, bytes: src.bytes }).catch(() => undefined);
      this.show(`loaded: file ${fmtMs(t1 - t0)} · weights ${fmtMs(t2 - t1)} · warm-up ${fmtMs(t3 - t2)}`);
    } catch (e) {
      model?.dispose();
      if (!current()) return;
      const kept = this.slot.value;
      this.show(null, `${describeError(e)}${kept ? ` (still using ${kept.file.info.name})` : ''}`, true);
    }
  }

  /** Shows the current model (or none), with `note` as the status line. */
  private show(timing: string | null, note?: string, error = false): void {
    this.progress.hidden = true;
    const m = this.slot.value;
    const info = m?.file.info;
    this.panel.dataset.state = error ? 'error' : info ? 'ready' : 'none';
    byId('model-name').textContent = info ? info.name : 'No model loaded';
    byId('model-meta').textContent = info
      ? `${info.origin} · input ${info.inputSize} px · ${info.valAccuracy === null ? 'no validation accuracy recorded' : `validation accuracy ${pct(info.valAccuracy)}${info.valCount ? ` (${info.valCount} faces)` : ''}`}`
      : 'Faces are still found and marked; expressions need a model. Open a .safetensors (best.safetensors of a train.js run), drop one on the page, or add ?model=URL to the address.';
    const warning = info ? chanceWarning(info) : null;
    byId('model-warning').textContent = warning ?? '';
    byId('model-warning').hidden = warning === null;
    if (info) {
      this.panel.dataset.name = info.name;
      this.panel.dataset.inputSize = String(info.inputSize);
    } else {
      delete this.panel.dataset.name;
      delete this.panel.dataset.inputSize;
    }
    setStatus(this.status, note ?? timing ?? '', error ? 'error' : 'info');
    for (const fn of this.listeners) fn();
  }
}
