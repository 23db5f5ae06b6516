/** Dropout layers (active in training mode only). */
import { defineOptions, describeValue, option, type OptionsInput } from '../../base/options.js';
import { Generator } from '../../core/generator.js';
import type { Tensor } from '../../core/tensor.js';
import { alphaDropout, dropout, dropout1d, dropout2d, dropout3d } from '../functional/dropout.js';
import { Module } from '../module.js';
import { pyBool, pyFloat } from '../repr.js';

const DROPOUT_OPTIONS = defineOptions('Dropout', {
  /** Accepted for PyTorch compatibility; dlflow always returns a new tensor. */
  inplace: option.boolean(false),
  /** Generator for the masks; the default generator (seeded by `dl.manualSeed`) otherwise. */
  generator: option.custom<Generator>('a Generator', (v): v is Generator => v instanceof Generator),
});

export type DropoutOptions = OptionsInput<typeof DROPOUT_OPTIONS>;

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
    const owner = this.constructor.name;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${owner}: dropout probability has to be between 0 and 1, but got ${typeof p === 'number' ? p : describeValue(p)}`);
    const o = DROPOUT_OPTIONS.parse(options, owner);
    this.inplace = o.inplace;
    this.generator = o.generator;
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

/**
 * Channel dropout of [N, C, L] (or [C, L]): in training whole channels are zeroed with
 * probability p and the rest scaled by 1/(1−p); the identity in eval mode.
 *
 * @example
 * new nn.Dropout1d(0.2).forward(dl.randn([8, 16, 100]));
 */
export class Dropout1d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout1d(x, this.p, this.training, this.generator);
  }
}

/**
 * Channel dropout of [N, C, H, W] (or [C, H, W]), as `Dropout1d`.
 *
 * @example
 * new nn.Dropout2d(0.1).forward(dl.randn([8, 32, 14, 14]));
 */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, this.training, this.generator);
  }
}

/** Channel dropout of [N, C, D, H, W] (or [C, D, H, W]), as `Dropout1d`. */
export class Dropout3d extends Dropout {
  override forward(x: Tensor): Tensor {
    return dropout3d(x, this.p, this.training, this.generator);
  }
}
