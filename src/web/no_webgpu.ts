// What a browser user reads when WebGPU is missing: why (an insecure address, no navigator.gpu, no
// adapter), which browsers have it and how to turn it on, and what chrome://gpu should show.

import { el } from './dom.js';

export type WebGpuProblem = 'insecure' | 'missing' | 'no-adapter';

export function webGpuProblem(): WebGpuProblem | null {
  if (!window.isSecureContext) return 'insecure';
  return 'gpu' in navigator && navigator.gpu ? null : 'missing';
}

const WHY: Record<WebGpuProblem, string> = {
  insecure: `This page was opened from ${location.origin}, and browsers give WebGPU only to secure pages: open it from http://127.0.0.1 (npm run serve), http://localhost or https.`,
  missing: 'This browser does not offer WebGPU (navigator.gpu is missing), and everything here — face detection, the mask, OAENet, training — runs on it.',
  'no-adapter': 'This browser has WebGPU but found no usable GPU adapter: the GPU or its driver may be blocklisted, or hardware acceleration is off.',
};

export function noWebGpuMessage(problem: WebGpuProblem, detail: string): HTMLElement {
  return el(
    'div',
    {},
    el('h2', {}, 'WebGPU is not available'),
    el('p', {}, WHY[problem]),
    el('p', {}, 'Browsers with WebGPU:'),
    el(
      'ul',
      {},
      el('li', {}, 'Chrome and Edge 113 or later on Windows, macOS and ChromeOS (121 or later on Android): on by default.'),
      el('li', {}, 'Chrome on Linux: turn on chrome://flags/#enable-unsafe-webgpu and chrome://flags/#enable-vulkan, then restart (or start it with --enable-unsafe-webgpu --enable-features=Vulkan).'),
      el('li', {}, 'Firefox 141 or later on Windows; elsewhere Firefox Nightly, or dom.webgpu.enabled in about:config.'),
      el('li', {}, 'Safari 26 or later (macOS, iOS, iPadOS); Safari 18: Develop → Feature Flags → WebGPU.'),
    ),
    el('p', {}, 'To check Chrome or Edge, open chrome://gpu: under "Graphics Feature Status", WebGPU should read "Hardware accelerated". "Disabled" or "Software only" means it is off or blocklisted: update the GPU driver, turn on "Use graphics acceleration when available" in the settings, or turn on the flag above.'),
    el('p', { className: 'detail' }, `Browser's reason: ${detail}`),
  );
}
