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
  /** Dispatches recorded per command buffer before it is submitted. */
  dispatchesPerSubmit: number;
}

export function tuningFor(info: Pick<DeviceInfo, 'software'>): Tuning {
  return info.software
    ? { wgElementwise: 64, wgTiled: 16, wgReduce: 64, dispatchesPerSubmit: 64 }
    : { wgElementwise: 256, wgTiled: 64, wgReduce: 256, dispatchesPerSubmit: 32 };
}
