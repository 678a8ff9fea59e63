// The camera (getUserMedia) behind one <video> element: start (optionally a chosen device), stop, the
// list of cameras, and the current frame as B,G,R bytes. Its failures are one line saying what to do.

import { userError } from '../errors.js';
import type { BgrImage } from '../face/image.js';
import { grabBgr } from './image_io.js';

export class Camera {
  readonly video: HTMLVideoElement;
  private stream: MediaStream | null = null;

  constructor(video: HTMLVideoElement) {
    this.video = video;
    video.muted = true;
    video.playsInline = true;
  }

  get running(): boolean {
    return this.stream !== null;
  }

  /** The device in use ('' when stopped). */
  get deviceId(): string {
    return this.stream?.getVideoTracks()[0]?.getSettings().deviceId ?? '';
  }

  async start(deviceId?: string): Promise<void> {
    this.stop();
    if (!navigator.mediaDevices?.getUserMedia) throw userError('camera', 'is not available to this page', 'open the app from http://127.0.0.1 or https (browsers give cameras to secure pages only)');
    const video: MediaTrackConstraints = deviceId ? { deviceId: { exact: deviceId } } : { width: { ideal: 640 }, height: { ideal: 480 }, facingMode: 'user' };
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video, audio: false });
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'NotAllowedError') throw userError('camera', 'permission was denied', 'allow the camera for this page (the camera icon in the address bar), then press Start camera again');
      if (name === 'NotFoundError' || name === 'OverconstrainedError') throw userError('camera', 'none was found', 'connect a camera, or choose another one in the list');
      if (name === 'NotReadableError') throw userError('camera', 'it is in use by another application', 'close the other application, then press Start camera again');
      throw userError('camera', `cannot be started (${(e as Error).message})`, 'check the browser\'s camera settings');
    }
    this.video.srcObject = this.stream;
    await this.video.play();
    if (this.video.videoWidth === 0) await new Promise((r) => this.video.addEventListener('loadeddata', r, { once: true }));
  }

  stop(): void {
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    this.video.srcObject = null;
  }

  async cameras(): Promise<MediaDeviceInfo[]> {
    return (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
  }

  /** Frames the camera has delivered so far. */
  get framesDelivered(): number {
    return this.video.getVideoPlaybackQuality().totalVideoFrames;
  }

  grab(): BgrImage {
    return grabBgr(this.video, this.video.videoWidth, this.video.videoHeight);
  }
}
