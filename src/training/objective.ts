// OAENet's training objective, as the original trains it: cross-entropy + 0.1 · island loss on the pooled feature +
// 1.0 · Lovász-softmax of seg_out against mask > 0.5. Validation reports the cross-entropy alone.

import type { Tensor } from '../graph/tensor.js';
import { add, crossEntropy, scale } from '../graph/ops/index.js';
import type { OAENetOutput } from '../model/oaenet.js';
import { islandLoss } from './losses/island.js';
import { lovaszSoftmax } from './losses/lovasz.js';
import { NUM_CLASSES } from '../data/labels.js';

export interface ObjectiveWeights {
  island: number;
  lovasz: number;
}

export const oaenetObjective = {
  total(out: OAENetOutput, labels: Tensor, mask: Tensor, w: ObjectiveWeights): Tensor {
    let loss = crossEntropy(out.logits, labels);
    if (w.island !== 0) {
      if (!out.pooled) throw new Error('the island loss needs the pooled feature of a train-mode forward');
      loss = add(loss, scale(islandLoss(out.pooled, labels, NUM_CLASSES), w.island));
    }
    if (w.lovasz !== 0) {
      if (!out.segOut) throw new Error('the Lovász loss needs seg_out of a train-mode forward');
      loss = add(loss, scale(lovaszSoftmax(out.segOut, mask), w.lovasz));
    }
    return loss;
  },
  crossEntropyOnly: (logits: Tensor, labels: Tensor): Tensor => crossEntropy(logits, labels),
};
