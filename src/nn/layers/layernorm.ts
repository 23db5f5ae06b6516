/** Layer normalisation over trailing dims. */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import { layerNorm } from '../functional/normalization.js';
import { ones_, zeros_ } from '../init.js';
import { Module } from '../module.js';
import { checkSize } from '../options.js';
import { Parameter } from '../parameter.js';
import { pyBool, pyFloat, pyTuple } from '../repr.js';

const LAYER_NORM_OPTIONS = defineOptions('LayerNorm', {
  /** Added to the variance for stability (default 1e-5). */
  eps: option.number({ default: 1e-5, min: 0, minExclusive: true }),
  /** Learn γ and β of `normalizedShape` (default true). */
  elementwiseAffine: option.boolean(true),
});

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

  readonly eps: number;
  readonly elementwiseAffine: boolean;

  /**
   * PyTorch's positional `(normalizedShape, eps, elementwiseAffine)` or its keywords as options:
   * `new nn.LayerNorm(10, { eps: 1e-6, elementwiseAffine: false })`.
   */
  constructor(normalizedShape: number | readonly number[], eps: number | OptionsInput<typeof LAYER_NORM_OPTIONS> = 1e-5, elementwiseAffine = true) {
    super();
    const o = LAYER_NORM_OPTIONS.parse(typeof eps === 'number' ? { eps, elementwiseAffine } : eps);
    this.eps = o.eps;
    this.elementwiseAffine = o.elementwiseAffine;
    const dims = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    dims.forEach((d) => checkSize('LayerNorm', 'normalizedShape', d));
    this.normalizedShape = dims;
    this.weight = this.elementwiseAffine ? Parameter.empty(this.normalizedShape) : null;
    this.bias = this.elementwiseAffine ? Parameter.empty(this.normalizedShape) : null;
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
