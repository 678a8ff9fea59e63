// Browser entry of web/engine.html (web/engine.js, built by `npm run build:web`): registers the inlined
// WGSL, then runs the engine demo (a small conv net on generated gratings) on navigator.gpu and reports
// into the page.

import shaders from 'oaenet:shaders';
import { initGpu } from '../kernels/context.js';
import { setShaderSources } from '../kernels/shader.js';
import { runDemo } from '../training/demo_run.js';

setShaderSources(shaders);

async function main(): Promise<void> {
  const out = document.getElementById('log')!;
  const log = (line: string): void => {
    out.textContent += line + '\n';
    console.log(line);
  };
  try {
    const gpu = await initGpu();
    log(`adapter: ${gpu.info.adapterName} (${gpu.info.featureLevel}, ${gpu.info.software ? 'software' : 'hardware'})`);
    const steps = Number(new URLSearchParams(location.search).get('steps') ?? 150);
    const acc = await runDemo(steps, log);
    document.body.dataset.done = String(acc);
  } catch (e) {
    log(`error: ${e instanceof Error ? e.message : String(e)}`);
    document.body.dataset.error = String(e);
  }
}

void main();
