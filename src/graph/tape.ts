// Reverse-mode autograd over a tape. Ops call record() after their forward dispatch; backward()
// walks the tape from the newest node, accumulates gradients per tensor, adds leaf gradients into
// `.grad` in place (so repeated steps reuse the same buffers), and releases what the tape saved.

import { scope, Tensor, type GradNode } from './tensor.js';
import { accumulate, copy, ones } from '../kernels/launchers/elementwise.js';

/** Returns the gradient of each input (null where it has none). Saved tensors come in `saved`. */
export type BackwardFn = (g: Tensor, saved: Tensor[]) => (Tensor | null)[];

interface Node extends GradNode {
  inputs: (Tensor | null)[];
  output: Tensor;
  saved: Tensor[];
  backward: BackwardFn;
}

let tape: Node[] = [];
let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs fn without recording (inference, optimizer updates, metrics). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

/**
 * Records `output = op(inputs)` when some input requires a gradient. `saved` are the tensors the
 * backward rule reads; the tape holds its own handles to them until backward() or clearTape().
 */
export function record(name: string, inputs: (Tensor | null)[], output: Tensor, backward: BackwardFn, saved: Tensor[] = []): Tensor {
  if (!gradEnabled || !inputs.some((t) => t?.requiresGrad)) return output;
  const node: Node = { name, inputs, output, backward, saved: saved.map((t) => t.share()) };
  output.requiresGrad = true;
  output.node = node;
  tape.push(node);
  return output;
}

export function tapeLength(): number {
  return tape.length;
}

/** Drops the tape without a backward pass (e.g. after an evaluation forward with grads on). */
export function clearTape(): void {
  for (const n of tape) for (const s of n.saved) s.dispose();
  tape = [];
}

/**
 * d(sum(loss · seed))/d(leaf) for every leaf that requires a gradient, added into leaf.grad.
 * seed defaults to ones. The tape is consumed.
 */
export function backward(loss: Tensor, seed?: Tensor): void {
  if (!loss.requiresGrad) throw new Error('backward(): the loss does not depend on any tensor that requires a gradient');
  const nodes = tape;
  tape = [];
  scope(() => {
    const grads = new Map<number, Tensor>();
    grads.set(loss.id, seed ?? ones(loss.shape));
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      const g = grads.get(node.output.id);
      if (g) {
        grads.delete(node.output.id);
        const inGrads = node.backward(g, node.saved);
        // A rule may pass g through or return one tensor twice (add): each owner gets its own.
        const handedOut = new Set<Tensor>();
        let gOwned = g !== seed;
        node.inputs.forEach((x, k) => {
          let gx = inGrads[k];
          if (!x || !gx || !x.requiresGrad) return;
          if (gx === g && gOwned) gOwned = false;
          else if (gx === g || handedOut.has(gx)) gx = copy(gx);
          handedOut.add(gx);
          if (!x.node) {
            // A leaf: accumulate into .grad, reusing its buffer.
            if (x.grad) {
              accumulate(x.grad, gx);
              gx.dispose();
            } else x.grad = gx.keep();
          } else {
            const prev = grads.get(x.id);
            if (prev) {
              accumulate(prev, gx);
              gx.dispose();
            } else grads.set(x.id, gx);
          }
        });
        if (gOwned) g.dispose();
      }
      for (const s of node.saved) s.dispose();
    }
  });
}
