// Bilinear resize (half-pixel centres, no antialiasing) of the last two axes, shaders/resize.wgsl.
// Used on data (network inputs, masks), so it records no gradient.

import { Tensor } from '../tensor.js';
import { f32bits, launch1d } from './launch.js';

export function resizeBilinear(x: Tensor, ho: number, wo: number): Tensor {
  const [h, w] = x.shape.slice(-2) as [number, number];
  const planes = x.size / (h * w);
  const y = Tensor.empty([...x.shape.slice(0, -2), ho, wo]);
  launch1d('resize', 'main', {}, [x], [y], planes * ho * wo, [planes, h, w, ho, wo, f32bits(h / ho), f32bits(w / wo)]);
  return y;
}

export const reference = {
  resizeBilinear(x: ArrayLike<number>, planes: number, h: number, w: number, ho: number, wo: number): number[] {
    const tap = (d: number, scale: number, n: number): [number, number, number] => {
      const s = Math.min(Math.max((d + 0.5) * scale - 0.5, 0), n - 1);
      const i0 = Math.floor(s);
      return [i0, Math.min(i0 + 1, n - 1), s - i0];
    };
    const out: number[] = [];
    for (let p = 0; p < planes; p++) {
      for (let oy = 0; oy < ho; oy++) {
        const [y0, y1, fy] = tap(oy, h / ho, h);
        for (let ox = 0; ox < wo; ox++) {
          const [x0, x1, fx] = tap(ox, w / wo, w);
          const at = (yy: number, xx: number): number => x[(p * h + yy) * w + xx]!;
          const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
          const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
          out.push(top + (bottom - top) * fy);
        }
      }
    }
    return out;
  },
};
