// Generated images for the engine demo and tests: class k is a grating at orientation k·180°/classes
// with random phase, frequency jitter and noise, so the task needs oriented filters to solve.

import { seededRandom } from '../nn/init.js';

export interface SyntheticBatch {
  images: Float32Array; // [n, channels, size, size]
  labels: Int32Array;
}

export function syntheticGratings(n: number, classes: number, size: number, channels: number, seed: number): SyntheticBatch {
  const rand = seededRandom(seed);
  const images = new Float32Array(n * channels * size * size);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = Math.floor(rand() * classes);
    labels[i] = label;
    const theta = (Math.PI * label) / classes;
    const freq = (2 * Math.PI * (0.18 + 0.06 * rand()));
    const phase = 2 * Math.PI * rand();
    const [cx, cy] = [Math.cos(theta), Math.sin(theta)];
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const v = Math.sin(freq * (x * cx + y * cy) + phase) + 0.3 * (2 * rand() - 1);
          images[((i * channels + c) * size + y) * size + x] = v;
        }
      }
    }
  }
  return { images, labels };
}
