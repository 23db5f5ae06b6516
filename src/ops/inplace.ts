/**
 * In-place ops. Each one computes its result out of place, checks it fits the target (shape and
 * dtype, as PyTorch does), copies it into the target's memory and bumps the storage version, so
 * autograd can refuse to use a value that changed after it was saved.
 *
 * Under grad mode an in-place op on a tensor in the graph rebases that tensor's history onto the
 * result; on a leaf that requires grad it is an error (wrap updates in `dl.noGrad`).
 */
import { isGradEnabled } from '../autograd/grad_mode.js';
import { viewOf } from '../core/dispatch.js';
import { promoteTypes } from '../base/dtype.js';
import { defaultGenerator } from '../core/generator.js';
import { formatShape, numel, shapesEqual } from '../base/shape.js';
import { peekNextTensorId, tidy, type Tensor } from '../core/tensor.js';
import { contiguousCopy } from './convert.js';
import { apply } from './apply.js';
import { filled, randomTensor } from './creation.js';

function checkTarget(self: Tensor, name: string): void {
  self.assertAlive();
  if (!isGradEnabled()) return;
  if (self.requiresGrad && self.isLeaf) {
    throw new Error(`${name}: a leaf tensor that requires grad (shape ${formatShape(self.shape)}) is being used in an in-place operation; ` +
      'wrap parameter updates in dl.noGrad(() => ...)');
  }
  // in-place writes through views are not tracked (the base's history would go stale)
  if (self.gradFn !== null && self.gradFn.isView) {
    throw new Error(`${name}: in-place operation on a view (${self.gradFn.name}) of a tensor that requires grad is not supported; use the out-of-place op`);
  }
}

/** Write `value` (same shape; dtype castable to self's) into self's memory and bump the version. */
function writeInto(self: Tensor, value: Tensor, name: string): void {
  if (!shapesEqual(value.shape, self.shape)) {
    throw new Error(`${name}: output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(value.shape)}`);
  }
  if (promoteTypes(self.dtype, value.dtype) !== self.dtype) {
    throw new TypeError(`${name}: result type ${value.dtype} can't be cast to the desired output type ${self.dtype}`);
  }
  copyKernel(value, self, name);
  self.storage.version++;
}

/** Copies src's elements into dst's memory (converting dtype), not recorded. */
function copyKernel(src: Tensor, dst: Tensor, name: string): void {
  apply({ name, kind: 'copy', inputs: [src, dst], out: { into: dst }, args(out) { return { x: viewOf(src), out: viewOf(out) }; } });
}

/** Apply `compute` to self and store the result back into self. */
export function inPlace<T extends Tensor>(self: T, name: string, compute: (x: Tensor) => Tensor): T {
  checkTarget(self, name);
  const firstNewId = peekNextTensorId();
  const recording = isGradEnabled();
  // Under grad mode the rule of `compute` may save its input; give it a copy so the write below
  // does not invalidate what it saved.
  const source = recording ? (self.requiresGrad ? self.clone() : contiguousCopy(self)) : self;
  const result = tidy(() => compute(source));
  writeInto(self, result, name);
  if (recording && result.gradFn !== null) self.setGradFn(result.gradFn);
  if (result.id >= firstNewId) result.dispose();
  if (source !== self) source.dispose();
  return self;
}

/** `self.copy_(src)`: src broadcast to self's shape and cast to its dtype. */
export function copyInto<T extends Tensor>(self: T, src: Tensor): T {
  src.assertAlive();
  return inPlace(self, 'copy_', (x) => {
    const expanded = src.expand([...x.shape]);
    return expanded.dtype === x.dtype ? expanded : expanded.to(x.dtype);
  });
}

/** `self.fill_(value)`. */
export function fillInto<T extends Tensor>(self: T, value: number): T {
  checkTarget(self, 'fill_');
  if (isGradEnabled() && self.requiresGrad) return inPlace(self, 'fill_', (x) => x.mul(0).add(value));
  if (self.isContiguous()) {
    apply({ name: 'fill_', kind: 'fill', inputs: [self], out: { into: self }, args(out) { return { out: viewOf(out), value }; } });
  } else {
    const tmp = filled(self.shape, self.dtype, value, self.storage.backend);
    copyKernel(tmp, self, 'fill_');
    tmp.dispose();
  }
  self.storage.version++;
  return self;
}

/** Fill with samples from the default generator: uniform [a, b) or normal (mean a, std b). */
export function randomInto<T extends Tensor>(self: T, kind: 'uniform' | 'normal', a: number, b: number): T {
  checkTarget(self, kind === 'uniform' ? 'uniform_' : 'normal_');
  if (self.dtype !== 'float32') throw new TypeError(`${kind}_: expected a float32 tensor, got ${self.dtype}`);
  if (self.isContiguous()) {
    const slice = defaultGenerator.philoxSlice(numel(self.shape));
    apply({ name: `${kind}_`, kind: 'random', inputs: [self], out: { into: self }, args(out) { return { out: viewOf(out), distribution: kind, a, b, ...slice }; } });
  } else {
    const tmp = randomTensor(self.shape, kind, a, b);
    copyKernel(tmp, self, `${kind}_`);
    tmp.dispose();
  }
  self.storage.version++;
  return self;
}

/** grad += g for gradient accumulation on a leaf (no autograd, no version checks). */
export function accumulate(grad: Tensor, g: Tensor): void {
  const total = grad.add(g);
  copyKernel(total, grad, 'accumulate');
  total.dispose();
}
