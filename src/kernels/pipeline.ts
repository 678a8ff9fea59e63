// Compute pipelines and their bind-group layouts, cached for the life of the device.
// Binding convention for every kernel: 0 = uniform params (dynamic offset), then `reads`
// read-only storage buffers, then `writes` read-write storage buffers.

import { shaderSource } from './shader.js';

export interface KernelSpec {
  /** shaders/<shader>.wgsl */
  shader: string;
  entry?: string;
  reads: number;
  writes: number;
  /** WGSL `override` constants: workgroup size, tiles, op codes, flags. */
  constants?: Record<string, number>;
}

export interface Pipeline {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly id: number;
}

const PRELUDE = `
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

  get(spec: KernelSpec): Pipeline {
    const entry = spec.entry ?? 'main';
    const constants = spec.constants ?? {};
    const key = `${spec.shader}:${entry}:${spec.reads}/${spec.writes}:${Object.entries(constants).sort().map(([k, v]) => `${k}=${v}`).join(',')}`;
    let p = this.pipelines.get(key);
    if (!p) {
      const layout = this.layout(spec.reads, spec.writes);
      const pipeline = this.device.createComputePipeline({
        label: key,
        layout: this.device.createPipelineLayout({ bindGroupLayouts: [layout] }),
        compute: { module: this.module(spec.shader), entryPoint: entry, constants },
      });
      p = { pipeline, layout, id: this.pipelines.size + 1 };
      this.pipelines.set(key, p);
    }
    return p;
  }
}
