// float64 reference of the linear layer y = x·Wᵀ + b, x [B, in], w [out, in].

export function linear(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, batch: number, inF: number, outF: number): number[] {
  const y = new Array<number>(batch * outF).fill(0);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outF; o++) {
      let s = b ? b[o]! : 0;
      for (let i = 0; i < inF; i++) s += x[n * inF + i]! * w[o * inF + i]!;
      y[n * outF + o] = s;
    }
  }
  return y;
}

/** Gradients of sum(linear(x, w, b) · g): dx = g·W, dw = gᵀ·x, db = Σ_rows g. */
export function linearGrad(g: ArrayLike<number>, x: ArrayLike<number>, w: ArrayLike<number>, batch: number, inF: number, outF: number): { dx: number[]; dw: number[]; db: number[] } {
  const dx = new Array<number>(batch * inF).fill(0);
  const dw = new Array<number>(outF * inF).fill(0);
  const db = new Array<number>(outF).fill(0);
  for (let n = 0; n < batch; n++) {
    for (let o = 0; o < outF; o++) {
      const go = g[n * outF + o]!;
      db[o]! += go;
      for (let i = 0; i < inF; i++) {
        dx[n * inF + i]! += go * w[o * inF + i]!;
        dw[o * inF + i]! += go * x[n * inF + i]!;
      }
    }
  }
  return { dx, dw, db };
}
