// Per-adapter kernel configuration. CPU rasterizers (lavapipe, SwiftShader) run each workgroup on
// one core with barriers costing a lot, so they want small workgroups and register tiles without
// workgroup memory; discrete GPUs want wide workgroups and many dispatches per submit.

import type { DeviceInfo } from './device.js';

export interface Tuning {
  /** Threads per workgroup for 1-D elementwise kernels. */
  wgElementwise: number;
  /** Threads per workgroup for register-tiled conv/GEMM kernels. */
  wgTiled: number;
  /** Threads per workgroup for per-channel reductions (BN statistics). */
  wgReduce: number;
  /**
   * Values each thread of a per-channel reduction accumulates before the partial results merge
   * (two-stage BN statistics): a workgroup covers up to wgReduce × this many values of one channel.
   */
  reducePerThread: number;
  /** Dispatches recorded per command buffer before it is submitted. */
  dispatchesPerSubmit: number;
  /** Register tiles of the convolution kernels (shaders/conv*.wgsl, depthwise.wgsl). */
  conv: ConvTuning;
  /**
   * Elements one invocation of the bitonic sort (shaders/sort.wgsl) holds in registers (a power of two,
   * 2..16): it runs log2 of this many merge stages per pass over memory.
   */
  sortGroup: number;
}

export interface ConvTuning {
  /** Direct and transposed kernels: output channels × output columns per invocation (each ≤ 8). */
  tileC: number;
  tileW: number;
  /** Pointwise GEMM: rows (≤ 8) × vec4 columns (≤ 4) per invocation. */
  gemmM: number;
  gemmV: number;
  /** Depthwise 3×3: output columns per invocation (≤ 8). */
  depthwiseW: number;
  /** Weight gradient: rows (≤ 8) × taps (≤ 9) per invocation. */
  wgradA: number;
  wgradK: number;
  /**
   * Pointwise (1×1) weight gradient with vec4 loads: output rows (≤ 8) × input rows (≤ 8) per invocation,
   * each a vec4 accumulator. Unset: the general weight-gradient kernel serves pointwise convs too, as on CPU
   * adapters, where a vec4 is four SIMD registers like four scalars and the 8 × 8 scalar block reuses loads
   * better (lavapipe: vec4 8 × 4 at 0.9–1.0× of it).
   */
  pointwiseWgrad?: [number, number];
  /** Invocations a dispatch should reach: tiles shrink, and weight-gradient chunks multiply, until it does. */
  minInvocations: number;
}

export function tuningFor(info: Pick<DeviceInfo, 'software'>): Tuning {
  return info.software
    ? {
        wgElementwise: 64, wgTiled: 16, wgReduce: 64, reducePerThread: 64, dispatchesPerSubmit: 64,
        conv: { tileC: 8, tileW: 8, gemmM: 4, gemmV: 2, depthwiseW: 8, wgradA: 8, wgradK: 8, minInvocations: 256 },
        sortGroup: 8,
      }
    : {
        wgElementwise: 256, wgTiled: 64, wgReduce: 256, reducePerThread: 16, dispatchesPerSubmit: 32,
        conv: { tileC: 8, tileW: 4, gemmM: 8, gemmV: 2, depthwiseW: 4, wgradA: 8, wgradK: 4, pointwiseWgrad: [4, 4], minInvocations: 16384 },
        sortGroup: 16,
      };
}
