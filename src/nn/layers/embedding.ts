/** Lookup table of embeddings. */
import { noGrad } from '../../autograd/grad_mode.js';
import { defineOptions, option, type OptionsInput } from '../../base/options.js';
import type { Tensor } from '../../core/tensor.js';
import { embedding } from '../functional/embedding.js';
import { normal_ } from '../init.js';
import { Module } from '../module.js';
import { checkSize } from '../options.js';
import { Parameter } from '../parameter.js';
import { pyFloat } from '../repr.js';

const nullOr = (inner: (v: unknown) => boolean) => (v: unknown): v is number | null => v === null || inner(v);

const EMBEDDING_OPTIONS = defineOptions('Embedding', {
  /** Row that stays zero-initialised and gets no gradient (negative counts from the end). */
  paddingIdx: option.custom<number | null>('an integer or null', nullOr(Number.isInteger)),
  /** Renormalise looked-up rows to this maximum norm (in place, as PyTorch). */
  maxNorm: option.custom<number | null>('a positive number or null', nullOr((v) => typeof v === 'number' && v > 0)),
  /** The p of the p-norm for `maxNorm` (default 2). */
  normType: option.number({ default: 2, min: 0, minExclusive: true }),
});

export type EmbeddingLayerOptions = OptionsInput<typeof EMBEDDING_OPTIONS>;

/**
 * weight[indices] for integer indices of any shape; weight [numEmbeddings, embeddingDim]
 * initialised N(0, 1) as PyTorch, with the padding row zeroed.
 *
 * @example
 * const emb = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * emb.forward(dl.tensor([[1, 0, 4]])).shape; // [1, 3, 3]
 */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, input: EmbeddingLayerOptions = {}) {
    super();
    checkSize('Embedding', 'numEmbeddings', numEmbeddings);
    checkSize('Embedding', 'embeddingDim', embeddingDim);
    const options = EMBEDDING_OPTIONS.parse(input);
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad >= numEmbeddings || pad < -numEmbeddings) {
        throw new RangeError(`Embedding: paddingIdx ${pad} must be within the ${numEmbeddings} embeddings`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType;
    this.weight = Parameter.empty([numEmbeddings, embeddingDim]);
    this.resetParameters();
  }

  /**
   * An Embedding holding a copy of `weights` [num, dim]; frozen (no gradient) unless `freeze` is false.
   *
   * @example
   * const emb = nn.Embedding.fromPretrained(dl.randn([100, 16]));
   */
  static fromPretrained(weights: Tensor, options: EmbeddingLayerOptions & { freeze?: boolean } = {}): Embedding {
    if (weights.ndim !== 2) throw new Error(`Embedding.fromPretrained: embeddings parameter is expected to be 2-dimensional, got shape [${weights.shape.join(', ')}]`);
    const emb = new Embedding(weights.shape[0], weights.shape[1], options);
    noGrad(() => emb.weight.copy_(weights));
    emb.weight.requiresGrad_(!(options.freeze ?? true));
    return emb;
  }

  resetParameters(): void {
    normal_(this.weight);
    if (this.paddingIdx !== null) {
      const row = this.paddingIdx;
      noGrad(() => {
        const view = this.weight.select(0, row);
        view.zero_();
        view.dispose();
      });
    }
  }

  override forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    return s;
  }
}
