// Bundles the engine for browsers into web/engine.js, inlining every shaders/*.wgsl as a virtual
// module 'oaenet:shaders' (esbuild: a maintained bundler that handles TypeScript and ESM directly).
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
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
  entryPoints: [join(root, 'src/web/main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  outfile: join(root, 'web/engine.js'),
  external: ['webgpu', 'node:*'],
  plugins: [shaders],
  sourcemap: true,
  logLevel: 'warning',
});
