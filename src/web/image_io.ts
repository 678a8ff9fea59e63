// Pictures in and out of the app: photos and video frames as the B,G,R bytes the face pipeline takes,
// decoded like the Node pipeline's decode (no colour management, EXIF orientation applied, alpha
// dropped), and B,G,R bytes back to pixels a canvas can draw.

import { userError } from '../errors.js';
import type { BgrImage } from '../face/image.js';

/** RGBA pixels → B,G,R bytes. */
function toBgr({ data: rgba, width, height }: ImageData): BgrImage {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    data[3 * i] = rgba[4 * i + 2]!;
    data[3 * i + 1] = rgba[4 * i + 1]!;
    data[3 * i + 2] = rgba[4 * i]!;
  }
  return { data, width, height };
}

/** What a canvas source shows, width × height, as B,G,R bytes. */
export function grabBgr(source: CanvasImageSource, width: number, height: number): BgrImage {
  const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true })!;
  ctx.drawImage(source, 0, 0, width, height);
  return toBgr(ctx.getImageData(0, 0, width, height));
}

/** A photo file (PNG, JPEG, WebP…) as B,G,R bytes; `name` names it in the error. */
export async function decodeImage(file: Blob, name: string): Promise<BgrImage> {
  const bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' }).catch(() => {
    throw userError(name, 'cannot decode it as an image', 'choose a PNG or JPEG photo');
  });
  try {
    return grabBgr(bitmap, bitmap.width, bitmap.height);
  } finally {
    bitmap.close();
  }
}

/** B,G,R bytes as canvas pixels. */
export function bgrToImageData(img: BgrImage): ImageData {
  const out = new ImageData(img.width, img.height);
  for (let i = 0; i < img.width * img.height; i++) {
    out.data[4 * i] = img.data[3 * i + 2]!;
    out.data[4 * i + 1] = img.data[3 * i + 1]!;
    out.data[4 * i + 2] = img.data[3 * i]!;
    out.data[4 * i + 3] = 255;
  }
  return out;
}
