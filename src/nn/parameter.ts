/**
 * `nn.Parameter`: a Tensor subclass that marks a leaf as a module's learnable weight.
 *
 * Design: a Parameter is a real `Tensor` (so every op accepts it) that shares the storage of
 * the tensor it wraps, like `torch.nn.Parameter(t)`, and is a fresh autograd leaf with
 * `requiresGrad` true by default. It is not owned by any `tidy` scope: the module that holds it
 * owns it (`module.dispose()` frees it). `Module` discovers Parameter-valued fields by
 * `instanceof Parameter`.
 */
import { Tensor } from '../core/tensor.js';
import { empty } from '../ops/creation.js';
import { formatShape } from '../base/shape.js';

export class Parameter extends Tensor {
  /**
   * Wrap `data` (sharing its memory) as a learnable leaf.
   *
   * @example
   * const w = new nn.Parameter(dl.randn([3, 4]));
   * w.requiresGrad; // true
   */
  constructor(data: Tensor, requiresGrad = true) {
    data.assertAlive();
    if (data.dtype !== 'float32' && requiresGrad) {
      throw new TypeError(`Parameter: only float32 tensors can require gradients, got ${data.dtype}`);
    }
    super(data.storage, data.shape, data.strides, data.offset, data.dtype, false);
    this.requiresGrad_(requiresGrad);
  }

  /**
   * A new parameter of `shape` with unspecified contents (initialise it with `nn.init`).
   *
   * @example
   * const w = nn.Parameter.empty([8, 4]); nn.init.zeros_(w);
   */
  static empty(shape: readonly number[], requiresGrad = true): Parameter {
    const t = empty(shape);
    const p = new Parameter(t, requiresGrad);
    t.dispose();
    return p;
  }

  /** PyTorch prints `Parameter containing:` followed by the tensor. */
  override toString(): string {
    return this.isDisposed ? `Parameter(<disposed>, shape=${formatShape(this.shape)})` : `Parameter containing:\n${super.toString()}`;
  }
}

/** True when `value` is an `nn.Parameter`. */
export function isParameter(value: unknown): value is Parameter {
  return value instanceof Parameter;
}
