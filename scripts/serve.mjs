// `npm run serve`: serves web/ (the browser app that `npm run build:web` bundles) on 127.0.0.1 only, with
// no network access needed. WebGPU requires a secure context, which http://127.0.0.1 is. Files are sent
// uncached, so a rebuild shows on the next reload.
//   node scripts/serve.mjs [--port N] [--dir DIR]   (port 0: any free port; the URL is printed)
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

/** The file under `root` that a request path names, or null (outside root, absent, or a folder without index.html). */
export function resolvePath(root, urlPath) {
  let rel;
  try {
    rel = decodeURIComponent(new URL(urlPath, 'http://x').pathname);
  } catch {
    return null;
  }
  const file = resolve(root, `.${rel}`);
  if (file !== root && !file.startsWith(root + sep)) return null;
  const target = existsSync(file) && statSync(file).isDirectory() ? join(file, 'index.html') : file;
  return existsSync(target) && statSync(target).isFile() ? target : null;
}

/** Starts the server; resolves with it and its URL once it listens. */
export function serve(dir, port) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, { allow: 'GET, HEAD' }).end();
    const file = resolvePath(root, req.url ?? '/');
    if (!file) return res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${req.url}\n`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'content-length': statSync(file).size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

function flag(args, name, fallback) {
  const i = args.indexOf(name);
  return i < 0 ? fallback : args[i + 1];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = flag(args, '--dir', join(fileURLToPath(import.meta.url), '..', '..', 'web'));
  const port = Number(flag(args, '--port', '8080'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`error: --port ${flag(args, '--port')}: not a port number; pass an integer from 0 to 65535`);
    process.exit(1);
  }
  if (!existsSync(join(dir, 'app.js'))) {
    console.error(`error: ${join(dir, 'app.js')}: missing; run npm run build:web first (npm run serve does)`);
    process.exit(1);
  }
  serve(dir, port).then(
    ({ url }) => console.log(`serving ${dir} at ${url} (Ctrl-C stops)`),
    (e) => {
      console.error(`error: port ${port}: ${e.code === 'EADDRINUSE' ? 'already in use; pass --port with another number, or 0 for any free one' : e.message}`);
      process.exit(1);
    },
  );
}
