/**
 * Free-function forms of tensor ops (`dl.add(a, b)`, `dl.matmul(a, b)`, ...), for code that reads
 * like `torch.add`. Each forwards to the method or op of the same name.
 */
import type { BinaryOp, UnaryOp } from '../backends/ops.js';
import type { Tensor, TensorOrScalar } from '../core/tensor.js';
import * as ew from './elementwise.js';

const binaryFn = (op: BinaryOp) => (a: TensorOrScalar, b: TensorOrScalar): Tensor => ew.binary(op, a, b);
const unaryFn = (op: UnaryOp) => (x: Tensor): Tensor => ew.unary(op, x);

/** a + alpha·b; either operand may be a number. */
export const add = (a: TensorOrScalar, b: TensorOrScalar, alpha = 1): Tensor =>
  typeof a === 'number' ? ew.binary('add', a, typeof b === 'number' ? b * alpha : ew.binary('mul', b, alpha)) : ew.add(a, b, alpha);
/** a - alpha·b; either operand may be a number. */
export const sub = (a: TensorOrScalar, b: TensorOrScalar, alpha = 1): Tensor =>
  typeof a === 'number' ? ew.binary('sub', a, typeof b === 'number' ? b * alpha : ew.binary('mul', b, alpha)) : ew.sub(a, b, alpha);
export const mul = binaryFn('mul');
export const div = binaryFn('div');
export const pow = binaryFn('pow');
export const remainder = binaryFn('remainder');
export const atan2 = binaryFn('atan2');
export const maximum = binaryFn('maximum');
export const minimum = binaryFn('minimum');
export const eq = binaryFn('eq');
export const ne = binaryFn('ne');
export const lt = binaryFn('lt');
export const le = binaryFn('le');
export const gt = binaryFn('gt');
export const ge = binaryFn('ge');
export const logicalAnd = binaryFn('logicalAnd');
export const logicalOr = binaryFn('logicalOr');
export const logicalXor = binaryFn('logicalXor');
export const logicalNot = unaryFn('logicalNot');
export const neg = unaryFn('neg');
export const abs = unaryFn('abs');
export const sign = unaryFn('sign');
export const square = unaryFn('square');
export const reciprocal = unaryFn('reciprocal');
export const exp = unaryFn('exp');
export const expm1 = unaryFn('expm1');
export const log = unaryFn('log');
export const log1p = unaryFn('log1p');
export const sqrt = unaryFn('sqrt');
export const rsqrt = unaryFn('rsqrt');
export const sin = unaryFn('sin');
export const cos = unaryFn('cos');
export const tanh = unaryFn('tanh');
export const sigmoid = unaryFn('sigmoid');
export const relu = unaryFn('relu');
export const silu = unaryFn('silu');
export const softplus = unaryFn('softplus');
export const erf = unaryFn('erf');
export const floor = unaryFn('floor');
export const ceil = unaryFn('ceil');
export const round = unaryFn('round');
export const trunc = unaryFn('trunc');
export const isnan = unaryFn('isnan');
export const isinf = unaryFn('isinf');
export const isfinite = unaryFn('isfinite');
export const gelu = (x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor => x.gelu(approximate);
export const clamp = (x: Tensor, min?: number | null, max?: number | null): Tensor => x.clamp(min, max);
export const where = (cond: Tensor, a: TensorOrScalar, b: TensorOrScalar): Tensor => ew.where(cond, a, b);
export const matmul = (a: Tensor, b: Tensor): Tensor => a.matmul(b);
export const mm = (a: Tensor, b: Tensor): Tensor => a.mm(b);
export const bmm = (a: Tensor, b: Tensor): Tensor => a.bmm(b);
export const softmax = (x: Tensor, dim: number): Tensor => x.softmax(dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => x.logSoftmax(dim);
export const gather = (x: Tensor, dim: number, index: Tensor): Tensor => x.gather(dim, index);
export const scatterAdd = (x: Tensor, dim: number, index: Tensor, src: Tensor): Tensor => x.scatterAdd(dim, index, src);
export const indexSelect = (x: Tensor, dim: number, index: Tensor): Tensor => x.indexSelect(dim, index);
export const maskedFill = (x: Tensor, mask: Tensor, value: number): Tensor => x.maskedFill(mask, value);
export const sort = (x: Tensor, dim = -1, descending = false) => x.sort(dim, descending);
export const argsort = (x: Tensor, dim = -1, descending = false): Tensor => x.argsort(dim, descending);
export const topk = (x: Tensor, k: number, dim = -1, largest = true, sorted = true) => x.topk(k, dim, largest, sorted);
export const split = (x: Tensor, sizeOrSections: number | readonly number[], dim = 0): Tensor[] => x.split(sizeOrSections, dim);
export const chunk = (x: Tensor, chunks: number, dim = 0): Tensor[] => x.chunk(chunks, dim);
export const reshape = (x: Tensor, shape: readonly number[]): Tensor => x.reshape(shape);
export const transpose = (x: Tensor, dim0: number, dim1: number): Tensor => x.transpose(dim0, dim1);
export const permute = (x: Tensor, dims: readonly number[]): Tensor => x.permute(dims);
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => x.flatten(startDim, endDim);
export const squeeze = (x: Tensor, dim?: number | readonly number[]): Tensor => x.squeeze(dim);
export const unsqueeze = (x: Tensor, dim: number): Tensor => x.unsqueeze(dim);
export const sum = (x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor => x.sum(dim, { keepdim });
export const mean = (x: Tensor, dim?: number | readonly number[], keepdim = false): Tensor => x.mean(dim, { keepdim });
export const logsumexp = (x: Tensor, dim: number | readonly number[], keepdim = false): Tensor => x.logsumexp(dim, { keepdim });
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => x.argmax(dim, { keepdim });
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => x.argmin(dim, { keepdim });
