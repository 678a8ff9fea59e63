// float64 references of softmax over dim 1 of [B, K].

export function softmax(x: ArrayLike<number>, k: number): number[] {
  const y: number[] = [];
  for (let base = 0; base < x.length; base += k) {
    const row = Array.from({ length: k }, (_, j) => x[base + j]!);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    y.push(...e.map((v) => v / s));
  }
  return y;
}

/** dx = y · (g − Σ_k g·y) per row. */
export function softmaxGrad(g: ArrayLike<number>, x: ArrayLike<number>, k: number): number[] {
  const y = softmax(x, k);
  const dx: number[] = [];
  for (let base = 0; base < y.length; base += k) {
    let dot = 0;
    for (let j = 0; j < k; j++) dot += g[base + j]! * y[base + j]!;
    for (let j = 0; j < k; j++) dx.push(y[base + j]! * (g[base + j]! - dot));
  }
  return dx;
}
