import { test } from './harness.js';
import { resizeBilinear } from '../src/kernels/launchers/resize.js';
import * as reference from '../src/reference/resize.js';
import { checkOp, randn, rng, setupGpu } from './util.js';

test.before(async () => {
  await setupGpu();
});

for (const [planes, h, w, ho, wo] of [[3, 224, 224, 64, 64], [2, 7, 9, 3, 5], [1, 5, 5, 11, 8]] as const) {
  test(`bilinear resize ${planes}×${h}×${w} → ${ho}×${wo}`, async () => {
    const x = randn(rng(h * w + ho), planes * h * w);
    await checkOp('resize', [{ data: x, shape: [planes, h, w] }], ([xs]) => resizeBilinear(xs!, ho, wo), {
      y: reference.resizeBilinear(x, planes, h, w, ho, wo),
    }, 1e-5, 1e-6);
  });
}

test.run();
