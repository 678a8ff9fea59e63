// Dev-only: runs @vladmandic/face-api's own TF.js build (dist/face-api.esm.js, which bundles tfjs 4.22 with its
// pure-JS "cpu" backend: no native addon, no downloads) on the package's demo photos and writes
// test/fixtures/face_reference.json, the parity target of test/landmarks.test.ts.
//
//   node scripts/face-reference.mjs            (writes the fixture)
//
// Pipeline = the package's detectAllFaces(tensor, TinyFaceDetectorOptions()).withFaceLandmarks() (defaults:
// input 416, score > 0.5, IoU 0.4). The photos are decoded with sharp to RGB bytes (no EXIF rotation; the demo
// photos have none) and passed as an int32 tf.tensor3d, as the package's node demo does with tf.node.decodeImage.
// Landmarks are recorded as the package's `unshiftedLandmarks` (face-crop coordinates) plus the crop's origin
// (src/dom/extractFaceTensors.ts: the box clipped at the image borders and floored). The package's own
// `landmarks` add the unfloored, unclipped box origin instead (src/factories/WithFaceLandmarks.ts), up to 1 px
// off (more for a box that leaves the image); the fixture keeps the crop that the landmark net actually saw.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkgDir = dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json'));
const IMAGES = [1, 2, 3, 4, 5, 6].map((i) => join(pkgDir, 'demo', `sample${i}.jpg`));

// The ESM bundle's tfjs sets up its node platform from a stubbed-out `util` module and throws at import
// (TextEncoder missing); hiding process.versions.node during the import skips that, and the platform is set below.
const versions = process.versions;
Object.defineProperty(process, 'versions', { value: { ...versions, node: undefined }, configurable: true, writable: true });
const faceapi = await import(join(pkgDir, 'dist', 'face-api.esm.js'));
Object.defineProperty(process, 'versions', { value: versions, configurable: true, writable: true });
const { tf } = faceapi;
tf.setPlatform('node-shim', {
  fetch: globalThis.fetch,
  now: () => performance.now(),
  encode: (s) => new TextEncoder().encode(s),
  decode: (b, enc) => new TextDecoder(enc).decode(b),
  isTypedArray: (a) => ArrayBuffer.isView(a) && !(a instanceof DataView),
});
await tf.setBackend('cpu');
await tf.ready();
faceapi.env.initialize(); // node environment again (the import saw none)
// The package's own manifest loader (NeuralNetwork.loadFromDisk) with a file reader that returns a Buffer
// owning its ArrayBuffer exactly (the loader takes buf.buffer).
faceapi.env.monkeyPatch({
  readFile: async (p) => {
    const b = readFileSync(p);
    return Buffer.from(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  },
});
await faceapi.nets.tinyFaceDetector.loadFromDisk(join(pkgDir, 'model'));
await faceapi.nets.faceLandmark68Net.loadFromDisk(join(pkgDir, 'model'));

const r3 = (v) => Math.round(v * 1000) / 1000;
const images = [];
for (const file of IMAGES) {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const input = tf.tensor3d(Int32Array.from(data), [info.height, info.width, 3], 'int32');
  const t0 = performance.now();
  const results = await faceapi.detectAllFaces(input, new faceapi.TinyFaceDetectorOptions()).withFaceLandmarks();
  const ms = performance.now() - t0;
  input.dispose();
  const faces = results.map((r) => {
    const { x, y, width, height } = r.detection.box;
    const crop = r.detection.box.clipAtImageBorders(info.width, info.height);
    return {
      score: Math.round(r.detection.score * 1e6) / 1e6,
      box: [x, y, width, height].map(r3),
      crop: [crop.x, crop.y, crop.width, crop.height],
      landmarks: r.unshiftedLandmarks.positions.flatMap((p) => [r3(p.x + crop.x), r3(p.y + crop.y)]),
    };
  });
  const name = relative(pkgDir, file);
  console.log(`${name}: ${info.width}×${info.height}, ${faces.length} faces, ${ms.toFixed(0)} ms (tfjs cpu)`);
  images.push({ image: name, width: info.width, height: info.height, faces });
}

const out = join(root, 'test', 'fixtures', 'face_reference.json');
mkdirSync(dirname(out), { recursive: true });
const fixture = {
  source: `@vladmandic/face-api ${faceapi.version} (tfjs ${tf.version_core}, backend ${tf.getBackend()}), scripts/face-reference.mjs`,
  options: { inputSize: 416, scoreThreshold: 0.5, iouThreshold: 0.4 },
  note: 'image paths are relative to the package folder; box = [x, y, w, h] in pixels; crop = the clipped, floored box the landmark net saw; landmarks = 68 (x, y) pairs in image pixels',
  images,
};
writeFileSync(out, JSON.stringify(fixture) + '\n');
console.log(`wrote ${relative(root, out)}`);
