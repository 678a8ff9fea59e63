// float64 reference of the Lovász-softmax loss and its gradient, by Berman's lovasz_grad on a stable sort of
// the errors.

/** Berman's lovasz_grad: the Lovász extension's gradient for foreground flags in sorted order. */
function lovaszGrad(fgSorted: number[]): number[] {
  const gts = fgSorted.reduce((a, v) => a + v, 0);
  let fgs = 0;
  const jac = fgSorted.map((f, k) => {
    fgs += f;
    return 1 - (gts - fgs) / (gts + (k + 1 - fgs));
  });
  for (let k = jac.length - 1; k > 0; k--) jac[k]! -= jac[k - 1]!;
  return jac;
}

/**
 * The loss and d loss / d logits, labels one class per pixel in (b, h, w) order. The gradient is PyTorch
 * autograd's of the reference expression: through |fg − p| (sign, 0 at 0) and the softmax.
 */
export function lovaszSoftmax(logits: ArrayLike<number>, shape: readonly number[], labels: ArrayLike<number>): { loss: number; grad: number[] } {
  const [b, c, h, w] = shape as [number, number, number, number];
  const hw = h * w;
  const n = b * hw;
  const at = (i: number, k: number) => (Math.floor(i / hw) * c + k) * hw + (i % hw);
  const probs: number[][] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: c }, (_, k) => logits[at(i, k)]!);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, v) => a + v, 0);
    probs.push(e.map((v) => v / s));
  }
  const dprob = Array.from({ length: n }, () => new Array<number>(c).fill(0));
  const losses: { loss: number; k: number; order: number[]; jac: number[] }[] = [];
  for (let k = 0; k < c; k++) {
    const fg = Array.from({ length: n }, (_, i) => (labels[i] === k ? 1 : 0));
    if (!fg.some((v) => v)) continue;
    const err = fg.map((f, i) => Math.abs(f - probs[i]![k]!));
    const order = err.map((_, i) => i).sort((a, z) => err[z]! - err[a]! || a - z);
    const jac = lovaszGrad(order.map((i) => fg[i]!));
    losses.push({ loss: order.reduce((a, i, r) => a + err[i]! * jac[r]!, 0), k, order, jac });
  }
  for (const { k, order, jac } of losses) {
    order.forEach((i, r) => {
      const f = labels[i] === k ? 1 : 0;
      dprob[i]![k]! += (jac[r]! * Math.sign(probs[i]![k]! - f)) / losses.length;
    });
  }
  const grad = new Array<number>(n * c).fill(0);
  for (let i = 0; i < n; i++) {
    const p = probs[i]!;
    const dot = p.reduce((a, v, k) => a + v * dprob[i]![k]!, 0);
    for (let k = 0; k < c; k++) grad[at(i, k)] = p[k]! * (dprob[i]![k]! - dot);
  }
  return { loss: losses.reduce((a, l) => a + l.loss, 0) / losses.length, grad };
}
