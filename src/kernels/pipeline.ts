// Compute pipelines and their bind-group layouts, cached for the life of the device. A kernel's
// declaration is checked against its WGSL before its first pipeline is built (see kernel.ts).

import { checkContract, kernelName, type Kernel } from './kernel.js';
import { shaderSource } from './shader.js';

/** WGSL `override` values of one pipeline variant: workgroup size, tiles, op codes, flags. */
export type Constants = Readonly<Record<string, number>>;

export interface Pipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly id: number;
}

export const PRELUDE = `
// Prelude shared by every kernel: flat invocation index over a (possibly 2-D) grid of workgroups.
fn flat_id(gid: vec3u, nwg: vec3u, wg: u32) -> u32 { return gid.x + gid.y * nwg.x * wg; }
// An activation fused into the value a kernel stores (the convolutions' eval-mode Conv-BN-act):
// 0 none, 1 ReLU, 2 ReLU6, as the unary kernels compute them.
override ACT: u32 = 0u;
fn act(v: f32) -> f32 { if (ACT == 1u) { return max(v, 0.0); } if (ACT == 2u) { return clamp(v, 0.0, 6.0); } return v; }
fn act4(v: vec4f) -> vec4f { return vec4f(act(v.x), act(v.y), act(v.z), act(v.w)); }
`;

export class PipelineCache {
  private pipelines = new Map<string, Pipeline>();
  private layouts = new Map<string, GPUBindGroupLayout>();
  private modules = new Map<string, GPUShaderModule>();

  constructor(private readonly device: GPUDevice) {}

  get size(): number {
    return this.pipelines.size;
  }

  private layout(reads: number, writes: number): GPUBindGroupLayout {
    const key = `${reads}/${writes}`;
    let l = this.layouts.get(key);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
      ];
      for (let i = 0; i < reads + writes; i++) {
        entries.push({ binding: 1 + i, visibility: GPUShaderStage.COMPUTE, buffer: { type: i < reads ? 'read-only-storage' : 'storage' } });
      }
      l = this.device.createBindGroupLayout({ entries, label: `layout ${key}` });
      this.layouts.set(key, l);
    }
    return l;
  }

  private module(shader: string): GPUShaderModule {
    let m = this.modules.get(shader);
    if (!m) {
      m = this.device.createShaderModule({ code: PRELUDE + shaderSource(shader), label: shader });
      this.modules.set(shader, m);
    }
    return m;
  }

  get(k: Kernel, constants: Constants): Pipeline {
    const key = `${kernelName(k)}:${Object.entries(constants).sort().map(([c, v]) => `${c}=${v}`).join(',')}`;
    let p = this.pipelines.get(key);
    if (!p) {
      checkContract(k, shaderSource(k.shader), PRELUDE);
      const layout = this.layout(k.reads.length, k.writes.length);
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module: this.module(k.shader), entryPoint: k.entry, constants },
      });
      p = { pipeline, layout, id: this.pipelines.size + 1 };
      this.pipelines.set(key, p);
    }
    return p;
  }
}
