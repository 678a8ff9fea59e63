// Row-wise softmax and cross-entropy of [B, K] logits (shaders/softmax.wgsl), one invocation per row.
// Raw launches, no autograd.

import { Tensor } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch1d } from '../launch.js';

const params = { rows: 'u32', k: 'u32', alpha: 'f32', invalid: 'f32' } as const;
const overrides = ['WG'] as const;
export const kernels = {
  forward: kernel({ shader: 'softmax', entry: 'forward', params, reads: ['x'], writes: ['y'], overrides }),
  backward: kernel({ shader: 'softmax', entry: 'backward', params, reads: ['sg', 'sy'], writes: ['sdx'], overrides }),
  crossEntropy: kernel({ shader: 'softmax', entry: 'ce_forward', params, reads: ['x', 'labels'], writes: ['loss'], overrides }),
  crossEntropyBackward: kernel({ shader: 'softmax', entry: 'ce_backward', params, reads: ['x', 'labels', 'cg'], writes: ['cdx'], overrides }),
};

export function softmaxForward(x: Tensor): Tensor {
  const [rows, k] = x.shape as [number, number];
  const y = Tensor.empty(x.shape);
  launch1d(kernels.forward, rows, { x }, { y }, { rows, k, alpha: 0, invalid: 0 });
  return y;
}

/** dx = y · (g − Σ g·y) per row, from the saved output y. */
export function softmaxBackward(g: Tensor, y: Tensor): Tensor {
  const [rows, k] = y.shape as [number, number];
  const dx = Tensor.empty(y.shape);
  launch1d(kernels.backward, rows, { sg: g, sy: y }, { sdx: dx }, { rows, k, alpha: 0, invalid: 0 });
  return dx;
}

/** Per-row losses log Σ exp(x) − x[label] → [B]; NaN for a label out of range. */
export function crossEntropyRows(logits: Tensor, labels: Tensor): Tensor {
  const [rows, k] = logits.shape as [number, number];
  const loss = Tensor.empty([rows]);
  launch1d(kernels.crossEntropy, rows, { x: logits, labels }, { loss }, { rows, k, alpha: 0, invalid: NaN });
  return loss;
}

/** d mean loss / d logits = (softmax − onehot) · g[0] / B, reading the upstream 0-d g on the GPU. */
export function crossEntropyBackward(g: Tensor, logits: Tensor, labels: Tensor): Tensor {
  const [rows, k] = logits.shape as [number, number];
  const dx = Tensor.empty(logits.shape);
  launch1d(kernels.crossEntropyBackward, rows, { x: logits, labels, cg: g }, { cdx: dx }, { rows, k, alpha: 1 / rows, invalid: 0 });
  return dx;
}
