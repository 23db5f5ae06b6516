/**
 * `dl.nn`: modules, layers, losses, initialisers and the functional API, with PyTorch's
 * semantics and state-dict key names.
 *
 * @example
 * import * as dl from 'dlflow';
 * const { nn } = dl;
 * const model = new nn.Sequential(new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
 * const loss = new nn.CrossEntropyLoss().forward(model.forward(x), y);
 */
export { Module } from './module.js';
export type { StateDict, LoadStateDictResult, ToTarget } from './module.js';
export type { ModelSummary, SummaryRow, SummaryOptions } from './summary.js';
export { Parameter, isParameter } from './parameter.js';
export { Linear } from './layers/linear.js';
export { Conv1d, Conv2d, Conv3d, ConvNd, ConvTranspose1d, ConvTranspose2d, ConvTranspose3d, ConvTransposeNd } from './layers/conv.js';
export type { ConvLayerOptions, ConvTransposeLayerOptions, PaddingMode } from './layers/conv.js';
export { Bilinear } from './layers/bilinear.js';
export { Sequential } from './layers/sequential.js';
export { ModuleList } from './layers/module_list.js';
export { ModuleDict } from './layers/module_dict.js';
export { Identity, Flatten, Unflatten } from './layers/identity.js';
export { Dropout, AlphaDropout, Dropout1d, Dropout2d, Dropout3d } from './layers/dropout.js';
export type { DropoutOptions } from './layers/dropout.js';
export { BatchNorm1d, BatchNorm2d, BatchNorm3d } from './layers/batchnorm.js';
export { GroupNorm, InstanceNorm1d, InstanceNorm2d, InstanceNorm3d } from './layers/normalization.js';
export type { GroupNormOptions } from './layers/normalization.js';
export {
  MaxPool1d, MaxPool2d, MaxPool3d, AvgPool1d, AvgPool2d, AvgPool3d, AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveAvgPool3d,
  AdaptiveMaxPool1d, AdaptiveMaxPool2d, AdaptiveMaxPool3d,
} from './layers/pooling.js';
export { Upsample } from './layers/upsample.js';
export type { BatchNormOptions } from './layers/batchnorm.js';
export { LayerNorm } from './layers/layernorm.js';
export { Embedding } from './layers/embedding.js';
export { RNN, LSTM, GRU, RNNCell, LSTMCell, GRUCell, RNNBase, RNNCellBase } from './layers/recurrent.js';
export type { RecurrentLayerOptions, RNNOptions, RecurrentCellOptions, RNNCellOptions, SequenceLengths } from './layers/recurrent.js';
export type { EmbeddingLayerOptions } from './layers/embedding.js';
export {
  ReLU, ReLU6, LeakyReLU, PReLU, ELU, SELU, CELU, GELU, SiLU, Mish, Hardtanh, Hardswish,
  Sigmoid, Tanh, Softplus, Softsign, Softmax, LogSoftmax,
} from './layers/activation.js';
export { Loss } from './losses/loss.js';
export { CrossEntropyLoss, NLLLoss } from './losses/cross_entropy.js';
export { BCELoss, BCEWithLogitsLoss } from './losses/bce.js';
export { MSELoss, L1Loss, SmoothL1Loss, HuberLoss } from './losses/regression.js';
export { KLDivLoss } from './losses/kl_div.js';
export { CosineEmbeddingLoss, MarginRankingLoss } from './losses/ranking.js';
export * as parallel from './parallel/index.js';
export { SyncBatchNorm, type SyncBatchNormOptions } from './parallel/sync_batchnorm.js';
export * as init from './init.js';
export * as functional from './functional/index.js';
export * as F from './functional/index.js';
