/** Bilinear layer. */
import type { Tensor } from '../../core/tensor.js';
import { bilinear } from '../functional/linear.js';
import { uniform_ } from '../init.js';
import { Module } from '../module.js';
import { biasOf, checkSize, type BiasArgument } from '../options.js';
import { Parameter } from '../parameter.js';
import { pyBool } from '../repr.js';

/**
 * y_k = x1ᵀ·A_k·x2 + b_k with A [out, in1, in2]; A and b ~ U(−1/√in1, 1/√in1) as PyTorch.
 *
 * @example
 * new nn.Bilinear(2, 3, 4).forward(dl.randn([5, 2]), dl.randn([5, 3])).shape; // [5, 4]
 */
export class Bilinear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly in1Features: number, readonly in2Features: number, readonly outFeatures: number, bias: BiasArgument = true) {
    super();
    for (const [name, v] of [['in1Features', in1Features], ['in2Features', in2Features], ['outFeatures', outFeatures]] as const) checkSize('Bilinear', name, v);
    this.weight = Parameter.empty([outFeatures, in1Features, in2Features]);
    this.bias = biasOf('Bilinear', bias) ? Parameter.empty([outFeatures]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    const bound = 1 / Math.sqrt(this.weight.shape[1]);
    uniform_(this.weight, -bound, bound);
    if (this.bias !== null) uniform_(this.bias, -bound, bound);
  }

  override forward(x1: Tensor, x2: Tensor): Tensor {
    return bilinear(x1, x2, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in1_features=${this.in1Features}, in2_features=${this.in2Features}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
