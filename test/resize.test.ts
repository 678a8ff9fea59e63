import { test } from './harness.js';
import { Tensor } from '../src/graph/tensor.js';
import { reference, resizeBilinear } from '../src/graph/ops/resize.js';
import { assertClose, randn, rng, setupGpu } from './util.js';

test.before(async () => {
  await setupGpu();
});

for (const [planes, h, w, ho, wo] of [[3, 224, 224, 64, 64], [2, 7, 9, 3, 5], [1, 5, 5, 11, 8]] as const) {
  test(`bilinear resize ${planes}×${h}×${w} → ${ho}×${wo}`, async () => {
    const x = randn(rng(h * w + ho), planes * h * w);
    const y = resizeBilinear(Tensor.from(x, [planes, h, w]), ho, wo);
    assertClose(await y.read(), reference.resizeBilinear(x, planes, h, w, ho, wo), 1e-5, 1e-6, 'resize');
  });
}

test.run();
