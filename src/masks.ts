// Mask overlays to look at: node dist/masks.js --dataset NAME --data-dir DIR --out DIR [--limit N].
// The faces are prepared exactly as for training (the face cache's build: landmark files, else the
// landmark nets; a face the nets cannot find is left out with a warning), then each gets one PNG: the
// aligned 224 crop with its 68 landmarks, the weighted mask as a heat map with ρ on its bands, and
// crop × mask (the attention input), side by side, captioned with the class, the source, where the
// landmarks came from and ρ, which is in the file name too.
// A CLI of its own rather than `--save-masks` on train.js: checking a dataset's landmarks and masks
// should take seconds before a run, not need one.

import { mkdir } from 'node:fs/promises';
import { basename, extname, join, relative, resolve } from 'node:path';
import { overlayPng } from './draw/overlay.js';
import { closeGpu, initGpu } from './kernels/context.js';
import { FACE_SIZE, LANDMARKS } from './face/geometry.js';
import { readFloat64 } from './face/mask/float64.js';
import { packFaces, weightedMask } from './face/mask/mask.js';
import { buildCache, cachedFace, type FaceCache } from './data/cache.js';
import { parseFlags, type FlagTable } from './cli/flags.js';
import { DATASET_NAMES, readDataset, type Dataset } from './data/datasets/index.js';
import { UserError, reason, runCli, userError } from './errors.js';
import { CLASS_NAMES } from './data/labels.js';

const FLAGS = {
  dataset: { type: 'string', help: `dataset format: ${DATASET_NAMES.join(', ')}` },
  'data-dir': { type: 'string', help: 'dataset folder (or list/CSV file); not needed for synthetic' },
  out: { type: 'string', help: 'folder for the PNGs' },
  limit: { type: 'int', help: 'faces to draw, spread evenly over the dataset', default: 12 },
} satisfies FlagTable;

/** Faces per GPU mask batch. */
const BATCH = 8;
const PLANE = FACE_SIZE * FACE_SIZE;
/** `limit` samples spread evenly over the dataset (readers list class by class, so the first few share a class). */
function spread(ds: Dataset, limit: number): Dataset {
  const n = Math.min(limit, ds.samples.length);
  return { ...ds, samples: Array.from({ length: n }, (_, i) => ds.samples[Math.floor((i * ds.samples.length) / n)]!) };
}

/** A file-name-safe stem of a sample source (`fer2013.csv:12` → `fer2013.csv_12`). */
const stemOf = (source: string): string => basename(source, extname(source)).replace(/[^A-Za-z0-9._-]+/g, '_');

/** Writes one PNG per cached face (computing its mask on the GPU); returns the paths. */
async function writeOverlays(cache: FaceCache, ds: Dataset, out: string): Promise<string[]> {
  const detected = new Set(ds.samples.filter((s) => s.landmarks === null).map((s) => relative(ds.root, s.source)));
  const paths: string[] = [];
  for (let b0 = 0; b0 < cache.count; b0 += BATCH) {
    const idx = Array.from({ length: Math.min(BATCH, cache.count - b0) }, (_, k) => b0 + k);
    const faces = idx.map((i) => cachedFace(cache, i).data);
    const packed = packFaces(faces);
    const r = weightedMask(packed, cache.landmarks.subarray(b0 * LANDMARKS * 2, (b0 + idx.length) * LANDMARKS * 2));
    packed.dispose();
    const [mask, attn, rho] = await Promise.all([r.mask.readF32(), r.attn.readF32(), readFloat64(r.rho)]);
    for (const t of [r.mask, r.image, r.attn, r.rho, r.hog]) t.dispose();
    for (const [k, i] of idx.entries()) {
      const s = cache.samples[i]!;
      const rh = rho.subarray(4 * k, 4 * k + 4);
      const cls = CLASS_NAMES[s.label]!;
      const path = join(out, `${String(i).padStart(3, '0')}_${cls}_${stemOf(s.source)}_rho_${Array.from(rh, (v) => v.toFixed(2)).join('_')}.png`);
      await overlayPng(path, {
        face: faces[k]!,
        landmarks: cache.landmarks.subarray(i * LANDMARKS * 2, (i + 1) * LANDMARKS * 2),
        mask: mask.subarray(k * PLANE, (k + 1) * PLANE),
        attn: attn.subarray(k * 3 * PLANE, (k + 1) * 3 * PLANE),
        rho: rh,
        title: `${cls} · ${s.source}${s.subject ? ` · ${s.subject}` : ''}`,
        detail: `landmarks ${detected.has(s.source) ? 'detected by the landmark nets' : 'from the dataset'} · ρ = ${Array.from(rh, (v) => v.toFixed(3)).join(', ')} (row bands, top to bottom)`,
      });
      paths.push(path);
    }
  }
  return paths;
}

async function main(): Promise<void> {
  const f = parseFlags(process.argv.slice(2), FLAGS, 'masks.js');
  const { dataset, 'data-dir': dataDir, out: outFlag, limit } = f;
  if (!dataset || !outFlag) throw new UserError('masks.js: --dataset NAME and --out DIR are required (e.g. --dataset ckplus --data-dir data/ckplus --out masks)');
  if (dataDir === undefined && dataset !== 'synthetic') throw new UserError(`masks.js: --data-dir is required for --dataset ${dataset}`);
  if (limit < 1) throw new UserError(`masks.js: --limit ${limit}: pass a positive number of faces`);
  const out = resolve(outFlag);
  await mkdir(out, { recursive: true }).catch((e: unknown) => {
    throw userError(out, `cannot create the folder (${reason(e)})`, 'choose a writable --out');
  });
  const ds = spread(await readDataset(dataset, dataDir ?? ''), limit);
  await initGpu();
  const cache = await buildCache(ds, { size: FACE_SIZE });
  const paths = await writeOverlays(cache, ds, out);
  console.log(`wrote ${paths.length} overlay${paths.length === 1 ? '' : 's'} (crop + landmarks | mask | crop × mask) to ${out}`);
}

runCli(main).finally(closeGpu);
