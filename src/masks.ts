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
import sharp from 'sharp';
import { heat } from './draw/heat.js';
import { svgText } from './draw/text.js';
import { closeGpu, initGpu } from './kernels/context.js';
import { FACE_SIZE } from './mask/align.js';
import { readFloat64 } from './mask/correlate.js';
import { NET_MEAN, NET_STD } from './mask/image.js';
import { packFaces, weightedMask } from './mask/mask.js';
import { LANDMARKS, STRIP } from './mask/reference.js';
import { buildCache, cachedFace, type FaceCache } from './train/cache.js';
import { parseFlags, type FlagSpec } from './train/cli_args.js';
import { DATASET_NAMES, readDataset, type Dataset } from './train/datasets/index.js';
import { UserError, reason, runCli, userError } from './train/errors.js';
import { CLASS_NAMES } from './train/labels.js';

const FLAGS: Record<string, FlagSpec> = {
  dataset: { type: 'string', help: `dataset format: ${DATASET_NAMES.join(', ')}` },
  'data-dir': { type: 'string', help: 'dataset folder (or list/CSV file); not needed for synthetic' },
  out: { type: 'string', help: 'folder for the PNGs' },
  limit: { type: 'int', help: 'faces to draw, spread evenly over the dataset', default: 12 },
};

/** Faces per GPU mask batch. */
const BATCH = 8;
const S = FACE_SIZE;
/** Gap between panels, title strip above them, caption below. */
const GAP = 8, TOP = 22, BOTTOM = 40;
const WIDTH = 3 * S + 4 * GAP;
const HEIGHT = TOP + S + BOTTOM;

interface Overlay {
  /** 224×224×3 B,G,R. */
  face: Uint8Array;
  /** 68 (x, y) in face pixels. */
  landmarks: ArrayLike<number>;
  /** [224·224]. */
  mask: ArrayLike<number>;
  /** [3, 224, 224] B,G,R planes, the attention input ((c·mask)/255 − mean)/std. */
  attn: ArrayLike<number>;
  rho: ArrayLike<number>;
  title: string;
  detail: string;
}

/** The three panels as RGB pixels, with titles, landmarks, band labels and caption drawn over them in SVG. */
async function overlayPng(path: string, o: Overlay): Promise<void> {
  const px = new Uint8Array(WIDTH * HEIGHT * 3).fill(255);
  const left = (p: number): number => GAP + p * (S + GAP);
  const put = (p: number, i: number, rgb: ArrayLike<number>): void => {
    const at = ((TOP + Math.floor(i / S)) * WIDTH + left(p) + (i % S)) * 3;
    for (let c = 0; c < 3; c++) px[at + c] = rgb[c]!;
  };
  const plane = S * S;
  for (let i = 0; i < plane; i++) {
    put(0, i, [o.face[3 * i + 2]!, o.face[3 * i + 1]!, o.face[3 * i]!]);
    put(1, i, heat(o.mask[i]!));
    // Back from the network's normalisation to bytes; c·mask < 0 (negative ρ) shows as black.
    const byte = (c: number): number => Math.min(255, Math.max(0, Math.round((o.attn[c * plane + i]! * NET_STD + NET_MEAN) * 255)));
    put(2, i, [byte(2), byte(1), byte(0)]);
  }
  const svg: string[] = [];
  ['crop + 68 landmarks', 'weighted mask (-1 blue ... 1 red)', 'crop x mask (attention input)'].forEach((t, p) =>
    svg.push(svgText(t, left(p) + S / 2, TOP - 7, { size: 12, anchor: 'middle' })),
  );
  for (let k = 0; k < LANDMARKS; k++) {
    // Landmarks use OpenCV's convention (pixel centres at integers); SVG's pixel i spans [i, i + 1).
    svg.push(`<circle cx="${(left(0) + o.landmarks[2 * k]! + 0.5).toFixed(1)}" cy="${(TOP + o.landmarks[2 * k + 1]! + 0.5).toFixed(1)}" r="1.8" fill="#00e060" stroke="#003010" stroke-width="0.6"/>`);
  }
  // ρ_i (strip i's correlation with the face) weights row band i: the original's layout.
  for (let b = 0; b < 4; b++) {
    const y = TOP + b * STRIP;
    if (b > 0) svg.push(`<line x1="${left(1)}" y1="${y}" x2="${left(1) + S}" y2="${y}" stroke="#444" stroke-dasharray="3 3"/>`);
    svg.push(svgText(`ρ${b} = ${o.rho[b]!.toFixed(3)}`, left(1) + 4, y + 14, { size: 11, color: '#111', halo: 'white' }));
  }
  svg.push(svgText(o.title, GAP, TOP + S + 16, { size: 12, bold: true }));
  svg.push(svgText(o.detail, GAP, TOP + S + 32, { size: 11, color: '#333' }));
  const over = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">${svg.join('')}</svg>`;
  // Compositing yields RGBA; the second pass drops the (opaque) alpha for a plain RGB PNG.
  const drawn = await sharp(px, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } })
    .composite([{ input: Buffer.from(over), top: 0, left: 0 }])
    .raw()
    .toBuffer();
  await sharp(drawn, { raw: { width: WIDTH, height: HEIGHT, channels: 4 } }).removeAlpha().png().toFile(path);
}

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
        mask: mask.subarray(k * S * S, (k + 1) * S * S),
        attn: attn.subarray(k * 3 * S * S, (k + 1) * 3 * S * S),
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
  const dataset = f.dataset as string | undefined;
  const dataDir = f['data-dir'] as string | undefined;
  const outFlag = f.out as string | undefined;
  const limit = f.limit as number;
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
