// Bundles the browser pages' entries into web/app.js (the app: photo, webcam, training) and
// web/engine.js (the engine demo), inlining every shaders/*.wgsl as a virtual module 'oaenet:shaders'
// (esbuild: a maintained bundler that handles TypeScript and ESM directly). Copies what the app loads
// beside it: the two face-api models it detects faces with (web/models/), face-api's demo photos as
// samples (web/samples/), and the shipped OAENet model models/oaenet-ckplus.safetensors when the
// project has one (the app loads it by default).
import { build } from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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

const { metafile } = await build({
  entryPoints: { app: join(root, 'src/web/app.ts'), engine: join(root, 'src/web/engine_demo.ts') },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  outdir: join(root, 'web'),
  external: ['webgpu', 'sharp', 'node:*'], // imported on use, by Node code paths only
  plugins: [shaders],
  sourcemap: true,
  logLevel: 'warning',
  metafile: true,
});
// A static import of a Node module would stop the page from loading at all: fail the build instead.
for (const [out, { imports }] of Object.entries(metafile.outputs)) {
  const node = imports.filter((i) => i.kind === 'import-statement' && (i.path.startsWith('node:') || i.path === 'webgpu' || i.path === 'sharp'));
  if (node.length > 0) throw new Error(`${out} imports ${node.map((i) => i.path).join(', ')} statically: browser entries must reach Node modules only through import() on Node code paths`);
}

const copyMatching = (from, to, pattern) => {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from).filter((f) => pattern.test(f))) copyFileSync(join(from, f), join(to, f));
};
const faceApi = join(root, 'node_modules/@vladmandic/face-api');
copyMatching(join(faceApi, 'model'), join(root, 'web/models'), /^(tiny_face_detector|face_landmark_68)_model/);
copyMatching(join(faceApi, 'demo'), join(root, 'web/samples'), /^sample\d+\.jpg$/);

// A stale copy would be loaded as if it still shipped.
const shipped = 'oaenet-ckplus.safetensors';
if (existsSync(join(root, 'models', shipped))) copyFileSync(join(root, 'models', shipped), join(root, 'web/models', shipped));
else rmSync(join(root, 'web/models', shipped), { force: true });
