/** The default initialisation PyTorch gives a layer's weight and bias (Linear, ConvNd, ConvTransposeNd). */
import type { Tensor } from '../../core/tensor.js';
import { calculateFanInAndFanOut, kaimingUniform_, uniform_ } from '../init.js';

/** W kaiming-uniform with a = √5 (so U(−1/√fanIn, 1/√fanIn)), b ~ U(−1/√fanIn, 1/√fanIn). */
export function resetWeightAndBias(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias !== null) {
    const { fanIn } = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}
