// A photo read for prediction, and where its prediction picture goes. Errors are one line naming the
// file: an image outside the size limits says so and how to fix it; anything else is "cannot decode".

import { basename, join } from 'node:path';
import { reason, userError } from '../../errors.js';
import { ImageSizeError, MAX_PIXELS, MIN_SIDE, decodeBgr, type BgrImage } from '../../face/image.js';

export async function readPhoto(file: string): Promise<BgrImage> {
  try {
    return await decodeBgr(file);
  } catch (e) {
    if (e instanceof ImageSizeError) {
      throw userError(file, e.message, `pass an image of at least ${MIN_SIDE} pixels a side and at most ${MAX_PIXELS / 1e6} megapixels (scale a large photo down, e.g. to 4000 pixels on its long side)`);
    }
    throw userError(file, `cannot decode the image (${reason(e)})`, 'pass a PNG or JPEG photo');
  }
}

/** `<out>/<file name with its extension>.prediction.png`: a.jpg and a.png get pictures of their own. */
export function picturePath(out: string, file: string): string {
  return join(out, `${basename(file)}.prediction.png`);
}
