// Every differentiable op, by name: each module holds its shape checks and backward rule; its kernels are
// launched from src/kernels/launchers/ and its float64 CPU references are in src/reference/.

export { add, sub, mul, fusion, scale, relu, relu6, leakyRelu, fill, zeros, ones, copy, accumulate, broadcastScalar } from './elementwise.js';
export { sum, mean, channelSum } from './reduce.js';
export { reshape } from './reshape.js';
export { conv2d, type Conv2dOptions } from './conv2d.js';
export { convTranspose2d, type ConvTranspose2dOptions } from './conv_transpose2d.js';
export { linear } from './linear.js';
export { batchNorm2d, type BatchNormOptions } from './batch_norm2d.js';
export { maxPool2d, type MaxPoolOptions } from './max_pool2d.js';
export { globalAvgPool } from './global_avg_pool.js';
export { upsampleBilinear2x } from './upsample_bilinear2d.js';
export { concat } from './concat.js';
export { softmax } from './softmax.js';
export { crossEntropy } from './cross_entropy.js';
