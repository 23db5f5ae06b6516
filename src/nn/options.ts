/** Checks shared by the layers' and functions' option objects and size arguments. */

import { checkField, defineOptions, describeValue, option, type Field, type OptionsInput } from '../base/options.js';
import { isTensor, type Tensor } from '../core/tensor.js';

/** A layer size argument (features, channels, embeddings): a positive integer. */
export function checkSize(owner: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new (typeof value === 'number' ? RangeError : TypeError)(`${owner}: ${name} must be a positive integer, got ${typeof value === 'number' ? value : describeValue(value)}`);
  }
  return value;
}

const BIAS_OPTIONS = defineOptions('Linear', {
  /** Learn an additive bias (default true). */
  bias: option.boolean(true),
});

/** `bias` given positionally (`new nn.Linear(3, 4, false)`) or as PyTorch's keyword (`{ bias: false }`). */
export type BiasArgument = boolean | OptionsInput<typeof BIAS_OPTIONS>;

/** The bias flag of a `BiasArgument`; anything else is an error (an object is not silently true). */
export function biasOf(owner: string, arg: BiasArgument | undefined): boolean {
  if (arg === undefined || typeof arg === 'boolean') return arg ?? true;
  return BIAS_OPTIONS.parse(arg, owner).bias;
}

/** The number of spatial dims of a convolution or pooling. */
export type SpatialRank = 1 | 2 | 3;
/** A size per spatial dim, or one size for all. */
export type SizeOption = number | readonly number[];

/**
 * One value per spatial rank, made by `make`: the option schemas of conv and pooling, whose size
 * options must list one entry per spatial dim.
 */
export function perRank<T>(make: (rank: SpatialRank) => T): { readonly [R in SpatialRank]: T } {
  return { 1: make(1), 2: make(2), 3: make(3) };
}

/** A predicate accepting one value or a list of them (of `length` entries when given). */
export function oneOrList<T>(one: (v: unknown) => v is T, length?: number): (v: unknown) => v is T | readonly T[] {
  return (v): v is T | readonly T[] => one(v) || (Array.isArray(v) && (length === undefined || v.length === length) && v.every(one));
}

/** A predicate accepting integers ≥ `min`. */
export function integerAtLeast(min: number): (v: unknown) => v is number {
  return (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
}

/** A size option of `rank` spatial dims, each an integer ≥ `min`: one for every dim, or a list of one per dim. */
export function sizeField<D extends SizeOption | undefined = undefined>(rank: SpatialRank, min: number, def?: D): Field<SizeOption, false> & { default: D } {
  return option.custom<SizeOption, D>(`an integer ≥ ${min} or a list of ${rank} integer${rank === 1 ? '' : 's'} ≥ ${min}`, oneOrList(integerAtLeast(min), rank), def);
}

/** A checked size as one value per spatial dim (PyTorch's `_ntuple`: a number repeats). */
export function perDim(value: SizeOption, rank: SpatialRank): number[] {
  return typeof value === 'number' ? new Array<number>(rank).fill(value) : [...value];
}

/**
 * A positional size argument (a kernel size) checked as a `sizeField` option is, as one value per
 * spatial dim.
 */
export function spatialTuple(owner: string, name: string, value: unknown, rank: SpatialRank, min: number): number[] {
  return perDim(checkField(owner, name, sizeField(rank, min), value), rank);
}

/** `field`, or null (PyTorch's None), which means `meaning`. */
export function orNull<T, D extends T | null | undefined = undefined>(field: Field<T>, meaning: string, def?: D): Field<T | null, false> & { default: D } {
  return option.custom<T | null, D>(`${field.expected} or null (${meaning})`, (v): v is T | null => v === null || field.valid(v), def);
}

/** A tensor argument that may be absent (a normalisation's weight, bias or running statistics). */
export const TENSOR_OR_NULL = option.custom<Tensor | null>('a Tensor or null', (v): v is Tensor | null => v === null || isTensor(v));
