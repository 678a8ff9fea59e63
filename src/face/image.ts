// Images as OpenCV's imread gives them (H×W×3 uint8, B,G,R; greyscale → 3 equal channels), and the
// exact float32 rounding sequence that turns pixel values into network inputs: t = f32(c / 255),
// then f32(f64(t) − 0.456), then f32(f64(t) / 0.225), as the original's float64 NumPy code rounds them.
// sharp (native) is loaded on first decode only, so the GPU mask path and browser bundles can use the
// normalisation without it.

export interface BgrImage {
  /** H×W×3 bytes, row-major, channels B,G,R. */
  data: Uint8Array;
  height: number;
  width: number;
}

/**
 * The most pixels decoded: 50 megapixels, more than a camera's usual photo. Decoding holds the pixels
 * twice (sharp's R,G,B and our B,G,R: 300 MB at the limit), and a PNG of one colour compresses a
 * thousandfold, so a small file can name a huge image.
 */
export const MAX_PIXELS = 50_000_000;
/** The smallest side decoded: a face needs some pixels for the nets to find it and the crop to hold it. */
export const MIN_SIDE = 16;

/** An image too large or too small to decode; its message is the problem alone ("W×H pixels: …"). */
export class ImageSizeError extends Error {
  override name = 'ImageSizeError';
}

/** Why an image of width × height pixels is refused, or null. */
export function imageSizeProblem(width: number, height: number): string | null {
  const size = `${width}×${height} pixels`;
  if (width * height > MAX_PIXELS) return `${size} (${Math.round((width * height) / 1e6)} megapixels) is over the limit of ${MAX_PIXELS / 1e6} megapixels`;
  if (Math.min(width, height) < MIN_SIDE) return `${size} is too small to show a face (at least ${MIN_SIDE} pixels a side)`;
  return null;
}

/**
 * Decodes a PNG/JPEG (path or bytes) like cv2.imread(path) in colour mode: EXIF orientation applied,
 * alpha dropped, greyscale replicated into B = G = R, colour in OpenCV's B,G,R order, which the mask and
 * the network inputs keep. The size is read from the header first: an image outside MIN_SIDE…MAX_PIXELS
 * is an ImageSizeError before any pixel is decoded.
 */
export async function decodeBgr(input: string | Uint8Array): Promise<BgrImage> {
  const { default: sharp } = await import('sharp');
  const src = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // The header alone, whatever size it claims; the decode then enforces the limit itself as well.
  const header = await sharp(src, { limitInputPixels: false }).metadata();
  const problem = imageSizeProblem(header.width ?? 0, header.height ?? 0);
  if (problem) throw new ImageSizeError(problem);
  const { data, info } = await sharp(src, { limitInputPixels: MAX_PIXELS }).autoOrient().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const { width, height, channels } = info;
  const n = width * height;
  const out = new Uint8Array(n * 3);
  // 1–2 channels: grey (+ alpha); 3–4: R,G,B (+ alpha).
  if (channels <= 2) {
    for (let i = 0; i < n; i++) out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = data[i * channels]!;
  } else {
    for (let i = 0; i < n; i++) {
      out[3 * i] = data[i * channels + 2]!;
      out[3 * i + 1] = data[i * channels + 1]!;
      out[3 * i + 2] = data[i * channels]!;
    }
  }
  return { data: out, height, width };
}

export const NET_MEAN = 0.456;
export const NET_STD = 0.225;

/** From a value t already divided by 255 (a float32): f32(f64(t) − 0.456), then f32(f64(·) / 0.225). */
export function normalizeScaled(t: number): number {
  return Math.fround(Math.fround(t - NET_MEAN) / NET_STD);
}

/**
 * Network input for pixel value c and mask weight m (float64; 1 for the plain image): t = f32(c·m)
 * (for m = 1, c itself), then the float32 division by 255 and normalizeScaled. A float64 quotient
 * rounded to float32 equals the float32 division here: x/255 never lands on a float32 midpoint.
 */
export function netInput(c: number, m = 1): number {
  return normalizeScaled(Math.fround(Math.fround(c * m) / 255));
}

/** netInput(c) for c = 0…255: the plain image input is a table lookup on the GPU. */
export function netImageTable(): Float32Array {
  return Float32Array.from({ length: 256 }, (_, c) => netInput(c));
}
