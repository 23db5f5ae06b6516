/**
 * `nn.functional` (also exported as `nn.F`): each layer's and loss's math as a plain function.
 *
 * @example
 * const { F } = dl.nn;
 * const loss = F.crossEntropy(F.linear(x, w, b), labels);
 */
export { linear, linearRelu, bilinear } from './linear.js';
export { conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d, pad } from './conv.js';
export type { ConvOptions, ConvTransposeOptions, ConvPadding, PadMode, SizeOption } from './conv.js';
export * from './activation.js';
export { dropout, alphaDropout, dropout1d, dropout2d, dropout3d } from './dropout.js';
export { batchNorm, layerNorm, groupNorm, instanceNorm } from './normalization.js';
export type { BatchNormOptions, InstanceNormOptions } from './normalization.js';
export {
  maxPool1d, maxPool2d, maxPool3d, avgPool1d, avgPool2d, avgPool3d, adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveAvgPool3d,
  adaptiveMaxPool1d, adaptiveMaxPool2d, adaptiveMaxPool3d,
} from './pooling.js';
export type { MaxPoolOptions, AvgPoolOptions, AdaptiveMaxPoolOptions, PoolSize, AdaptiveSize } from './pooling.js';
export { interpolate } from './upsample.js';
export type { InterpolateOptions, InterpolateMode } from './upsample.js';
export { embedding } from './embedding.js';
export { recurrent, recurrentCell, rnnTanhCell, rnnReluCell, lstmCell, gruCell } from './recurrent.js';
export type { RecurrentMode, RecurrentWeights, RecurrentState, RecurrentOptions, RecurrentResult } from './recurrent.js';
export type { EmbeddingOptions } from './embedding.js';
export { crossEntropy, nllLoss } from './loss_nll.js';
export type { CrossEntropyOptions, NLLLossOptions } from './loss_nll.js';
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from './loss_binary.js';
export type { BCEOptions, BCEWithLogitsOptions } from './loss_binary.js';
export { mseLoss, l1Loss, smoothL1Loss, huberLoss } from './loss_regression.js';
export type { RegressionOptions } from './loss_regression.js';
export { klDiv } from './loss_kl.js';
export type { KLDivOptions } from './loss_kl.js';
export { cosineEmbeddingLoss, marginRankingLoss } from './loss_ranking.js';
export type { MarginOptions } from './loss_ranking.js';
export type { Reduction } from './reduction.js';
