/** Datasets, the DataLoader and splits. */
export { TensorDataset, Subset, FunctionDataset, isArrayItem, type Dataset, type ArrayItem } from './dataset.js';
export { DataLoader, type DataLoaderOptions, type DataLoaderState } from './dataloader.js';
export { defaultCollate, type Collated } from './collate.js';
export { permutation } from './shuffle.js';
export { DistributedSampler, type DistributedSamplerOptions, type Sampler } from './distributed_sampler.js';
export { randomSplit, randomSplitIndices, stratifiedSplit, splitRows, kFold, splitSizes, type Fold, type KFoldOptions, type SplitRows } from './split.js';
export { imageSplitTensors, volumeTensor } from './tensors.js';
