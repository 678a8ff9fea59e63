// float64 references of global average pooling [N, C, H, W] → [N, C, 1, 1].

export function globalAvgPool(x: ArrayLike<number>, shape: readonly number[]): number[] {
  const [n, c] = shape as [number, number];
  const hw = x.length / (n * c);
  const out = new Array<number>(n * c).fill(0);
  for (let i = 0; i < x.length; i++) out[Math.floor(i / hw)]! += x[i]!;
  return out.map((s) => s / hw);
}

export function globalAvgPoolGrad(g: ArrayLike<number>, shape: readonly number[]): number[] {
  const [n, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  return Array.from({ length: n * c * hw }, (_, i) => g[Math.floor(i / hw)]! / hw);
}
