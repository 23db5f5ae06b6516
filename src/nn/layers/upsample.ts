/** nn.Upsample: F.interpolate as a layer. */
import type { Tensor } from '../../core/tensor.js';
import { interpolate, type InterpolateOptions } from '../functional/upsample.js';
import { Module } from '../module.js';
import { checkOptionKeys } from '../options.js';
import { pyFloat, pyTuple } from '../repr.js';

const KEYS = ['size', 'scaleFactor', 'mode', 'alignCorners'] as const satisfies readonly (keyof InterpolateOptions)[];

/**
 * Resamples [N, C, ...spatial] to `size` or by `scaleFactor` (nearest by default; linear,
 * bilinear, trilinear with `alignCorners`), as PyTorch's nn.Upsample.
 *
 * @example
 * new nn.Upsample({ scaleFactor: 2, mode: 'bilinear' }).forward(dl.randn([1, 3, 8, 8])).shape; // [1, 3, 16, 16]
 */
export class Upsample extends Module {
  readonly options: Readonly<InterpolateOptions>;

  constructor(options: InterpolateOptions) {
    super();
    checkOptionKeys('Upsample', options, KEYS);
    if ((options.size === undefined) === (options.scaleFactor === undefined)) throw new Error('Upsample: give exactly one of size and scaleFactor');
    this.options = { ...options };
  }

  override forward(x: Tensor): Tensor {
    return interpolate(x, this.options);
  }

  override extraRepr(): string {
    const { size, scaleFactor, mode = 'nearest' } = this.options;
    const show = (v: number | readonly number[], num: (n: number) => string): string => (typeof v === 'number' ? num(v) : v.length === 1 ? `(${num(v[0])},)` : `(${v.map(num).join(', ')})`);
    const info = scaleFactor !== undefined ? `scale_factor=${show(scaleFactor, pyFloat)}` : `size=${typeof size === 'number' ? String(size) : pyTuple(size!)}`;
    return `${info}, mode=${mode}`;
  }
}
