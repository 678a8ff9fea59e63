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
