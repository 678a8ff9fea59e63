// Adapter + device acquisition in Node (Dawn through npm `webgpu`) or a browser (navigator.gpu).
// Core (Vulkan/Metal/D3D) first, compatibility mode (OpenGL ES) as fallback; OAENET_BACKEND forces one.
// A bad OAENET_BACKEND and a machine without an adapter are the user's to fix: one line each.

import { UserError } from '../errors.js';

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

/** What to do when Node finds no adapter. */
const NO_ADAPTER_FIX =
  'install your GPU\'s Vulkan driver, or without a GPU run `bash scripts/setup.sh` (on Debian 12 it installs ' +
  'Mesa\'s software Vulkan from bookworm-backports), or try OAENET_BACKEND=opengles with libegl1 libegl-mesa0 ' +
  'libgles2 libgl1-mesa-dri';

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
  throw new UserError(`OAENET_BACKEND=${v} is not a backend; use auto, vulkan or opengles (or leave it unset)`);
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

type Found = { adapter: GPUAdapter; level: 'core' | 'compatibility'; backend: string };

async function findAdapter(backend: Backend): Promise<Found> {
  if (!isNode) {
    const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
    if (!gpu) throw new Error('This browser does not expose navigator.gpu (WebGPU). Use a recent Chromium with WebGPU enabled.');
    const adapter = (await tryAdapter(gpu, 'core')) ?? (await tryAdapter(gpu, 'compatibility'));
    if (!adapter) throw new UserError('this browser offers no WebGPU adapter; turn on its hardware acceleration, or use a recent Chromium');
    return { adapter, level: adapter.features.has('core-features-and-limits') ? 'core' : 'compatibility', backend: 'browser' };
  }
  // What Dawn prints while it lists adapters is for its developers: the user sees the adapter line,
  // or, when there is none, Dawn's first reasons inside the one-line error.
  const { result, printed } = await capturingStderr(() => findNodeAdapter(backend));
  if (result) return result;
  const why = printed.split('\n').filter((l) => /^(Warning|Error): /.test(l) && !LIMIT_WARNING.test(l)).slice(0, 2).map((l) => l.replace(/^\w+: /, ''));
  throw new UserError(`no WebGPU adapter found${why.length ? ` (Dawn: ${why.join('; ')})` : ''}; ${NO_ADAPTER_FIX}`);
}

async function findNodeAdapter(backend: Backend): Promise<Found | null> {
  if (backend !== 'opengles') {
    const adapter = await tryAdapter(await nodeGpu('vulkan'), 'core');
    if (adapter) return { adapter, level: 'core', backend: 'vulkan' };
    if (backend === 'vulkan') return null;
  }
  const adapter = await tryAdapter(await nodeGpu('opengles'), 'compatibility');
  return adapter && { adapter, level: 'compatibility', backend: 'opengles' };
}

/**
 * Dawn prints this on stderr (twice) whenever it lists a Vulkan adapter whose dynamic-buffer limits exceed
 * its own, as lavapipe's and RADV's do: expected, and no reason for there being no adapter.
 */
const LIMIT_WARNING = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.$/;

/**
 * Runs `fn` with the process's stderr (fd 2, where Dawn's C++ writes) pointed at an unlinked temporary
 * file, and returns what was written there. Node has no dup2, so fd 2 is closed and the file reopened in
 * its place (an open takes the lowest free descriptor); afterwards the original is reopened the same way
 * through /proc/self/fd. That needs Linux, descriptors 0 and 1 open, and a terminal or pipe on fd 2: a
 * socket cannot be reopened, and a regular file reopened would no longer share its offset with stdout,
 * so there `fn` just runs (and a log file gets the warnings).
 */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<{ result: T; printed: string }> {
  const fs = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const stat = (fd: number): import('node:fs').Stats | null => {
    try {
      return fs.fstatSync(fd);
    } catch {
      return null;
    }
  };
  const err = stat(2);
  const uncaptured = async (): Promise<{ result: T; printed: string }> => ({ result: await fn(), printed: '' });
  if (process.platform !== 'linux' || !stat(0) || !stat(1) || !err || !(err.isFIFO() || err.isCharacterDevice())) return uncaptured();
  void process.stderr; // Node's stream for fd 2 is made now, for the terminal or pipe it is
  const path = join(tmpdir(), `oaenet-stderr-${process.pid}-${Date.now()}.txt`);
  const open = (file: string, flags: string | number): number | null => {
    try {
      return fs.openSync(file, flags);
    } catch {
      return null;
    }
  };
  const original = open('/proc/self/fd/2', fs.constants.O_WRONLY);
  const capture = original === null ? null : open(path, 'wx+');
  if (original === null || capture === null) {
    if (original !== null) fs.closeSync(original);
    return uncaptured();
  }
  fs.rmSync(path); // reached through the descriptor from now on, so a crash leaves no file behind
  const moveTo2 = (source: number): void => {
    fs.closeSync(2);
    const fd = fs.openSync(`/proc/self/fd/${source}`, fs.constants.O_WRONLY);
    if (fd !== 2) throw new Error(`stderr was reopened as descriptor ${fd}, not 2`);
  };
  try {
    moveTo2(capture);
    return { result: await fn(), printed: fs.readFileSync(capture, 'utf8') };
  } finally {
    moveTo2(original);
    fs.closeSync(original);
    fs.closeSync(capture);
  }
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
