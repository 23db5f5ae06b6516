/**
 * Element types. float32 is the compute type; int32/int64 hold indices and labels; bool holds masks.
 */
export type DType = 'float32' | 'int32' | 'int64' | 'bool';

/** Every dtype; a dtype's position here is its native code (see `OP_KINDS` in backends/ops.ts). */
export const DTYPES = ['float32', 'int32', 'int64', 'bool'] as const satisfies readonly DType[];

/** The typed array that holds each dtype's elements in host memory. */
export interface DTypeArrays {
  float32: Float32Array;
  int32: Int32Array;
  int64: BigInt64Array;
  bool: Uint8Array;
}
export type TypedArrayFor<D extends DType> = DTypeArrays[D];
export type AnyTypedArray = DTypeArrays[DType];

export const BYTES_PER_ELEMENT: { readonly [D in DType]: number } = {
  float32: 4, int32: 4, int64: 8, bool: 1,
};

const ARRAY_CTORS = {
  float32: Float32Array, int32: Int32Array, int64: BigInt64Array, bool: Uint8Array,
} as const;

/** Allocate a zeroed host array for `n` elements of `dtype`. */
export function newTypedArray<D extends DType>(dtype: D, n: number): TypedArrayFor<D> {
  return new ARRAY_CTORS[dtype](n) as TypedArrayFor<D>;
}

/** View existing memory as the typed array of `dtype` (no copy). */
export function typedArrayOver<D extends DType>(dtype: D, buffer: ArrayBufferLike, byteOffset: number, length: number): TypedArrayFor<D> {
  return new ARRAY_CTORS[dtype](buffer as ArrayBuffer, byteOffset, length) as TypedArrayFor<D>;
}

export function isFloating(dtype: DType): boolean {
  return dtype === 'float32';
}

export function isIntegral(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'int64';
}

const RANK: { readonly [D in DType]: number } = { bool: 0, int32: 1, int64: 2, float32: 3 };

/** PyTorch's promotion for two tensor operands: bool < int32 < int64 < float32. */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Promotion of a tensor with a JavaScript number, as PyTorch does with a Python scalar:
 * an integral tensor stays integral for an integral scalar, and becomes float32 for a fractional one.
 */
export function promoteWithScalar(a: DType, scalar: number): DType {
  if (a === 'float32') return a;
  if (!Number.isInteger(scalar)) return 'float32';
  return a === 'bool' ? 'int64' : a;
}

export function assertDType(value: unknown, where: string): DType {
  if (typeof value === 'string' && (DTYPES as readonly string[]).includes(value)) return value as DType;
  throw new TypeError(`${where}: unknown dtype ${JSON.stringify(value)}; expected one of ${DTYPES.join(', ')}`);
}
