/**
 * `nn.functional` (also exported as `nn.F`): each layer's and loss's math as a plain function.
 *
 * @example
 * const { F } = dl.nn;
 * const loss = F.crossEntropy(F.linear(x, w, b), labels);
 */
export { linear, linearRelu, bilinear } from './linear.js';
export * from './activation.js';
export { dropout, alphaDropout } from './dropout.js';
export { batchNorm, layerNorm } from './normalization.js';
export type { BatchNormOptions } from './normalization.js';
export { embedding } from './embedding.js';
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
