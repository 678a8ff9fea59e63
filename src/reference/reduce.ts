// float64 references of the reductions.

export function channelSum(x: ArrayLike<number>, shape: readonly number[]): number[] {
  const [n, c] = shape as [number, number];
  const hw = x.length / (n * c);
  const out = new Array<number>(c).fill(0);
  for (let i = 0; i < x.length; i++) out[Math.floor(i / hw) % c]! += x[i]!;
  return out;
}

export function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]!;
  return s;
}
