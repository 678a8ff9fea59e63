// Every kernel declaration against its WGSL (no GPU needed): params in order with their types, bindings
// by name and access, overrides; every @compute entry point has a declaration; and a declaration that
// disagrees with its shader is refused with the disagreement named.

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { test } from './harness.js';
import * as assert from 'uvu/assert';
import { contractProblems, encodeParams, kernel, kernelName, type Kernel } from '../src/kernels/kernel.js';
import { PRELUDE } from '../src/kernels/pipeline.js';
import { loadShaderDir, shaderSource } from '../src/kernels/shader.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const launchers = join(root, 'build/src/kernels/launchers');
const shader = (name: string): string => readFileSync(join(root, 'shaders', `${name}.wgsl`), 'utf8');


let all: readonly Kernel[] = [];
test.before(async () => {
  await loadShaderDir();
  const modules = readdirSync(launchers).filter((f) => f.endsWith('.js'));
  for (const f of modules) all = [...all, ...Object.values((await import(pathToFileURL(join(launchers, f)).href) as { kernels: Record<string, Kernel> }).kernels)];
});

test('every declaration matches its shader', () => {
  assert.ok(all.length > 0);
  const bad = all.map((k) => [kernelName(k), contractProblems(k, shaderSource(k.shader), PRELUDE)] as const).filter(([, p]) => p.length);
  assert.equal(bad, []);
});

test('every @compute entry point of every shader is declared once', () => {
  const names = all.map(kernelName);
  assert.equal(names.length, new Set(names).size, 'a kernel declared twice');
  const entries = readdirSync(join(root, 'shaders')).filter((f) => f.endsWith('.wgsl')).flatMap((f) => {
    const name = f.slice(0, -5);
    return [...shader(name).matchAll(/@compute[^;{]*\bfn\s+(\w+)\s*\(/g)].map((m) => (m[1] === 'main' ? name : `${name}.${m[1]}`));
  });
  assert.equal(entries.filter((e) => !names.includes(e)), [], 'entry points without a declaration');
});

const src = `
override WG: u32 = 64;
struct Params { n: u32, off: i32, scale: f32, eps: vec2u }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> x: array<f32>;   // the input
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3u) {}
`;
const good = { shader: 't', params: { n: 'u32', off: 'i32', scale: 'f32', eps: 'vec2u' }, reads: ['x'], writes: ['y'], overrides: ['WG'] } as const;

test('a declaration that disagrees with its shader is named', () => {
  assert.equal(contractProblems(kernel(good), src), []);
  const problems = (d: object) => contractProblems(kernel({ ...good, ...d } as typeof good), src).join('\n');
  assert.match(problems({ params: { off: 'i32', n: 'u32', scale: 'f32', eps: 'vec2u' } }), 'struct Params is { n: u32, off: i32, scale: f32, eps: vec2u }, declared { off: i32, n: u32');
  assert.match(problems({ params: { n: 'u32', off: 'u32', scale: 'f32', eps: 'vec2u' } }), 'declared { n: u32, off: u32');
  assert.match(problems({ params: { n: 'u32', off: 'i32', scale: 'f32' } }), 'declared { n: u32, off: i32, scale: f32 }');
  assert.match(problems({ reads: ['y'], writes: ['x'] }), 'binding 1 should be var<storage, read> y; the shader has var<storage, read> x there');
  assert.match(problems({ reads: ['x', 'z'] }), 'binding 2 should be var<storage, read> z');
  assert.match(problems({ writes: ['y', 'z'] }), 'binding 3 should be var<storage, read_write> z; the shader has nothing there');
  assert.match(problems({ entry: 'forward' }), 'no @compute fn forward');
  assert.match(problems({ overrides: ['WG', 'TILE'] }), 'no override TILE');
  assert.match(problems({ uniform: 'Other' }), 'no struct Other');
});

test('params are encoded as their declared WGSL types, vec2 aligned to 8 bytes', () => {
  const k = kernel({ ...good, params: { n: 'u32', off: 'i32', scale: 'f32', eps: 'vec2u' } });
  const words = Array.from(encodeParams(k, { n: 7, off: -2, scale: 0.5, eps: [1, 2] }));
  assert.equal(words, [7, 0xfffffffe, 0x3f000000, 0, 1, 2]);
  assert.throws(() => encodeParams(k, { n: 7, off: -2, scale: 0.5 } as never), /param eps is missing/);
});

test.run();
