// The face cache at dataset scale: generated faces written as files shaped like AffectNet's (640×480
// colour JPEGs, each with a 68-point landmark file, in a list file), the cache built from them by the
// code train.js runs (ensureCache: shards streamed to disk), and read back as training reads it
// (shuffled batches, read ahead). Each phase runs in its own process, so that the peak memory it
// reports (max RSS) is its own:
//   node build/bench/cache.js generate DIR [faces, default 20000]
//   node build/bench/cache.js build DIR [size, default 224]   (stopped and run again, it continues)
//   node build/bench/cache.js read DIR [batch, default 60]

import { mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ReadAhead, ensureCache, readCache } from '../src/data/cache.js';
import { readDataset } from '../src/data/datasets/index.js';
import { syntheticFaces } from '../src/data/datasets/synthetic_faces.js';
import { shuffled } from '../src/nn/init.js';

const [phase, dir, arg] = process.argv.slice(2);
const list = join(dir ?? '', 'faces.txt');
const cacheDir = join(dir ?? '', 'cache');
const SCALE = 2; // 320×240 generated → 640×480 written
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const peak = (): string => mib(process.resourceUsage().maxRSS * 1024);

async function generate(faces: number): Promise<void> {
  const perSubject = 100;
  const ds = syntheticFaces({ subjects: Math.ceil(faces / perSubject), imagesPerSubject: perSubject, seed: 1 });
  await mkdir(join(dir!, 'img'), { recursive: true });
  const lines: string[] = [];
  const t0 = performance.now();
  for (const [i, s] of ds.samples.slice(0, faces).entries()) {
    const { width, height, data } = s.image as { width: number; height: number; data: Uint8Array };
    // Tinted, so that the crops are colour (three stored channels, as AffectNet's photos give).
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < data.length; p++) [rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2]] = [Math.min(255, data[p]! * 1.1), data[p]!, data[p]! * 0.85];
    const stem = `img/${String(i).padStart(6, '0')}`;
    await sharp(rgb, { raw: { width, height, channels: 3 } }).resize(width * SCALE, height * SCALE).jpeg({ quality: 90 }).toFile(join(dir!, `${stem}.jpg`));
    const lm = s.landmarks as Float64Array;
    const text = Array.from({ length: 68 }, (_, k) => `${(lm[2 * k]! * SCALE).toFixed(3)} ${(lm[2 * k + 1]! * SCALE).toFixed(3)}`).join('\n');
    await writeFile(join(dir!, `${stem}_landmarks.txt`), text + '\n');
    lines.push(`${stem}.jpg\t${s.label}\t${s.subject}`);
    if (i % 1000 === 999) console.log(`  ${i + 1} faces written (${((i + 1) / ((performance.now() - t0) / 1000)).toFixed(0)}/s)`);
  }
  await writeFile(list, lines.join('\n') + '\n');
  console.log(`${lines.length} faces (${SCALE * 320}×${SCALE * 240} colour JPEG + landmarks) listed in ${list}`);
}

async function build(size: number): Promise<void> {
  const ds = await readDataset('list', list);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let first = -1, resumed = 0, done = 0;
  const { cache, rebuilt } = await ensureCache(cacheDir, ds, {
    size,
    onProgress: (d, total, r) => {
      [done, resumed] = [d, r];
      if (first < 0) first = d - 1;
      if (d % 1000 === 0 || d === total) console.log(`  ${d}/${total} faces, ${((d - first) / ((performance.now() - t0) / 1000)).toFixed(1)} faces/s, peak memory ${peak()}`);
    },
  });
  const seconds = (performance.now() - t0) / 1000;
  const files = await readdir(cacheDir);
  const bytes = (await Promise.all(files.map(async (f) => (await stat(join(cacheDir, f))).size))).reduce((a, b) => a + b, 0);
  const built = done - resumed;
  const { user, system } = process.cpuUsage(cpu0);
  console.log(`${rebuilt ? `built ${built} faces` : 'nothing to build'}${resumed ? ` (continued after ${resumed} from an earlier build)` : ''} in ${seconds.toFixed(0)} s: ${(built / seconds).toFixed(1)} faces/s at ${size} px, ${((user + system) / 1000 / built).toFixed(1)} ms of CPU per face (${(user / 1000 / built).toFixed(1)} user)`);
  console.log(`cache: ${cache.count} faces, ${files.filter((f) => f.startsWith('shard-')).length} shards, ${mib(bytes)} on disk (${(bytes / cache.count / 1024).toFixed(1)} KiB per face); peak memory ${peak()}`);
}

async function read(batch: number): Promise<void> {
  const cache = await readCache(cacheDir);
  const opened = peak();
  const order = shuffled(Array.from({ length: cache.count }, (_, i) => i), 1);
  const batches = Array.from({ length: Math.ceil(order.length / batch) }, (_, k) => order.slice(k * batch, (k + 1) * batch));
  const ahead = new ReadAhead(cache, batches);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let bytes = 0;
  for (let k = 0; k < batches.length; k++) {
    const faces = await ahead.next();
    bytes += faces.faces.reduce((n, f) => n + f.length, 0);
    if (k % 100 === 99) console.log(`  ${(k + 1) * batch} faces, peak memory ${peak()}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu0);
  console.log(`${((user + system) / 1000 / cache.count).toFixed(2)} ms of CPU per face`);
  console.log(`one shuffled epoch in batches of ${batch}: ${(cache.count / seconds).toFixed(0)} faces/s (${mib(bytes / seconds)}/s as B,G,R); peak memory ${peak()} (${opened} after opening the cache)`);
}

if (phase === 'generate' && dir) await generate(Number(arg ?? 20000));
else if (phase === 'build' && dir) await build(Number(arg ?? 224));
else if (phase === 'read' && dir) await read(Number(arg ?? 60));
else console.log('usage: node build/bench/cache.js generate|build|read DIR [faces|size|batch]');
