/**
 * Picks, for a sub-op and an input dtype, the function that maps input elements to one output
 * element, with the dtype rules of the contract built in:
 * - float32: the double formula (the Float32Array store rounds once);
 * - int32 / int64: the exact integer override when there is one, else the double formula with
 *   its result converted back to the integer dtype (truncation, as a cast would);
 * - bool: the double formula on 0/1, its result converted to bool (x != 0).
 * Predicates and comparisons return a bool element (1/0) whatever the input.
 */
import type { DType } from '../../base/dtype.js';
import { COMPARISON_OPS, PREDICATE_UNARY_OPS, type BinaryOp, type UnaryOp } from '../ops.js';
import { castFunction } from './cast.js';
import { INT32_BINARY, INT32_UNARY, INT64_BINARY, INT64_UNARY } from './integer_functions.js';
import { BINARY_FUNCTIONS, UNARY_FUNCTIONS } from './scalar_functions.js';
import type { Scalar } from './strided.js';

export type UnaryElementFunction = (x: Scalar) => Scalar;
export type BinaryElementFunction = (a: Scalar, b: Scalar) => Scalar;

/** The dtype a unary sub-op's result naturally has for input `dtype`. */
export function unaryResultDType(op: UnaryOp, dtype: DType): DType {
  return PREDICATE_UNARY_OPS.has(op) ? 'bool' : dtype;
}

/** The dtype a binary sub-op's result naturally has for inputs of `dtype`. */
export function binaryResultDType(op: BinaryOp, dtype: DType): DType {
  return COMPARISON_OPS.has(op) ? 'bool' : dtype;
}

/** Element function of a unary sub-op whose input elements are of `dtype`. */
export function unaryElementFunction(op: UnaryOp, dtype: DType): UnaryElementFunction {
  const f = UNARY_FUNCTIONS[op];
  const back = castFunction('float32', unaryResultDType(op, dtype)); // double result → result dtype
  switch (dtype) {
    case 'float32':
      return f as UnaryElementFunction;
    case 'int64': {
      const exact = INT64_UNARY[op];
      if (exact) return exact as UnaryElementFunction;
      return (x) => back(f(Number(x)));
    }
    case 'int32': {
      const exact = INT32_UNARY[op];
      if (exact) return exact as UnaryElementFunction;
      return (x) => back(f(x as number));
    }
    case 'bool':
      return (x) => back(f(x as number));
  }
}

/** Element function of a binary sub-op whose two inputs are both of `dtype`. */
export function binaryElementFunction(op: BinaryOp, dtype: DType): BinaryElementFunction {
  const f = BINARY_FUNCTIONS[op];
  const back = castFunction('float32', binaryResultDType(op, dtype));
  switch (dtype) {
    case 'float32':
      return f as BinaryElementFunction;
    case 'int64': {
      const exact = INT64_BINARY[op];
      if (exact) return exact as BinaryElementFunction;
      return (a, b) => back(f(Number(a), Number(b)));
    }
    case 'int32': {
      const exact = INT32_BINARY[op];
      if (exact) return exact as BinaryElementFunction;
      return (a, b) => back(f(a as number, b as number));
    }
    case 'bool':
      return (a, b) => back(f(a as number, b as number));
  }
}
