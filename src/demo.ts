// The README's main command until OAENet lands: the engine demo on whatever WebGPU adapter is present.

import { closeGpu, initGpu } from './kernels/context.js';
import { runDemo } from './training/demo_run.js';

async function main(): Promise<void> {
  const gpu = await initGpu();
  console.log(`adapter: ${gpu.info.adapterName} (${gpu.info.backend}, ${gpu.info.software ? 'software' : 'hardware'})`);
  await runDemo(150, (line) => console.log(line));
  closeGpu();
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  closeGpu();
  process.exit(1);
});
