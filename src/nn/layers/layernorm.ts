/** Layer normalisation over trailing dims. */
import type { Tensor } from '../../core/tensor.js';
import { layerNorm } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat, pyTuple } from '../repr.js';

/**
 * y = (x − μ)/√(σ² + eps)·γ + β with μ, σ² over the trailing `normalizedShape` dims of each
 * sample; γ (ones) and β (zeros) have that shape when `elementwiseAffine`.
 *
 * @example
 * new nn.LayerNorm(10).forward(dl.randn([4, 10]));
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  weight: Parameter | null;
  bias: Parameter | null;

  constructor(normalizedShape: number | readonly number[], readonly eps = 1e-5, readonly elementwiseAffine = true) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    this.weight = elementwiseAffine ? Parameter.empty(this.normalizedShape) : null;
    this.bias = elementwiseAffine ? Parameter.empty(this.normalizedShape) : null;
    this.resetParameters();
  }

  resetParameters(): void {
    if (this.weight !== null) ones_(this.weight);
    if (this.bias !== null) zeros_(this.bias);
  }

  override forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  override extraRepr(): string {
    return `${pyTuple(this.normalizedShape)}, eps=${pyFloat(this.eps)}, elementwise_affine=${pyBool(this.elementwiseAffine)}`;
  }
}
