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
 * Decodes a PNG/JPEG (path or bytes) like cv2.imread(path) in colour mode: EXIF orientation applied,
 * alpha dropped, greyscale replicated into B = G = R, colour in OpenCV's B,G,R order, which the mask and
 * the network inputs keep.
 */
export async function decodeBgr(input: string | Uint8Array): Promise<BgrImage> {
  const { default: sharp } = await import('sharp');
  const src = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const { data, info } = await sharp(src).autoOrient().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
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
