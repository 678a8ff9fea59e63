// TF.js weight manifests (`<model>-weights_manifest.json` + `.bin` shards) as shipped by @vladmandic/face-api
// (model/*.json), dequantised exactly as tfjs-core's io.decodeWeights does, and TF filter layouts converted
// to the engine's: conv [kh, kw, in, out] and depthwise [kh, kw, c, 1] → [out, in, kh, kw] / [c, 1, kh, kw],
// dense [in, out] → [out, in]. Node reads files on use (browser-safe module); browsers pass a reader.
// Also the two layer forms both nets are made of (src/common/convLayer.ts, src/common/depthwiseSeparableConv.ts)
// and TF's "SAME" padding rule.

import { f16ToFloat32Array } from '../../safetensors/float16.js';
import { conv2d } from '../../graph/ops/index.js';
import { Tensor, numel } from '../../graph/tensor.js';

/** One entry of a manifest group: stored dtype, optionally quantised (value = min + scale · q). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

/** A manifest is a list of groups; each group's shards are concatenated and hold its weights in order. */
export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface WeightEntry {
  shape: number[];
  data: Float32Array;
}

/** Reads one file of a model folder (manifest or shard) by its name. */
export type FileReader = (file: string) => Promise<Uint8Array>;

/** The two face-api models this project uses (files `model/<name>_model-weights_manifest.json`, `.bin`). */
export type FaceModelName = 'tiny_face_detector' | 'face_landmark_68';

const BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2, float32: 4, int32: 4 };

/** Decodes every weight of a manifest from its groups' concatenated shard bytes (one Uint8Array per group). */
export function decodeWeights(manifest: WeightGroup[], groupBytes: Uint8Array[]): Map<string, WeightEntry> {
  if (groupBytes.length !== manifest.length) throw new Error(`weights: ${manifest.length} manifest groups but ${groupBytes.length} byte buffers`);
  const out = new Map<string, WeightEntry>();
  manifest.forEach((group, gi) => {
    const bytes = groupBytes[gi]!;
    let offset = 0;
    for (const spec of group.weights) {
      const n = numel(spec.shape);
      const q = spec.quantization;
      const stored = q?.dtype ?? spec.dtype;
      const size = BYTES[stored];
      if (!size) throw new Error(`weights: ${spec.name} has unsupported dtype ${stored}`);
      if (offset + n * size > bytes.length) throw new Error(`weights: ${spec.name} [${spec.shape}] runs past the end of its shards (${bytes.length} bytes)`);
      // Copy to an aligned buffer: offsets of uint8 entries need not be multiples of 2 or 4.
      const raw = bytes.slice(offset, offset + n * size).buffer;
      offset += n * size;
      out.set(spec.name, { shape: [...spec.shape], data: dequantize(spec, raw) });
    }
    if (offset !== bytes.length) throw new Error(`weights: group ${gi} has ${bytes.length - offset} bytes past its last weight`);
  });
  return out;
}

function dequantize(spec: WeightSpec, raw: ArrayBuffer): Float32Array {
  const q = spec.quantization;
  if (!q) return spec.dtype === 'float32' ? new Float32Array(raw) : Float32Array.from(new Int32Array(raw));
  if (q.dtype === 'float16') return f16ToFloat32Array(new Uint16Array(raw));
  if (q.scale === undefined || q.min === undefined) throw new Error(`weights: ${spec.name} is ${q.dtype}-quantised without scale and min`);
  const ints = q.dtype === 'uint8' ? new Uint8Array(raw) : new Uint16Array(raw);
  // tfjs computes q · scale + min in float64 and stores float32 (one rounding): the same here.
  const out = new Float32Array(ints.length);
  for (let i = 0; i < ints.length; i++) out[i] = ints[i]! * q.scale + q.min;
  return out;
}

/** Reads a folder on disk (node). */
export async function dirReader(dir: string): Promise<FileReader> {
  const [{ join }, { readFile }] = await Promise.all([import('node:path'), import('node:fs/promises')]);
  return async (file) => new Uint8Array(await readFile(join(dir, file)));
}

/** The installed @vladmandic/face-api package's model folder, found by node's module resolution. */
export async function packageModelDir(): Promise<string> {
  const [{ createRequire }, { dirname, join }] = await Promise.all([import('node:module'), import('node:path')]);
  return join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'model');
}

/** Loads and decodes model `name`; without a reader, from the installed @vladmandic/face-api package (node). */
export async function loadFaceModel(name: FaceModelName, reader?: FileReader): Promise<FaceWeights> {
  const read = reader ?? (await dirReader(await packageModelDir()));
  const manifest = JSON.parse(new TextDecoder().decode(await read(`${name}_model-weights_manifest.json`))) as WeightGroup[];
  const groups = await Promise.all(manifest.map(async (g) => concat(await Promise.all(g.paths.map(read)))));
  return new FaceWeights(name, decodeWeights(manifest, groups));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** [kh, kw, in, out] (row-major) → [out, in, kh, kw]. */
export function hwioToOihw(data: Float32Array, [kh, kw, ci, co]: number[]): Float32Array {
  const out = new Float32Array(data.length);
  for (let y = 0; y < kh!; y++)
    for (let x = 0; x < kw!; x++)
      for (let i = 0; i < ci!; i++)
        for (let o = 0; o < co!; o++) out[((o * ci! + i) * kh! + y) * kw! + x] = data[((y * kw! + x) * ci! + i) * co! + o]!;
  return out;
}

/** Decoded weights of one model, handed out as engine tensors (kept: they live until dispose()). */
export class FaceWeights {
  private readonly made: Tensor[] = [];

  constructor(readonly model: string, readonly entries: Map<string, WeightEntry>) {}

  entry(name: string, rank: number): WeightEntry {
    const e = this.entries.get(name);
    if (!e) throw new Error(`${this.model}: weight ${name} missing from the manifest`);
    if (e.shape.length !== rank) throw new Error(`${this.model}: weight ${name} is [${e.shape}], expected rank ${rank}`);
    return e;
  }

  private keep(data: Float32Array, shape: number[], name: string): Tensor {
    const t = Tensor.from(data, shape).keep();
    t.name = `${this.model}/${name}`;
    this.made.push(t);
    return t;
  }

  /** A conv filter [kh, kw, in, out] as [out, in, kh, kw]. */
  conv(name: string): Tensor {
    const { shape, data } = this.entry(name, 4);
    return this.keep(hwioToOihw(data, shape), [shape[3]!, shape[2]!, shape[0]!, shape[1]!], name);
  }

  /** A depthwise filter [kh, kw, c, 1] as a grouped conv weight [c, 1, kh, kw] (groups = c). */
  depthwise(name: string): Tensor {
    const { shape, data } = this.entry(name, 4);
    if (shape[3] !== 1) throw new Error(`${this.model}: depthwise ${name} has channel multiplier ${shape[3]}, only 1 is supported`);
    return this.keep(hwioToOihw(data, shape), [shape[2]!, 1, shape[0]!, shape[1]!], name);
  }

  /** A dense kernel [in, out] (x · W) as the engine's linear weight [out, in]. */
  dense(name: string): Tensor {
    const { shape, data } = this.entry(name, 2);
    return this.keep(hwioToOihw(data, [1, 1, ...shape]), [shape[1]!, shape[0]!], name);
  }

  vector(name: string): Tensor {
    const { shape, data } = this.entry(name, 1);
    return this.keep(data, shape, name);
  }

  /** `<prefix>/filters` + `<prefix>/bias`. */
  convLayer(prefix: string): ConvLayer {
    return { filters: this.conv(`${prefix}/filters`), bias: this.vector(`${prefix}/bias`) };
  }

  /** `<prefix>/depthwise_filter`, `/pointwise_filter`, `/bias`. */
  separable(prefix: string): SeparableConv {
    return {
      depthwise: this.depthwise(`${prefix}/depthwise_filter`),
      pointwise: this.conv(`${prefix}/pointwise_filter`),
      bias: this.vector(`${prefix}/bias`),
    };
  }

  dispose(): void {
    for (const t of this.made) t.dispose();
    this.made.length = 0;
  }
}

export interface ConvLayer {
  filters: Tensor;
  bias: Tensor;
}

/** tf.separableConv2d: a depthwise 3×3 without bias, then a pointwise 1×1; the bias is added after both. */
export interface SeparableConv {
  depthwise: Tensor;
  pointwise: Tensor;
  bias: Tensor;
}

export type Padding = [top: number, bottom: number, left: number, right: number];

/** TF "SAME" for an h×w input, k×k window, stride s: output ceil(size / s), the odd pixel of padding after. */
export function samePadding(h: number, w: number, k: number, s: number): Padding {
  const total = (n: number): number => Math.max(0, (Math.ceil(n / s) - 1) * s + k - n);
  const th = total(h);
  const tw = total(w);
  return [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
}

export function separableConv(x: Tensor, p: SeparableConv, stride: number, padding: Padding): Tensor {
  const dw = conv2d(x, p.depthwise, null, { stride, padding, groups: x.shape[1]! });
  return conv2d(dw, p.pointwise, p.bias);
}
