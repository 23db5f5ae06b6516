/** Dropout layers (active in training mode only). */
import type { Generator } from '../../core/generator.js';
import type { Tensor } from '../../core/tensor.js';
import { alphaDropout, dropout } from '../functional/dropout.js';
import { Module } from '../module.js';
import { pyBool, pyFloat } from '../repr.js';

export interface DropoutOptions {
  /** Accepted for PyTorch compatibility; dlflow always returns a new tensor. */
  inplace?: boolean;
  /** Generator for the masks; the default generator (seeded by `dl.manualSeed`) otherwise. */
  generator?: Generator;
}

/**
 * In training, zeroes each element with probability p and scales the rest by 1/(1−p);
 * the identity in eval mode.
 *
 * @example
 * const drop = new nn.Dropout(0.2);
 * drop.eval().forward(x) === x; // true
 */
export class Dropout extends Module {
  readonly inplace: boolean;
  readonly generator: Generator | undefined;

  constructor(readonly p = 0.5, options: DropoutOptions = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
    this.inplace = options.inplace ?? false;
    this.generator = options.generator;
  }

  override forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyBool(this.inplace)}`;
  }
}

/**
 * Alpha dropout for self-normalising (SELU) networks: keeps mean 0 and variance 1.
 *
 * @example
 * new nn.AlphaDropout(0.1).forward(dl.randn([100]));
 */
export class AlphaDropout extends Dropout {
  override forward(x: Tensor): Tensor {
    return alphaDropout(x, this.p, this.training, this.generator);
  }
}
