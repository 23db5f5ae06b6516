/**
 * `nn.parallel`: data-parallel training over a `dl.distributed` process group.
 *
 * @example
 * const ddp = new dl.nn.parallel.DistributedDataParallel(model, { processGroup: world });
 */
export { DistributedDataParallel, type DistributedDataParallelOptions } from './distributed.js';
export { SyncBatchNorm, type SyncBatchNormOptions } from './sync_batchnorm.js';
