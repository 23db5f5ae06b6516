/**
 * dlflow: deep learning for TypeScript on Node.js.
 *
 * @example
 * import * as dl from 'dlflow';
 * dl.manualSeed(0);
 * const w = dl.randn([784, 256], { requiresGrad: true });
 * const x = dl.rand([128, 784]);
 * const loss = x.matmul(w).relu().square().mean();
 * loss.backward();
 * console.log(w.grad!.shape, loss.item());
 */
export { Tensor, tidy, isTensor } from './core/tensor.js';
export type { NestedArray, TensorOrScalar, ReduceOptions, VarOptions } from './core/tensor.js';
export type { DType } from './base/dtype.js';
export { Generator, manualSeed, defaultGenerator } from './core/generator.js';
export type { GeneratorState } from './core/generator.js';
export { keep } from './core/scope.js';
export { memory } from './core/memory.js';
export type { MemoryInfo } from './core/memory.js';
export { getBackend, setBackend, availableBackends, withBackend, setNumThreads, getNumThreads } from './backends/select.js';
export type { BackendName } from './backends/select.js';
export type { Backend } from './backends/backend.js';
export { hostFallbacks, type HostFallback } from './core/host_fallback.js';
export {
  tensor, full, zeros, ones, empty, zerosLike, onesLike, fullLike, arange, linspace, eye,
  rand, randn, randint, randperm, randLike, randnLike, randintLike,
} from './ops/creation.js';
export type { TensorOptions, RandomOptions } from './ops/creation.js';
export { cat, stack } from './ops/join.js';
export { oneHot } from './ops/indexing.js';
export type { ValuesIndices } from './ops/reduce.js';
export * from './ops/functional.js';
export { noGrad, enableGrad, isGradEnabled } from './autograd/grad_mode.js';
export * as autograd from './ops/autograd_namespace.js';
export * as optim from './optim/index.js';
export { save, load, loadMetadata, serializeSafetensors, parseSafetensors } from './io/safetensors.js';
export type { TensorDict, SafetensorsContents } from './io/safetensors.js';
export * as nn from './nn/index.js';
export * as metrics from './metrics/index.js';
export * as report from './report/index.js';
export { writeFileAtomic, writeFileAtomicSync } from './io/atomic_write.js';
export * as data from './data/index.js';
export { Trainer } from './train/index.js';
export * as train from './train/index.js';
export * as tune from './tune/index.js';
export * as onnx from './onnx/index.js';
export * as distributed from './distributed/index.js';
export * as serve from './serve/index.js';
