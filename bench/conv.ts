// Convolution kernels on OAENet-like shapes at batch 2: forward, dX and dW, in GFLOP/s on the current adapter;
// then pointwise dW through the general kernel and the vec4 one, same run, so their ratio is comparable.
// Run: npm run build:test && node build/bench/conv.js [seconds per measurement, default 0.5]

import { closeGpu, gpu, initGpu } from '../src/kernels/context.js';
import { Tensor } from '../src/graph/tensor.js';
import { convGeometry, transposedGeometry } from '../src/kernels/conv_geometry.js';
import { convForward } from '../src/kernels/launchers/conv2d.js';
import { transposedConv } from '../src/kernels/launchers/conv_transpose2d.js';
import { generalWeightGrad, pointwiseWeightGrad, weightGrad } from '../src/kernels/launchers/conv_wgrad.js';

interface Shape {
  name: string;
  x: [number, number, number, number];
  w: [number, number, number, number];
  stride: number;
  padding: number;
  groups: number;
  transposed?: boolean;
}

const N = 2;
const shapes: Shape[] = [
  { name: 'pointwise 144→24 @56', x: [N, 144, 56, 56], w: [24, 144, 1, 1], stride: 1, padding: 0, groups: 1 },
  { name: 'depthwise 144 3×3 s1 @56', x: [N, 144, 56, 56], w: [144, 1, 3, 3], stride: 1, padding: 1, groups: 144 },
  { name: 'depthwise 144 3×3 s2 @56', x: [N, 144, 56, 56], w: [144, 1, 3, 3], stride: 2, padding: 1, groups: 144 },
  { name: '3×3 256→256 @14', x: [N, 256, 14, 14], w: [256, 256, 3, 3], stride: 1, padding: 1, groups: 1 },
  { name: '7×7/2 3→64 @112', x: [N, 3, 112, 112], w: [64, 3, 7, 7], stride: 2, padding: 3, groups: 1 },
  { name: 'transposed k4s2 256→128 @14', x: [N, 256, 14, 14], w: [256, 128, 4, 4], stride: 2, padding: 1, groups: 1, transposed: true },
];

const seconds = Number(process.argv[2] ?? 0.5);

function random(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.random() - 0.5;
  return Tensor.from(data, shape);
}

/** Seconds per call of fn (which returns a tensor to dispose), after a warm-up. */
async function time(fn: () => Tensor): Promise<number> {
  fn().dispose();
  await gpu().sync();
  let iters = 0;
  const t0 = performance.now();
  do {
    fn().dispose();
    iters++;
    if (iters % 4 === 0 || iters < 4) await gpu().sync();
  } while (performance.now() - t0 < seconds * 1000);
  await gpu().sync();
  return (performance.now() - t0) / 1000 / iters;
}

await initGpu();
console.log(`adapter: ${gpu().info.adapterName} (${gpu().info.software ? 'software' : 'hardware'}, ${gpu().info.backend})`);
console.log('shape                           forward GFLOP/s (ms)     dX GFLOP/s (ms)     dW GFLOP/s (ms)');
for (const s of shapes) {
  const opts = { stride: s.stride, padding: s.padding, groups: s.groups };
  const { geom, ho, wo } = s.transposed ? transposedGeometry(s.x, s.w, opts) : convGeometry(s.x, s.w, opts);
  const [n, cin, h, w] = s.x;
  const [w0, w1, kh, kw] = s.w;
  const cout = s.transposed ? w1 * s.groups : w0;
  // Multiply-adds of the forward; dX and dW perform the same number.
  const flops = 2 * n * (s.transposed ? cin * h * w * w1 : cout * ho * wo * w1) * kh * kw;
  const x = random(s.x);
  const wt = random(s.w);
  const dy = random([n, cout, ho, wo]);
  const fwd = s.transposed ? () => transposedConv(x, wt, null, geom, ho, wo) : () => convForward(x, wt, null, geom, ho, wo);
  const dx = s.transposed ? () => convForward(dy, wt, null, geom, h, w) : () => transposedConv(dy, wt, null, geom, h, w);
  const dw = s.transposed ? () => weightGrad(x, dy, kh, kw, geom) : () => weightGrad(dy, x, kh, kw, geom);
  const cols = [];
  for (const fn of [fwd, dx, dw]) {
    const t = await time(fn);
    cols.push(`${(flops / t / 1e9).toFixed(1).padStart(8)} (${(t * 1e3).toFixed(2).padStart(7)})`);
  }
  console.log(`${s.name.padEnd(30)} ${cols.join('    ')}`);
  for (const t of [x, wt, dy]) t.dispose();
}

// The tuned vec4 tiles, or on a CPU adapter (whose tuning leaves the vec4 kernel off) its best measured ones.
const tiles = gpu().tuning.conv.pointwiseWgrad ?? [8, 4];
console.log(`\npointwise dW                    general GFLOP/s (ms)    vec4 ${tiles.join('×')} GFLOP/s (ms)   vec4/general`);
const pointwise: [cin: number, cout: number, size: number][] = [[144, 24, 56], [24, 144, 56], [96, 576, 14]];
for (const n of [2, 8]) {
  for (const [cin, cout, size] of pointwise) {
    const x = random([n, cin, size, size]);
    const dy = random([n, cout, size, size]);
    const flops = 2 * n * cin * cout * size * size;
    const geom = { sh: 1, sw: 1, pt: 0, pl: 0, groups: 1 };
    const cols = [];
    const times = [];
    for (const fn of [() => generalWeightGrad(dy, x, 1, 1, geom), () => pointwiseWeightGrad(dy, x, tiles)]) {
      const t = await time(fn);
      times.push(t);
      cols.push(`${(flops / t / 1e9).toFixed(1).padStart(8)} (${(t * 1e3).toFixed(2).padStart(7)})`);
    }
    console.log(`${`${cin}→${cout} @${size} batch ${n}`.padEnd(30)} ${cols.join('    ')}   ${(times[0]! / times[1]!).toFixed(2).padStart(8)}×`);
    for (const t of [x, dy]) t.dispose();
  }
}
closeGpu();
