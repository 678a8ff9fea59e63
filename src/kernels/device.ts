// Adapter + device acquisition in Node (Dawn through npm `webgpu`) or a browser (navigator.gpu).
// Core (Vulkan/Metal/D3D) first, compatibility mode (OpenGL ES) as fallback; OAENET_BACKEND forces one.

export type Backend = 'auto' | 'vulkan' | 'opengles';

export interface DeviceInfo {
  device: GPUDevice;
  adapterName: string;
  /** true for CPU rasterizers (lavapipe/llvmpipe, SwiftShader): they want different tiles. */
  software: boolean;
  featureLevel: 'core' | 'compatibility';
  backend: string;
}

const isNode = typeof process !== 'undefined' && !!process.versions?.node;

export const NO_ADAPTER_HELP =
  'No WebGPU adapter found. On Debian 12 without a GPU install software Vulkan: add the bookworm-backports suite ' +
  'and run `apt-get install -t bookworm-backports mesa-vulkan-drivers` (see .ci/run); or install your GPU\'s ' +
  'Vulkan driver; or try OAENET_BACKEND=opengles with libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri.';

/** Limits the kernels want: as much as the adapter offers, within these caps. */
const WANTED_LIMITS: Record<string, number> = {
  maxStorageBufferBindingSize: 2 ** 31 - 4,
  maxBufferSize: 2 ** 32 - 4,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupSizeX: 1024,
  maxComputeWorkgroupSizeY: 1024,
  maxComputeWorkgroupSizeZ: 64,
  maxComputeWorkgroupStorageSize: 32768,
  maxStorageBuffersPerShaderStage: 10,
  maxComputeWorkgroupsPerDimension: 65535,
};

function envBackend(): Backend {
  const v = (isNode ? process.env.OAENET_BACKEND : undefined)?.toLowerCase();
  if (!v || v === 'auto') return 'auto';
  if (v === 'vulkan' || v === 'opengles') return v;
  throw new Error(`OAENET_BACKEND=${v} is not a backend: use auto, vulkan or opengles`);
}

// Dawn's instance must outlive every device made from it: if it is garbage-collected, its event
// processing runs on freed memory and the process crashes. Keep each one for the process's life.
const instances: GPU[] = [];

async function nodeGpu(backend: 'vulkan' | 'opengles'): Promise<GPU> {
  const webgpu = (await import('webgpu')) as { create(flags: string[]): GPU; globals: object };
  Object.assign(globalThis, webgpu.globals);
  if (backend === 'opengles') process.env.EGL_PLATFORM ??= 'surfaceless';
  const gpu = webgpu.create(backend === 'opengles' ? ['backend=opengles'] : []);
  instances.push(gpu);
  return gpu;
}

async function tryAdapter(gpu: GPU, featureLevel: 'core' | 'compatibility'): Promise<GPUAdapter | null> {
  try {
    return await gpu.requestAdapter({ featureLevel, powerPreference: 'high-performance' } as GPURequestAdapterOptions);
  } catch {
    return null;
  }
}

async function findAdapter(backend: Backend): Promise<{ adapter: GPUAdapter; level: 'core' | 'compatibility'; backend: string }> {
  if (!isNode) {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new Error('This browser does not expose navigator.gpu (WebGPU). Use a recent Chromium with WebGPU enabled.');
    const adapter = (await tryAdapter(gpu, 'core')) ?? (await tryAdapter(gpu, 'compatibility'));
    if (!adapter) throw new Error(NO_ADAPTER_HELP);
    return { adapter, level: adapter.features.has('core-features-and-limits') ? 'core' : 'compatibility', backend: 'browser' };
  }
  if (backend !== 'opengles') {
    const adapter = await tryAdapter(await nodeGpu('vulkan'), 'core');
    if (adapter) return { adapter, level: 'core', backend: 'vulkan' };
    if (backend === 'vulkan') throw new Error(NO_ADAPTER_HELP);
  }
  const adapter = await tryAdapter(await nodeGpu('opengles'), 'compatibility');
  if (!adapter) throw new Error(NO_ADAPTER_HELP);
  return { adapter, level: 'compatibility', backend: 'opengles' };
}

function isSoftware(info: GPUAdapterInfo): boolean {
  const s = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return /llvmpipe|lavapipe|swiftshader|software|mesa offscreen/.test(s) || (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
}

export async function requestDevice(backend: Backend = envBackend()): Promise<DeviceInfo> {
  const { adapter, level, backend: used } = await findAdapter(backend);
  const requiredLimits: Record<string, number> = {};
  for (const [name, want] of Object.entries(WANTED_LIMITS)) {
    const have = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof have === 'number') requiredLimits[name] = Math.min(have, want);
  }
  const requiredFeatures: GPUFeatureName[] = [];
  if (adapter.features.has('timestamp-query')) requiredFeatures.push('timestamp-query');
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info;
  const adapterName = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  return { device, adapterName, software: isSoftware(info), featureLevel: level, backend: used };
}
