/** nn.Upsample: F.interpolate as a layer. */
import type { Tensor } from '../../core/tensor.js';
import { interpolate, interpolateOptions, type InterpolateOptions, type ResolvedInterpolateOptions } from '../functional/upsample.js';
import { Module } from '../module.js';
import { pyFloat, pyTuple } from '../repr.js';

/**
 * Resamples [N, C, ...spatial] to `size` or by `scaleFactor` (nearest by default; linear,
 * bilinear, trilinear with `alignCorners`), as PyTorch's nn.Upsample.
 *
 * @example
 * new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(dl.randn([1, 3, 8, 8])).shape; // [1, 3, 16, 16]
 */
export class Upsample extends Module {
  readonly options: Readonly<ResolvedInterpolateOptions>;

  constructor(options: InterpolateOptions) {
    super();
    this.options = interpolateOptions(options, 'Upsample');
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }

  override extraRepr(): string {
    const { size, scaleFactor, mode } = this.options;
    const show = (v: number | readonly number[], num: (n: number) => string): string => (typeof v === 'number' ? num(v) : v.length === 1 ? `(${num(v[0])},)` : `(${v.map(num).join(', ')})`);
    const info = scaleFactor !== undefined ? `scale_factor=${show(scaleFactor, pyFloat)}` : `size=${typeof size === 'number' ? String(size) : pyTuple(size!)}`;
    return `${info}, mode=${mode}`;
  }
}
