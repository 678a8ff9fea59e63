// conv2d with its backward: dX is a transposed convolution, dW the conv weight-gradient reduction with
// (A, B) = (dY, x), db a channel sum. Kernels: src/kernels/launchers/{conv2d,depthwise,conv_transpose2d,
// conv_wgrad}.ts; float64 references: src/reference/conv2d.ts.

import type { FusedActivation } from '../../kernels/activation.js';
import { convGeometry, shape4, type ConvOptions } from '../../kernels/conv_geometry.js';
import { convForward } from '../../kernels/launchers/conv2d.js';
import { transposedConv } from '../../kernels/launchers/conv_transpose2d.js';
import { weightGrad } from '../../kernels/launchers/conv_wgrad.js';
import { isGradEnabled, record } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { channelSum } from './reduce.js';

export interface Conv2dOptions extends ConvOptions {
  /** Applied to the output inside the conv kernel (Conv-BN-act in eval mode). Inference only: no gradient flows through it. */
  activation?: FusedActivation;
}

/** 2-D convolution, w [Cout, Cin/groups, kh, kw], b [Cout] or none. */
export function conv2d(x: Tensor, w: Tensor, b?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  const [, , h, wd] = shape4(x, 'conv2d x');
  const [cout, , kh, kw] = shape4(w, 'conv2d w');
  if (b && (b.shape.length !== 1 || b.shape[0] !== cout)) throw new Error(`conv2d: bias [${b.shape}] for ${cout} output channels`);
  const { geom, ho, wo } = convGeometry(x.shape, w.shape, opts);
  if (opts.activation && isGradEnabled() && [x, w, b].some((t) => t?.requiresGrad)) {
    throw new Error('conv2d: a fused activation is inference-only; run it under noGrad(), or apply the activation as its own op');
  }
  const y = convForward(x, w, b ?? null, geom, ho, wo, opts.activation);
  return record('conv2d', [x, w, b ?? null], y, (g, [xs, ws]) => [
    x.requiresGrad ? transposedConv(g, ws!, null, geom, h, wd) : null,
    w.requiresGrad ? weightGrad(g, xs!, kh, kw, geom) : null,
    b?.requiresGrad ? channelSum(g) : null,
  ], [x, w]);
}
