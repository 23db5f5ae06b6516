/** Fully connected layer. */
import type { Tensor } from '../../core/tensor.js';
import type { FunctionalForm } from '../functional/fusion.js';
import { linear } from '../functional/linear.js';
import { resetWeightAndBias } from './default_init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { biasOf, checkSize, type BiasArgument } from '../options.js';
import { pyBool } from '../repr.js';

/**
 * y = x·Wᵀ + b with W [outFeatures, inFeatures]. Initialised as PyTorch: W ~ U(−1/√in, 1/√in)
 * (kaiming-uniform with a = √5) and b ~ U(−1/√in, 1/√in).
 *
 * @example
 * const fc = new nn.Linear(784, 256);
 * fc.forward(dl.randn([128, 784])).shape; // [128, 256]
 */
export class Linear extends Module {
  weight: Parameter;
  bias: Parameter | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, bias: BiasArgument = true) {
    super();
    checkSize('Linear', 'inFeatures', inFeatures);
    checkSize('Linear', 'outFeatures', outFeatures);
    this.weight = Parameter.empty([outFeatures, inFeatures]);
    this.bias = biasOf('Linear', bias) ? Parameter.empty([outFeatures]) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    resetWeightAndBias(this.weight, this.bias);
  }

  override forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override functionalForm(): FunctionalForm | null {
    return this.forward === Linear.prototype.forward ? { op: 'linear', weight: this.weight, bias: this.bias } : null;
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyBool(this.bias !== null)}`;
  }
}
