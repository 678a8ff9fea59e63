// evaluate.js as a user runs it, on a freshly initialised 32-px model and a few CK+ faces: --images
// predicts every face of every photo (JSON lines or CSV, warnings and progress on stderr, pictures that
// a.jpg and a.png do not share); bad input is one line and exit 1 (sizes, metadata, NaN weights, images,
// landmarks, a blank photo); a dataset evaluation writes no face cache beside the model.

import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { CLASS_NAMES } from '../src/data/labels.js';
import { checkpointBytes, stateEntries } from '../src/model/checkpoint.js';
import { OAENet } from '../src/model/oaenet.js';
import { entryFrom, toFloat32 } from '../src/safetensors/entry.js';
import { writeSafetensorsFile } from '../src/safetensors/file.js';
import { repoRoot } from './fixtures.js';
import { setupGpu } from './util.js';

/** The compiled command beside this compiled test (build/src/evaluate.js). */
const evaluateJs = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'evaluate.js');
const CKPLUS = join(repoRoot(), '..', 'shared', 'data', 'ckplus');
const HAPPY = join(CKPLUS, 'happy', 'S010_006_00000015');
const SURPRISE = join(CKPLUS, 'surprise', 'S011_001_00000016');
const work = mkdtempSync(join(tmpdir(), 'evaluate-cli-'));
const at = (...p: string[]): string => join(work, ...p);
const model = at('models', 'oaenet32.safetensors');

function run(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [evaluateJs, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr.split('\n').filter((l) => !l.startsWith('Warning:')).join('\n').trim() };
}

/** A PNG whose header claims 16000×16000 px (a 1×1 PNG with its IHDR size and CRC rewritten). */
async function hugePng(): Promise<Buffer> {
  const png = Buffer.from(await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } }).png().toBuffer());
  png.writeUInt32BE(16000, 16);
  png.writeUInt32BE(16000, 20);
  let c = ~0;
  for (const b of png.subarray(12, 29)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  png.writeUInt32BE(~c >>> 0, 29);
  return png;
}

test.before(async () => {
  await setupGpu();
  const net = new OAENet({ numClasses: CLASS_NAMES.length, inputSize: 32 });
  mkdirSync(at('models'));
  writeFileSync(model, await checkpointBytes(net, { image_size: '32' }));
  const entries = await stateEntries(net);
  net.dispose();
  const w = entries.get('classifier.weight')!;
  const nan = toFloat32(w);
  nan[3] = NaN;
  await writeSafetensorsFile(at('nan.safetensors'), new Map([...entries, ['classifier.weight', entryFrom('F32', nan, w.shape)]]), { image_size: '32' });
  // Only the metadata is read before these are refused.
  for (const size of ['7', 'abc']) await writeSafetensorsFile(at(`size-${size}.safetensors`), { x: entryFrom('F32', [0], [1]) }, { image_size: size });

  const half = async (f: string): Promise<Buffer> => sharp(f).resize(320, 245).png().toBuffer();
  mkdirSync(at('photos'));
  await sharp({ create: { width: 640, height: 245, channels: 3, background: '#808080' } })
    .composite([{ input: await half(`${HAPPY}.png`), left: 0, top: 0 }, { input: await half(`${SURPRISE}.png`), left: 320, top: 0 }])
    .png()
    .toFile(at('photos', 'two.png'));
  await sharp({ create: { width: 120, height: 120, channels: 3, background: { r: 0, g: 200, b: 0 } } }).png().toFile(at('photos', 'green.png'));
  copyFileSync(`${SURPRISE}.png`, at('photos', 'a.png'));
  await sharp(`${SURPRISE}.png`).jpeg({ quality: 95 }).toFile(at('photos', 'a.jpg'));
  writeFileSync(at('photos', 'broken.jpg'), 'not a photo');
  writeFileSync(at('photos', 'notes.txt'), 'not listed: not a photo name');

  await sharp({ create: { width: 1, height: 1, channels: 3, background: '#888' } }).png().toFile(at('one.png'));
  writeFileSync(at('huge.png'), await hugePng());
  writeFileSync(at('zeros.txt'), '0 0\n'.repeat(68));
  writeFileSync(at('a-file'), '');
  mkdirSync(at('empty'));
});

test.after(() => rmSync(work, { recursive: true, force: true }));

interface FaceLine {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: string;
  predicted: string;
  probabilities: Record<string, number>;
}

test('--images DIR: one JSON line per photo with every face, a warning for an unreadable file, a picture per photo', () => {
  const r = run(['--model', model, '--images', at('photos'), '--out', at('pictures')]);
  assert.is(r.code, 0, r.err);
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; faces: FaceLine[]; picture?: string });
  assert.equal(lines.map((l) => l.file), ['a.jpg', 'a.png', 'green.png', 'two.png'].map((f) => at('photos', f)));
  const [jpg, png, green, two] = lines as [(typeof lines)[0], (typeof lines)[0], (typeof lines)[0], (typeof lines)[0]];
  assert.equal([jpg.faces.length, png.faces.length, green.faces.length, two.faces.length], [1, 1, 0, 2]);
  for (const f of [...jpg.faces, ...png.faces, ...two.faces]) {
    assert.equal(Object.keys(f.probabilities), [...CLASS_NAMES]);
    const p = Object.values(f.probabilities);
    assert.ok(Math.abs(p.reduce((a, b) => a + b) - 1) < 1e-4, `${p}`);
    assert.is(f.predicted, CLASS_NAMES[p.indexOf(Math.max(...p))]);
    assert.ok(f.score >= 0.3 && f.score <= 1, `score ${f.score}`);
    assert.is(f.landmarks, 'detected');
    assert.ok(f.box.width > 50 && f.box.height > 50, JSON.stringify(f.box));
  }
  // Best first; one face in each half of the two-face photo.
  assert.ok(two.faces[0]!.score >= two.faces[1]!.score);
  assert.equal(two.faces.map((f) => f.box.x + f.box.width / 2 < 320).sort(), [false, true]);
  // a.jpg and a.png: one picture each.
  assert.equal(readdirSync(at('pictures')).sort(), ['a.jpg.prediction.png', 'a.png.prediction.png', 'two.png.prediction.png']);
  assert.is(jpg.picture, at('pictures', 'a.jpg.prediction.png'));
  assert.is(green.picture, undefined);
  assert.match(r.err, `warning: ${at('photos', 'broken.jpg')}: cannot decode the image`);
  assert.match(r.err, /4 faces predicted in 4 photos \(1 without a face scoring 0\.3 or more, 1 unreadable, skipped\)/);
  assert.not.match(r.err, /\n\s+at /);
});

test('--images DIR --format csv: a header, a row per face, a row for a photo without one', async () => {
  mkdirSync(at('csv'));
  for (const f of ['two.png', 'green.png']) copyFileSync(at('photos', f), at('csv', f));
  const r = run(['--model', model, '--images', at('csv'), '--format', 'csv']);
  assert.is(r.code, 0, r.err);
  const rows = r.out.trim().split('\n').map((l) => l.split(','));
  assert.equal(rows[0], ['file', 'face', 'x', 'y', 'width', 'height', 'score', 'predicted', ...CLASS_NAMES]);
  assert.equal(rows.slice(1).map((c) => [c[0], c[1]]), [[at('csv', 'green.png'), ''], [at('csv', 'two.png'), '1'], [at('csv', 'two.png'), '2']]);
  for (const c of rows.slice(2)) {
    assert.is(c.length, 15);
    const p = c.slice(8).map(Number);
    assert.ok(Math.abs(p.reduce((a, b) => a + b) - 1) < 1e-4, `${p}`);
    assert.is(c[7], CLASS_NAMES[p.indexOf(Math.max(...p))]);
  }
  assert.equal(rows[1]!.slice(2), Array<string>(13).fill(''));
});

test('bad input: one line naming the file or flag, exit 1, nothing predicted', () => {
  const photo = `${HAPPY}.png`;
  const cases: [string[], string | RegExp][] = [
    [['--model', model, '--image', photo, '--image-size', '7'], 'evaluate.js: --image-size 7: use a multiple of 16 from 32 to 224'],
    [['--model', model, '--image', photo, '--image-size', '100000'], 'evaluate.js: --image-size 100000: use a multiple of 16 from 32 to 224'],
    [['--model', at('size-7.safetensors'), '--image', photo], `${at('size-7.safetensors')}: its metadata records image_size 7, which is not a multiple of 16 from 32 to 224; pass --image-size`],
    [['--model', at('size-abc.safetensors'), '--image', photo], `${at('size-abc.safetensors')}: its metadata records image_size "abc", which is not`],
    [['--model', at('nan.safetensors'), '--image', photo, '--landmarks', `${HAPPY}_landmarks.txt`], `${at('nan.safetensors')}: tensor "classifier.weight" holds NaN at index 3;`],
    [['--model', model, '--image', at('one.png')], `${at('one.png')}: 1×1 pixels is too small to show a face (at least 16 pixels a side);`],
    [['--model', model, '--image', at('huge.png')], `${at('huge.png')}: 16000×16000 pixels (256 megapixels) is over the limit of 50 megapixels;`],
    [['--model', model, '--image', photo, '--landmarks', at('zeros.txt')], `${at('zeros.txt')}: its landmarks outline a face 0 px across, too small to align`],
    [['--model', model, '--image', at('photos', 'green.png')], `${at('photos', 'green.png')}: no face found (no detector box scored 0.3 or more);`],
    [['--model', model, '--image', photo, '--out', at('a-file', 'pictures')], `${at('a-file', 'pictures')}: cannot write the prediction pictures there`],
    [['--model', model, '--images', at('empty')], `${at('empty')}: holds no PNG, JPEG, WebP or TIFF photos`],
  ];
  for (const [args, want] of cases) {
    const r = run(args);
    assert.is(r.code, 1, `${args.join(' ')}: exit ${r.code}\n${r.out}\n${r.err}`);
    assert.is(r.out, '', `${args.join(' ')}: printed ${r.out}`);
    assert.is(r.err.split('\n').length, 1, r.err);
    if (typeof want === 'string') assert.ok(r.err.startsWith(`error: ${want}`), `${args.join(' ')}:\n${r.err}`);
    else assert.match(r.err, want);
  }
});

test('--dataset: the faces are prepared in memory, no cache beside the model; --cache FILE is built', () => {
  const data = at('ckplus');
  for (const face of [HAPPY, SURPRISE]) {
    const dir = join(data, face.includes('happy') ? 'happy' : 'surprise');
    mkdirSync(dir, { recursive: true });
    for (const f of [`${face}.png`, `${face}_landmarks.txt`]) copyFileSync(f, join(dir, f.slice(face.lastIndexOf('/') + 1)));
  }
  const r = run(['--model', model, '--dataset', 'ckplus', '--data-dir', data]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /accuracy +[\d.]+% \(\d\/2\)/);
  assert.equal(readdirSync(at('models')).sort(), ['confusion_ckplus_all.png', 'eval_ckplus_all.json', 'oaenet32.safetensors']);
  const cache = at('faces.safetensors');
  const built = run(['--model', model, '--dataset', 'ckplus', '--data-dir', data, '--cache', cache, '--out', at('eval')]);
  assert.is(built.code, 0, built.err);
  assert.match(built.out, `faces: 2 from ${data} (cache ${cache}, built)`);
  assert.ok(existsSync(cache));
  assert.equal(readdirSync(at('eval')).sort(), ['confusion_ckplus_all.png', 'eval_ckplus_all.json']);
});

test.run();
