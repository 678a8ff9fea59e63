// Webcam mode: the live loop. Each turn takes the newest camera frame and runs detection → landmarks →
// mask → OAENet on every face, then draws that frame with its overlay. A turn starts only when the
// previous one has finished, so frames that arrive while the GPU is busy are skipped (and counted), and
// no work ever queues up. Shows analysed frames per second and each stage's time; pause, camera choice
// and the mask overlay are controls. The loop rests while another mode is shown.

import type { FaceLandmarker } from '../face/detect/index.js';
import type { BgrImage } from '../face/image.js';
import { analyse, type Analysis } from './analyse.js';
import type { Camera } from './camera.js';
import { byId, describeError, el, fmtMs, setStatus } from './dom.js';
import { bgrToImageData } from './image_io.js';
import { isNearChance } from './model_file.js';
import type { ModelPanel } from './model_panel.js';
import { drawFaces } from './overlay.js';

const FPS_WINDOW = 10;

const nextPaint = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));

export class WebcamMode {
  private readonly panel = byId('webcam');
  private readonly status = byId('webcam-status');
  private readonly canvas = byId<HTMLCanvasElement>('webcam-canvas');
  private readonly startButton = byId<HTMLButtonElement>('webcam-start');
  private readonly pauseButton = byId<HTMLButtonElement>('webcam-pause');
  private readonly cameraSelect = byId<HTMLSelectElement>('webcam-camera');
  private loopId = 0;
  private paused = false;
  private active = false;
  private frames = 0;
  private skipped = 0;
  private readonly ends: number[] = [];
  /** The last analysed frame and its faces (the tests compare them with Node). */
  last: { frame: BgrImage; analysis: Analysis } | null = null;

  constructor(private readonly nets: Promise<FaceLandmarker>, private readonly models: ModelPanel, private readonly camera: Camera) {
    this.startButton.addEventListener('click', () => void (this.camera.running ? this.stop() : this.start()));
    this.pauseButton.addEventListener('click', () => this.setPaused(!this.paused));
    this.cameraSelect.addEventListener('change', () => void this.start(this.cameraSelect.value));
  }

  /** Whether the webcam tab is shown: the loop analyses only then. */
  setActive(active: boolean): void {
    this.active = active;
  }

  /** Starts the camera and the loop; resolves with the error line when the camera cannot start. */
  async start(deviceId?: string): Promise<string | null> {
    const id = ++this.loopId;
    this.panel.dataset.state = 'starting';
    this.startButton.disabled = this.cameraSelect.disabled = true;
    setStatus(this.status, 'starting the camera…', 'busy');
    try {
      await this.camera.start(deviceId);
      await this.listCameras();
    } catch (e) {
      this.camera.stop();
      this.panel.dataset.state = 'error';
      const message = describeError(e);
      setStatus(this.status, message, 'error');
      return message;
    } finally {
      this.startButton.disabled = this.cameraSelect.disabled = false;
    }
    this.startButton.textContent = 'Stop camera';
    this.pauseButton.disabled = false;
    this.setPaused(false);
    [this.frames, this.skipped, this.ends.length] = [0, 0, 0];
    void this.loop(id);
    return null;
  }

  stop(): void {
    this.loopId++;
    this.camera.stop();
    this.panel.dataset.state = 'off';
    this.startButton.textContent = 'Start camera';
    this.pauseButton.disabled = true;
    setStatus(this.status, 'camera off');
  }

  private setPaused(paused: boolean): void {
    this.paused = paused;
    this.pauseButton.textContent = paused ? 'Resume' : 'Pause';
    if (this.camera.running) this.panel.dataset.state = paused ? 'paused' : 'running';
    if (paused) setStatus(this.status, 'paused: the last analysed frame stays on screen');
  }

  private async listCameras(): Promise<void> {
    const cams = await this.camera.cameras();
    const current = this.camera.deviceId;
    this.cameraSelect.replaceChildren(...cams.map((c, i) => el('option', { value: c.deviceId, textContent: c.label || `camera ${i + 1}`, selected: c.deviceId === current })));
  }

  private async loop(id: number): Promise<void> {
    let delivered = this.camera.framesDelivered;
    while (id === this.loopId) {
      await nextPaint();
      if (id !== this.loopId || this.paused || !this.active || this.camera.video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) continue;
      // Every frame the camera delivered since the last turn but this one went unanalysed.
      const now = this.camera.framesDelivered;
      this.skipped += Math.max(0, now - delivered - 1);
      delivered = now;
      const frame = this.camera.grab();
      try {
        const nets = await this.nets;
        const settings = { inputSize: Number(byId<HTMLSelectElement>('webcam-input-size').value), scoreThreshold: Number(byId<HTMLInputElement>('webcam-threshold').value) };
        const { analysis, nearChance } = await this.models.slot.use(async (m) => ({
          analysis: await analyse(nets, m?.model ?? null, frame, settings),
          nearChance: m !== null && isNearChance(m.file.info),
        }));
        if (id !== this.loopId) return;
        this.show(frame, analysis, nearChance, settings.scoreThreshold);
      } catch (e) {
        if (id !== this.loopId) return;
        this.stop();
        this.panel.dataset.state = 'error';
        setStatus(this.status, describeError(e), 'error');
        return;
      }
    }
  }

  private show(frame: BgrImage, analysis: Analysis, nearChance: boolean, scoreThreshold: number): void {
    this.last = { frame, analysis };
    this.frames++;
    this.ends.push(performance.now());
    if (this.ends.length > FPS_WINDOW) this.ends.shift();
    this.canvas.width = frame.width;
    this.canvas.height = frame.height;
    const ctx = this.canvas.getContext('2d')!;
    ctx.putImageData(bgrToImageData(frame), 0, 0);
    const mask = byId<HTMLInputElement>('webcam-mask').checked;
    drawFaces(ctx, analysis.faces, { mask, landmarks: byId<HTMLInputElement>('webcam-landmarks').checked, nearChance, scoreThreshold });
    const fps = this.ends.length > 1 ? ((this.ends.length - 1) * 1000) / (this.ends.at(-1)! - this.ends[0]!) : 0;
    const t = analysis.times;
    byId('webcam-stats').textContent =
      `${fps.toFixed(1)} fps · detection ${fmtMs(t.detect)} · landmarks ${fmtMs(t.landmarks)} · mask + OAENet ${fmtMs(t.classify)} · ` +
      `${analysis.faces.length} face${analysis.faces.length === 1 ? '' : 's'} · ${this.frames} frames analysed, ${this.skipped} skipped while busy`;
    if (!this.paused) setStatus(this.status, 'running');
    this.panel.dataset.frames = String(this.frames);
    this.panel.dataset.fps = fps.toFixed(2);
    this.panel.dataset.result = JSON.stringify({
      times: t,
      faces: analysis.faces.map((f) => ({ box: f.box, aboveThreshold: f.aboveThreshold, probabilities: f.prediction && Array.from(f.prediction.probabilities) })),
    });
  }
}
