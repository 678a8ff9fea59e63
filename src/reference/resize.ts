// float64 reference of bilinear resize with half-pixel centres of [planes, H, W] to [planes, ho, wo].

export function resizeBilinear(x: ArrayLike<number>, planes: number, h: number, w: number, ho: number, wo: number): number[] {
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
}
