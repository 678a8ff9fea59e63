// CK+ in either layout. Official: the peak frame of every sequence with an Emotion file is an
// expression sample (contempt dropped) and its first frame a neutral one, each with its own landmark
// file. Class folders (`<class>/<stem>.png` + `<stem>_landmarks.txt`): a neutral first frame pairs with
// the one landmark file of its sequence, named after the peak frame (src/face/landmarks.ts).

import { basename, extname, join, resolve } from 'node:path';
import { landmarkFileFor } from '../../face/landmarks.js';
import { userError } from '../../errors.js';
import { CLASS_NAMES, LABEL_MAPS, mapLabel } from '../labels.js';
import { ckSubject, isDirectory, isFile, isImageFile, listFolder, readText, requireFolder, type Dataset, type Sample } from './common.js';

const OFFICIAL_IMAGES = 'cohn-kanade-images';
const LAYOUTS = `the official layout (${OFFICIAL_IMAGES}/, Emotion/, Landmarks/) or class folders (${[...LABEL_MAPS.ckFolders.keys()].join('/, ')}/)`;

export async function readCkplus(path: string): Promise<Dataset> {
  const root = resolve(path);
  await requireFolder(root, `pass the CK+ folder: ${LAYOUTS}`);
  const official = await isDirectory(join(root, OFFICIAL_IMAGES));
  const samples = official ? await readOfficial(root) : await readClassFolders(root, true);
  if (samples.length === 0) throw userError(root, 'no CK+ images found', `pass a folder with ${LAYOUTS}`);
  return { name: 'ckplus', path: root, root, samples };
}

/** `<class>/<image>` folders (CK+ class folders, CK+48); other folders are errors, files beside them ignored. */
export async function readClassFolders(root: string, withLandmarks: boolean): Promise<Sample[]> {
  const map = LABEL_MAPS.ckFolders;
  const folders: string[] = [];
  for (const name of await listFolder(root)) {
    if (name.startsWith('.') || !(await isDirectory(join(root, name)))) continue;
    if (!map.has(name)) throw userError(join(root, name), `unknown class folder ${JSON.stringify(name)}`, `name class folders ${[...map.keys()].join(', ')}, or move it out of ${root}`);
    folders.push(name);
  }
  const samples: Sample[] = [];
  for (const name of folders) {
    const label = map.get(name)!;
    if (label === null) continue; // contempt
    const dir = join(root, name);
    for (const file of await listFolder(dir)) {
      if (!isImageFile(file)) continue;
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

const EMOTION_SUFFIX = '_emotion.txt';

async function readOfficial(root: string): Promise<Sample[]> {
  const emotion = join(root, 'Emotion');
  const landmarks = join(root, 'Landmarks');
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
      const label = mapLabel(LABEL_MAPS.ckplus, await readText(where, 'check its permissions'), where);
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
