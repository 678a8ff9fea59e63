// WGSL source by name. In Node every shaders/*.wgsl is read once at start-up; a browser bundle
// inlines the same texts and registers them with setShaderSources. Lookups are then synchronous,
// so recording a dispatch never waits.
// WGSL has no includes, so a line `#include NAME` is replaced by shaders/NAME.wgsl (once per shader):
// kernel families share their bindings and index decoding that way instead of repeating them.

let sources: Map<string, string> | null = null;
const resolved = new Map<string, string>();

export function setShaderSources(map: Record<string, string>): void {
  sources = new Map(Object.entries(map));
  resolved.clear();
}

/** Node: read shaders/ from the package root (found by walking up from this module). */
export async function loadShaderDir(): Promise<void> {
  if (sources) return;
  const { existsSync, readdirSync, readFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!(existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'shaders')))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('shaders/ folder not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  const map: Record<string, string> = {};
  for (const f of readdirSync(join(dir, 'shaders'))) {
    if (f.endsWith('.wgsl')) map[f.slice(0, -5)] = readFileSync(join(dir, 'shaders', f), 'utf8');
  }
  setShaderSources(map);
}

function rawSource(name: string): string {
  const text = sources?.get(name);
  if (text === undefined) throw new Error(sources ? `no shader named ${name} (shaders/${name}.wgsl)` : 'shaders not loaded: call initGpu() first');
  return text;
}

/** The shader's text with its includes inlined. */
export function shaderSource(name: string): string {
  let text = resolved.get(name);
  if (text === undefined) {
    const seen = new Set([name]);
    text = rawSource(name).replace(/^#include (\w+)[ \t]*$/gm, (_, inc: string) => {
      if (seen.has(inc)) return '';
      seen.add(inc);
      return rawSource(inc);
    });
    resolved.set(name, text);
  }
  return text;
}
