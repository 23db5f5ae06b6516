/** Embedding lookup. */
import { noGrad } from '../../autograd/grad_mode.js';
import { formatShape } from '../../base/shape.js';
import { tidy, type Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';

export interface EmbeddingOptions {
  /** This row's entries get no gradient (and the layer initialises it to zeros). */
  paddingIdx?: number | null;
  /** Rows looked up whose p-norm exceeds maxNorm are rescaled in place to norm maxNorm. */
  maxNorm?: number | null;
  normType?: number;
}

/** Range-check the indices on the host, naming the op and shapes. */
function checkIndices(indices: Tensor, rows: number): number[] {
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') {
    throw new TypeError(`embedding: expected indices of dtype int64 or int32, got ${indices.dtype} (shape ${formatShape(indices.shape)})`);
  }
  const values = Array.from(indices.dataSync() as ArrayLike<number | bigint>, Number);
  for (const v of values) {
    if (v < 0 || v >= rows) throw new RangeError(`embedding: index ${v} is out of range for a weight with ${rows} rows (indices shape ${formatShape(indices.shape)})`);
  }
  return values;
}

/** Rescale the looked-up rows whose norm exceeds maxNorm (PyTorch's embedding_renorm_). */
function renorm(weight: Tensor, rows: number[], maxNorm: number, normType: number): void {
  const [n, d] = weight.shape;
  const data = weight.dataSync() as Float32Array;
  let changed = false;
  for (const r of new Set(rows)) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += Math.abs(data[r * d + j]) ** normType;
    norm **= 1 / normType;
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let j = 0; j < d; j++) data[r * d + j] *= scale;
      changed = true;
    }
  }
  if (changed) noGrad(() => tidy(() => { weight.copy_(tensor(data, { shape: [n, d] })); }));
}

/**
 * out[..., :] = weight[indices[...], :] for integer `indices` of any shape; the gradient is
 * scattered back to the rows used, except row `paddingIdx`.
 *
 * @example
 * F.embedding(dl.tensor([[1, 2], [0, 1]]), dl.randn([10, 3])).shape; // [2, 2, 3]
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (weight.ndim !== 2) throw new Error(`embedding: weight must be 2-D [numEmbeddings, embeddingDim], got ${formatShape(weight.shape)}`);
  const values = checkIndices(indices, weight.shape[0]);
  if (options.maxNorm !== undefined && options.maxNorm !== null) renorm(weight, values, options.maxNorm, options.normType ?? 2);
  const flat = indices.reshape([-1]);
  const rows = weight.indexSelect(0, flat);
  let out = rows;
  const pad = options.paddingIdx;
  if (pad !== undefined && pad !== null && rows.requiresGrad) {
    const p = pad < 0 ? pad + weight.shape[0] : pad;
    if (values.includes(p)) out = rows.where(flat.ne(p).unsqueeze(1), rows.detach());
  }
  return out.reshape([...indices.shape, weight.shape[1]]);
}
