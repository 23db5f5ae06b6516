/** Tensors from loaded sources: MNIST-style splits and volumes. */
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import { normalizeImages, type ImageSplit } from '../sources/mnist.js';
import type { Volume } from '../sources/npy.js';

/**
 * An MNIST-style split as tensors: images float32 [N, 1, H, W] normalized as
 * `(x/255 − mean)/std`, labels int64 [N].
 */
export function imageSplitTensors(split: ImageSplit, mean = 0, std = 1): { x: Tensor; y: Tensor } {
  const { data, shape } = normalizeImages(split, mean, std);
  return { x: tensor(data, { shape }), y: tensor(BigInt64Array.from(split.labels, (v) => BigInt(v))) };
}

/** A volume as a float32 tensor [C, D, H, W]. */
export function volumeTensor(v: Volume): Tensor {
  return tensor(v.data, { shape: v.shape });
}
