// Bundles the browser pages' entries into web/engine.js (the engine demo) and web/predict.js (photo →
// expression), inlining every shaders/*.wgsl as a virtual module 'oaenet:shaders' (esbuild: a
// maintained bundler that handles TypeScript and ESM directly), and copies the two face-api models
// the prediction page detects faces with into web/models/.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shaders = {
  name: 'oaenet-shaders',
  setup(b) {
    b.onResolve({ filter: /^oaenet:shaders$/ }, (a) => ({ path: a.path, namespace: 'oaenet-shaders' }));
    b.onLoad({ filter: /.*/, namespace: 'oaenet-shaders' }, () => {
      const dir = join(root, 'shaders');
      const map = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith('.wgsl')).map((f) => [f.slice(0, -5), readFileSync(join(dir, f), 'utf8')]));
      return { contents: `export default ${JSON.stringify(map)};`, loader: 'js' };
    });
  },
};

await build({
  entryPoints: { engine: join(root, 'src/web/main.ts'), predict: join(root, 'src/web/predict.ts') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  outdir: join(root, 'web'),
  external: ['webgpu', 'sharp', 'node:*'], // imported on use, by Node code paths only
  plugins: [shaders],
  sourcemap: true,
  logLevel: 'warning',
});

const faceApi = join(root, 'node_modules/@vladmandic/face-api/model');
mkdirSync(join(root, 'web/models'), { recursive: true });
for (const f of readdirSync(faceApi).filter((f) => /^(tiny_face_detector|face_landmark_68)_model/.test(f))) {
  copyFileSync(join(faceApi, f), join(root, 'web/models', f));
}
