// Island-loss kernels (shaders/island.wgsl): rows of a [B, D] matrix grouped by i32 labels into K
// classes, and the pairwise-cosine term over the K×K Gram matrix of the class centres. Raw launches.

import { Tensor } from '../../graph/tensor.js';
import { kernel } from '../kernel.js';
import { launch, launch1d } from '../launch.js';

const params = { b: 'u32', d: 'u32', k: 'u32', fill: 'f32' } as const;
export const kernels = {
  segment: kernel({ shader: 'island', entry: 'segment', params, reads: ['labels', 'src'], writes: ['dst'], overrides: ['WG', 'MEAN'] }),
  gather: kernel({ shader: 'island', entry: 'gather', params, reads: ['labels', 'src'], writes: ['dst'], overrides: ['WG', 'MEAN'] }),
  pairLoss: kernel({ shader: 'island', entry: 'pair_loss', params, reads: ['gram'], writes: ['pair_out'] }),
  pairGrad: kernel({ shader: 'island', entry: 'pair_grad', params, reads: ['gram', 'pair_g'], writes: ['dgram'], overrides: ['WG'] }),
};

/** B rows of D features in K classes. */
export type Rows = { b: number; d: number; k: number };

/**
 * [K, D]: the sum of the rows of each class, or with `mean` their mean and `absent` for a class
 * without rows (0 without `mean`).
 */
export function segmentRows(x: Tensor, labels: Tensor, r: Rows, mean: boolean, absent = 0): Tensor {
  const dst = Tensor.empty([r.k, r.d]);
  launch1d(kernels.segment, r.k * Math.ceil(r.d / 4), { labels, src: x }, { dst }, { ...r, fill: mean ? absent : 0 }, { MEAN: mean ? 1 : 0 });
  return dst;
}

/** [B, D]: row b is src[label b] (divided by that class's size with `mean`), 0 for a label outside [0, K). */
export function gatherRows(src: Tensor, labels: Tensor, r: Rows, mean: boolean): Tensor {
  const dst = Tensor.empty([r.b, r.d]);
  launch1d(kernels.gather, r.b * Math.ceil(r.d / 4), { labels, src }, { dst }, { ...r, fill: 0 }, { MEAN: mean ? 1 : 0 });
  return dst;
}

/** Σ_{i≠j} (G_ij / √(G_ii G_jj) + 1) of a Gram matrix G [K, K] → 0-d, in one invocation. */
export function pairCosineLoss(gram: Tensor, k: number): Tensor {
  const out = Tensor.empty([]);
  launch(kernels.pairLoss, { gram }, { pair_out: out }, { b: 0, d: 0, k, fill: 0 }, [1]);
  return out;
}

/** d pairCosineLoss / dG [K, K] for the upstream gradient g (0-d). */
export function pairCosineGrad(gram: Tensor, g: Tensor, k: number): Tensor {
  const dgram = Tensor.empty([k, k]);
  launch1d(kernels.pairGrad, k * k, { gram, pair_g: g }, { dgram }, { b: 0, d: 0, k, fill: 0 });
  return dgram;
}
