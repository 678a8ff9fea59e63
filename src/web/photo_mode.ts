// Photo mode: a sample photo, a picked or dropped one (with its landmark file, if given) → every face
// boxed with its detection score on the photo, then for each face at or above the threshold its
// landmarks, mask overlay and a card with its 7 probability bars. While a photo runs, the photo controls
// are disabled; a new run or an error clears the old results.

import { userError } from '../errors.js';
import type { FaceLandmarker } from '../face/detect/index.js';
import type { BgrImage } from '../face/image.js';
import { analyse, type Analysis, type AnalyseSettings } from './analyse.js';
import { byId, describeError, el, fmtMs, setStatus } from './dom.js';
import { pairPhotos, readLandmarkFile, type PhotoFile } from './files.js';
import { bgrToImageData, decodeImage } from './image_io.js';
import { isNearChance } from './model_file.js';
import type { ModelPanel } from './model_panel.js';
import { drawFaces, faceCard, type DrawOptions } from './overlay.js';

/** face-api's demo photos, copied to samples/ by build:web. */
export const SAMPLES = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg'];

interface Shown {
  img: BgrImage;
  analysis: Analysis;
  nearChance: boolean;
}

export class PhotoMode {
  private readonly panel = byId('photo');
  private readonly status = byId('photo-status');
  private readonly canvas = byId<HTMLCanvasElement>('photo-canvas');
  private readonly threshold = byId<HTMLInputElement>('photo-threshold');
  private readonly inputSize = byId<HTMLSelectElement>('photo-input-size');
  private readonly maskToggle = byId<HTMLInputElement>('photo-mask');
  private readonly marksToggle = byId<HTMLInputElement>('photo-landmarks');
  private busy = false;
  private shown: Shown | null = null;
  private last: (() => Promise<{ img: BgrImage; own?: Float64Array; name: string }>) | null = null;

  constructor(private readonly nets: Promise<FaceLandmarker>, private readonly models: ModelPanel) {
    byId('photo-samples').append(
      ...SAMPLES.map((s) => {
        const b = el('button', { className: 'sample run-control', title: `face-api demo photo ${s}` }, el('img', { src: `samples/${s}`, alt: s }));
        b.addEventListener('click', () => void this.openSample(s));
        return b;
      }),
    );
    byId<HTMLInputElement>('photo-file').addEventListener('change', (e) => {
      const input = e.target as HTMLInputElement;
      if (input.files?.length) void this.openFiles(Array.from(input.files, (file) => ({ file, path: file.name })));
      input.value = '';
    });
    const again = (): void => void (this.last && !this.busy && this.run(this.last));
    this.threshold.addEventListener('change', again);
    this.inputSize.addEventListener('change', again);
    this.threshold.addEventListener('input', () => (byId('photo-threshold-value').textContent = Number(this.threshold.value).toFixed(2)));
    for (const t of [this.maskToggle, this.marksToggle]) t.addEventListener('change', () => this.draw());
  }

  openSample(name: string): Promise<void> {
    return this.run(async () => {
      const res = await fetch(`samples/${name}`);
      if (!res.ok) throw userError(`samples/${name}`, `cannot download it (HTTP ${res.status})`, 'run npm run build:web, which copies the sample photos');
      return { img: await decodeImage(await res.blob(), name), name };
    });
  }

  /** The first photo of the files (with its landmark file when one is among them). */
  openFiles(files: { file: File; path: string }[]): Promise<void> {
    return this.run(async () => {
      const { photos, ignored } = pairPhotos(files);
      const photo: PhotoFile | undefined = photos[0];
      if (!photo) throw userError(ignored[0] ?? 'the selection', 'is not a photo', 'choose a PNG or JPEG (and optionally its _landmarks.txt)');
      const [img, own] = await Promise.all([decodeImage(photo.image, photo.path), photo.landmarks ? readLandmarkFile(photo.landmarks) : undefined]);
      const name = photos.length > 1 ? `${photo.path} (the first of ${photos.length} photos)` : photo.path;
      return { img, name, ...(own ? { own } : {}) };
    });
  }

  private settings(): AnalyseSettings {
    return { inputSize: Number(this.inputSize.value), scoreThreshold: Number(this.threshold.value) };
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    if (busy) this.panel.dataset.state = 'busy';
    this.panel.querySelectorAll<HTMLInputElement | HTMLButtonElement | HTMLSelectElement>('.run-control').forEach((c) => (c.disabled = busy));
  }

  private clear(): void {
    this.shown = null;
    this.canvas.hidden = true;
    byId('photo-cards').replaceChildren();
    byId('photo-times').textContent = '';
    delete this.panel.dataset.result;
    delete this.panel.dataset.error;
  }

  private async run(input: () => Promise<{ img: BgrImage; own?: Float64Array; name: string }>): Promise<void> {
    if (this.busy) return;
    this.last = input;
    this.clear();
    this.setBusy(true);
    try {
      setStatus(this.status, 'decoding the photo…', 'busy');
      const t0 = performance.now();
      const { img, own, name } = await input();
      const decode = performance.now() - t0;
      setStatus(this.status, own ? 'landmarks from the file; computing the mask and running OAENet…' : 'finding faces, their landmarks and expressions…', 'busy');
      const nets = await this.nets;
      const s = this.settings();
      const { analysis, model } = await this.models.slot.use(async (m) => ({ analysis: await analyse(nets, m?.model ?? null, img, s, own), model: m?.file.info ?? null }));
      this.shown = { img, analysis, nearChance: model !== null && isNearChance(model) };
      this.draw();
      const t = analysis.times;
      const n = analysis.faces.length;
      const classified = analysis.faces.filter((f) => f.prediction).length;
      byId('photo-times').textContent =
        `decode ${fmtMs(decode)} · detection ${fmtMs(t.detect)} · landmarks ${fmtMs(t.landmarks)} · mask + OAENet ${fmtMs(t.classify)}` +
        `${classified > 1 ? ` (${classified} faces)` : ''} · total ${fmtMs(decode + t.total)}`;
      const what = n === 0 ? 'no face found: try a larger detector input, or a photo with a frontal face' : `${n} face${n === 1 ? '' : 's'}${model ? `, ${classified} classified by ${model.name}` : ' (no model loaded: no expressions)'}`;
      setStatus(this.status, `${name}: ${what}${own ? ' · landmarks from the file' : ''}`, n === 0 ? 'warn' : 'info');
      this.panel.dataset.result = JSON.stringify({
        name,
        model: model?.name ?? null,
        width: img.width,
        height: img.height,
        times: { decode, ...t },
        faces: analysis.faces.map((f) => ({
          box: f.box,
          aboveThreshold: f.aboveThreshold,
          landmarks: f.landmarks && Array.from(f.landmarks),
          probabilities: f.prediction && Array.from(f.prediction.probabilities),
        })),
      });
      this.panel.dataset.state = 'done';
    } catch (e) {
      this.clear();
      const message = describeError(e);
      setStatus(this.status, message, 'error');
      this.panel.dataset.error = message;
      this.panel.dataset.state = 'error';
    } finally {
      this.setBusy(false);
    }
  }

  /** Draws the shown analysis with the current toggles (again after a toggle, without re-running). */
  private draw(): void {
    const shown = this.shown;
    if (!shown) return;
    const o: DrawOptions = { mask: this.maskToggle.checked, landmarks: this.marksToggle.checked, nearChance: shown.nearChance, scoreThreshold: this.settings().scoreThreshold };
    this.canvas.width = shown.img.width;
    this.canvas.height = shown.img.height;
    const ctx = this.canvas.getContext('2d')!;
    ctx.putImageData(bgrToImageData(shown.img), 0, 0);
    drawFaces(ctx, shown.analysis.faces, o);
    this.canvas.hidden = false;
    byId('photo-cards').replaceChildren(...shown.analysis.faces.flatMap((f, i) => (f.aboveThreshold ? [faceCard(i, f, o)] : [])));
  }
}
