// CK+ in either layout. Official: the peak frame of every sequence with an Emotion file is an
// expression sample (contempt left out) and its first frame a neutral one, each with its own landmark
// file. Class folders (`<class>/<stem>.png` + `<stem>_landmarks.txt`): a neutral first frame pairs with
// the one landmark file of its sequence, named after the peak frame (src/face/landmarks.ts).

import { basename, extname, join, resolve } from 'node:path';
import { landmarkFileFor } from '../../face/landmarks.js';
import { userError } from '../../errors.js';
import { CLASS_NAMES, LABEL_MAPS, LabelTally } from '../labels.js';
import { ckSubject, isDirectory, isFile, isImageFile, listFolder, readText, requireFolder, type Dataset, type Sample } from './common.js';
import { classFolders, isDirectorySync, suggestBelow, type Layout } from './layout.js';

const OFFICIAL_IMAGES = 'cohn-kanade-images';
const CLASS_FOLDERS = `${[...LABEL_MAPS.ckFolders.keys()].join('/, ')}/`;
const LAYOUTS = `the official layout (${OFFICIAL_IMAGES}/, Emotion/, Landmarks/) or class folders (${CLASS_FOLDERS}) with landmark files`;

export const ckplusLayout: Layout = {
  what: `a CK+ folder: ${LAYOUTS}`,
  matches: (path) => isDirectorySync(join(path, OFFICIAL_IMAGES)) || classFolders(path, LABEL_MAPS.ckFolders) === 'landmarks',
};

export async function readCkplus(path: string): Promise<Dataset> {
  const root = resolve(path);
  await requireFolder(root, `pass the CK+ folder: ${LAYOUTS}`);
  suggestBelow(root, ckplusLayout);
  const official = await isDirectory(join(root, OFFICIAL_IMAGES));
  const tally = new LabelTally(official ? LABEL_MAPS.ckplus : LABEL_MAPS.ckFolders);
  const samples = official ? await readOfficial(root, tally) : await readClassFolders(root, true, tally);
  if (samples.length === 0) throw userError(root, 'no CK+ images found', `pass a folder with ${LAYOUTS}`);
  const note = official ? tally.note(join(root, 'Emotion'), 'peak frames') : tally.note(root, 'images');
  return { name: 'ckplus', path: root, root, samples, notes: note ? [note] : [] };
}

/** `<class>/<image>` folders (CK+ class folders, CK+48); other folders are errors, files beside them ignored. */
export async function readClassFolders(root: string, withLandmarks: boolean, tally: LabelTally): Promise<Sample[]> {
  const map = LABEL_MAPS.ckFolders;
  const folders: string[] = [];
  for (const name of await listFolder(root)) {
    if (name.startsWith('.') || !(await isDirectory(join(root, name)))) continue;
    if (!map.has(name)) throw userError(join(root, name), `unknown class folder ${JSON.stringify(name)}`, `name class folders ${[...map.keys()].join(', ')}, or move it out of ${root}`);
    folders.push(name);
  }
  const samples: Sample[] = [];
  for (const name of folders) {
    const dir = join(root, name);
    for (const file of await listFolder(dir)) {
      if (!isImageFile(file)) continue;
      const label = tally.label(name, dir);
      if (label === null) continue;
      const image = join(dir, file);
      const landmarks = withLandmarks ? await pairedLandmarks(image) : null;
      samples.push({ source: image, image, label, subject: ckSubject(file), split: null, landmarks });
    }
  }
  return samples;
}

async function pairedLandmarks(image: string): Promise<string> {
  try {
    return await landmarkFileFor(image);
  } catch {
    const stem = basename(image, extname(image));
    throw userError(image, `no landmark file ${stem}_landmarks.txt, nor one of its sequence`, 'put the 68-point landmark file ("x y" per line) beside the image');
  }
}

/** `dir`, or `dir/<its own name>` where an archive was unpacked into a folder named after it (Landmarks/Landmarks/). */
async function unnested(dir: string): Promise<string> {
  const inner = join(dir, basename(dir));
  return (await isDirectory(inner)) ? inner : dir;
}

const EMOTION_SUFFIX = '_emotion.txt';

async function readOfficial(root: string, tally: LabelTally): Promise<Sample[]> {
  const emotion = await unnested(join(root, 'Emotion'));
  const landmarks = await unnested(join(root, 'Landmarks'));
  await requireFolder(emotion, `unpack Emotion_labels.zip beside ${OFFICIAL_IMAGES}/`);
  await requireFolder(landmarks, `unpack Landmarks.zip beside ${OFFICIAL_IMAGES}/`);
  const samples: Sample[] = [];
  for (const subject of await listFolder(emotion)) {
    if (!(await isDirectory(join(emotion, subject)))) continue;
    for (const seq of await listFolder(join(emotion, subject))) {
      const labelDir = join(emotion, subject, seq);
      if (!(await isDirectory(labelDir))) continue;
      const labelFile = (await listFolder(labelDir)).find((f) => f.endsWith(EMOTION_SUFFIX));
      if (labelFile === undefined) continue; // an unlabelled sequence
      const where = join(labelDir, labelFile);
      const label = tally.label(await readText(where, 'check its permissions'), where);
      const peak = labelFile.slice(0, -EMOTION_SUFFIX.length);
      const frames = join(root, OFFICIAL_IMAGES, subject, seq);
      const pngs = (await isDirectory(frames)) ? (await listFolder(frames)).filter((f) => f.endsWith('.png')) : [];
      if (!pngs.includes(`${peak}.png`)) throw userError(join(frames, `${peak}.png`), `the peak frame of ${where} is missing`, `restore the sequence from ${OFFICIAL_IMAGES}.zip`);
      const sample = async (stem: string, cls: number): Promise<Sample> => {
        const lm = join(landmarks, subject, seq, `${stem}_landmarks.txt`);
        if (!(await isFile(lm))) throw userError(lm, 'landmark file not found', 'restore it from Landmarks.zip');
        const image = join(frames, `${stem}.png`);
        return { source: image, image, label: cls, subject: ckSubject(stem) ?? subject, split: null, landmarks: lm };
      };
      // The first frame is neutral whatever the peak shows (contempt included).
      const first = basename(pngs[0]!, extname(pngs[0]!));
      if (first !== peak) samples.push(await sample(first, CLASS_NAMES.indexOf('neutral')));
      if (label !== null) samples.push(await sample(peak, label));
    }
  }
  return samples;
}
