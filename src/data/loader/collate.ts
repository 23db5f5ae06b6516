/**
 * The default collate: turns a list of items into a batch of tensors.
 * - tensors are stacked along a new first dimension;
 * - numbers become a 1-D tensor: int64 when every one is a whole number
 *   (class labels), float32 otherwise;
 * - Float32Arrays become [B, n], {@link ArrayItem}s [B, ...shape]; both are
 *   copied once into one contiguous buffer;
 * - arrays (tuples) and plain objects are collated element- or key-wise.
 */
import { isTensor, type Tensor } from '../../core/tensor.js';
import { stack } from '../../ops/join.js';
import { tensor } from '../../ops/creation.js';
import { isArrayItem, type ArrayItem } from './dataset.js';

/** Something the default collate produces. */
export type Collated = Tensor | Collated[] | { [key: string]: Collated };

function stackArrays(items: readonly ArrayItem[]): Tensor {
  const shape = items[0].shape, size = items[0].data.length;
  const out = new Float32Array(items.length * size);
  items.forEach((it, i) => {
    if (it.data.length !== size || it.shape.join() !== shape.join()) throw new RangeError(`collate: item ${i} has shape [${it.shape.join(', ')}], item 0 has [${shape.join(', ')}]`);
    out.set(it.data, i * size);
  });
  return tensor(out, { shape: [items.length, ...shape] });
}

/** Collate `items` (all of the same structure) into tensors. */
export function defaultCollate(items: readonly unknown[]): Collated {
  if (items.length === 0) throw new RangeError('collate: empty batch');
  const first = items[0];
  if (isTensor(first)) return stack(items as Tensor[], 0);
  if (typeof first === 'number') {
    const nums = items as number[];
    if (nums.every((v) => Number.isInteger(v))) return tensor(BigInt64Array.from(nums, (v) => BigInt(v)));
    return tensor(Float32Array.from(nums));
  }
  if (first instanceof Float32Array) return stackArrays((items as Float32Array[]).map((data) => ({ data, shape: [data.length] })));
  if (isArrayItem(first)) return stackArrays(items as ArrayItem[]);
  if (Array.isArray(first)) return first.map((_, k) => defaultCollate(items.map((it) => (it as unknown[])[k])));
  if (typeof first === 'object' && first !== null) {
    const out: Record<string, Collated> = {};
    for (const key of Object.keys(first)) out[key] = defaultCollate(items.map((it) => (it as Record<string, unknown>)[key]));
    return out;
  }
  throw new TypeError(`collate: cannot batch items of type ${typeof first}; pass a collate function`);
}
