// float64 references of the elementwise ops.

type Arr = ArrayLike<number>;

export const relu = (x: Arr) => Array.from(x, (v) => Math.max(v, 0));
export const relu6 = (x: Arr) => Array.from(x, (v) => Math.min(Math.max(v, 0), 6));
export const leakyRelu = (x: Arr, s: number) => Array.from(x, (v) => (v > 0 ? v : s * v));
export const reluGrad = (g: Arr, x: Arr) => Array.from(x, (v, i) => (v > 0 ? g[i]! : 0));
export const relu6Grad = (g: Arr, x: Arr) => Array.from(x, (v, i) => (v > 0 && v < 6 ? g[i]! : 0));
export const leakyReluGrad = (g: Arr, x: Arr, s: number) => Array.from(x, (v, i) => (v > 0 ? g[i]! : s * g[i]!));
export const add = (a: Arr, b: Arr) => Array.from(a, (v, i) => v + b[i]!);
export const mul = (a: Arr, b: Arr) => Array.from(a, (v, i) => v * b[i]!);
export const fusion = (x: Arr, a: Arr) => Array.from(x, (v, i) => v * (1 + a[i]!));
