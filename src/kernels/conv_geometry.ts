// Convolution geometry: stride, top/left padding, groups and output size of conv2d and convTranspose2d
// from their options (PyTorch's rules), validated. Shared by the conv launchers, the ops and the float64
// references.

/** Stride, top/left padding and groups: all a kernel needs besides the tensors' shapes and the output size. */
export interface ConvGeom {
  sh: number;
  sw: number;
  pt: number;
  pl: number;
  groups: number;
}

export type Shape4 = [number, number, number, number];

/** conv2d's options that set its geometry. */
export interface ConvOptions {
  stride?: number | [number, number];
  /** symmetric p, [ph, pw], or asymmetric [top, bottom, left, right] (TF "SAME": stride 2 pads 0 before, 1 after) */
  padding?: number | [number, number] | [number, number, number, number];
  groups?: number;
}

export interface ConvTranspose2dOptions {
  stride?: number | [number, number];
  padding?: number | [number, number];
  outputPadding?: number | [number, number];
  groups?: number;
}

export function pair(v: number | [number, number] | undefined, dflt: number): [number, number] {
  return v === undefined ? [dflt, dflt] : typeof v === 'number' ? [v, v] : v;
}

export function shape4(t: { shape: readonly number[] }, what: string): Shape4 {
  if (t.shape.length !== 4) throw new Error(`${what} must be 4-D, got [${t.shape}]`);
  return t.shape as unknown as Shape4;
}

/** Geometry and output size of conv2d(x: xShape, w: wShape) (PyTorch's floor rule), validated. */
export function convGeometry(xShape: readonly number[], wShape: readonly number[], opts: ConvOptions = {}): { geom: ConvGeom; ho: number; wo: number } {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`conv2d: x [${xShape}] and w [${wShape}] must be 4-D`);
  const [, cin, h, w] = xShape as Shape4;
  const [cout, cinG, kh, kw] = wShape as Shape4;
  const [sh, sw] = pair(opts.stride, 1);
  const pad = opts.padding ?? 0;
  const [pt, pb, pl, pr] = typeof pad === 'number' ? [pad, pad, pad, pad] : pad.length === 2 ? [pad[0], pad[0], pad[1], pad[1]] : pad;
  const groups = opts.groups ?? 1;
  if (!(groups >= 1) || cin % groups || cout % groups || cinG * groups !== cin) {
    throw new Error(`conv2d: x [${xShape}], w [${wShape}] do not fit groups = ${groups}`);
  }
  if (!(sh >= 1 && sw >= 1) || [pt, pb, pl, pr].some((p) => !(p >= 0))) throw new Error('conv2d: bad stride or padding');
  const ho = Math.floor((h + pt + pb - kh) / sh) + 1;
  const wo = Math.floor((w + pl + pr - kw) / sw) + 1;
  if (ho < 1 || wo < 1) throw new Error(`conv2d: kernel ${kh}×${kw} does not fit the padded ${h}×${w} input`);
  return { geom: { sh, sw, pt, pl, groups }, ho, wo };
}

/** Geometry and output size (H − 1)·s − 2p + k + outputPadding of convTranspose2d(x: xShape, w: wShape), validated. */
export function transposedGeometry(xShape: readonly number[], wShape: readonly number[], opts: ConvTranspose2dOptions = {}): { geom: ConvGeom; ho: number; wo: number } {
  if (xShape.length !== 4 || wShape.length !== 4) throw new Error(`convTranspose2d: x [${xShape}] and w [${wShape}] must be 4-D`);
  const [, cin, h, w] = xShape as Shape4;
  const [wcin, , kh, kw] = wShape as Shape4;
  const [sh, sw] = pair(opts.stride, 1);
  const [ph, pw] = pair(opts.padding, 0);
  const [oph, opw] = pair(opts.outputPadding, 0);
  const groups = opts.groups ?? 1;
  if (wcin !== cin || !(groups >= 1) || cin % groups) throw new Error(`convTranspose2d: x [${xShape}], w [${wShape}] do not fit groups = ${groups}`);
  if (!(sh >= 1 && sw >= 1 && ph >= 0 && pw >= 0) || !(oph >= 0 && oph < sh && opw >= 0 && opw < sw)) {
    throw new Error('convTranspose2d: bad stride, padding or output padding (it must be below the stride)');
  }
  const ho = (h - 1) * sh - 2 * ph + kh + oph;
  const wo = (w - 1) * sw - 2 * pw + kw + opw;
  if (ho < 1 || wo < 1) throw new Error(`convTranspose2d: padding leaves no output for a ${h}×${w} input`);
  return { geom: { sh, sw, pt: ph, pl: pw, groups }, ho, wo };
}

/** 1×1, stride 1, no padding, one group, output size = input size, H·W % 4 == 0: the vec4 GEMM path. */
export function isPointwise(kh: number, kw: number, g: ConvGeom, h: number, w: number, ho: number, wo: number): boolean {
  return kh === 1 && kw === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.groups === 1 && ho === h && wo === w && (h * w) % 4 === 0;
}
