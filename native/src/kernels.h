// Op entry points. Each reads its arguments (views first, then scalars, in the order of
// src/backends/cpu/abi.ts; the codes named below are the enums of op_codes.h) and returns false, before writing anything, when it has no native
// implementation for the dtypes it was given; the TypeScript side then runs the reference
// kernel on the same memory. Errors are thrown as RangeError (user index errors) or
// std::runtime_error (bad handles/views), always on the calling thread.
//
//   fill          out, value
//   copy          x, out
//   unary         x, out                       (sub = UnaryOp)
//   binary        a, b, out                    (sub = BinaryOp)
//   binaryScalar  a, out, scalar, reverse      (sub = BinaryOp)
//   clamp         x, out, lo, hi
//   where         cond, a, b, out
//   reduce        x, out, ndims, dims[ndims]   (sub = ReduceOp)
//   softmax       x, out, dim, log
//   matmul        a, b, out, has_addend, [addend], epilogue   (epilogue = GemmEpilogue)
//   gather        x, index, out, dim
//   scatterAdd    out, index, src, dim
//   indexSelect   x, index, out, dim
//   indexAdd      out, index, src, dim
//   sort          x, values, indices, dim, descending
//   optimizerStep param, grad, nstate, state[nstate], nscalars, scalars  (sub = OptimizerAlgo,
//                 scalars in the order of its <Algo>Scalar enum)
//   random        out, a, b, key0, key1, offset                        (sub = Distribution)
//   crossEntropy          x, target, out         (sub = LossReduction)
//   crossEntropyBackward  x, target, grad, out   (sub = LossReduction)
#pragma once
#include "op_codes.h"
#include "views.h"

namespace dlflow {

bool run_fill(ArgReader& r);
bool run_copy(ArgReader& r);
bool run_unary(ArgReader& r, int op);
bool run_binary(ArgReader& r, int op);
bool run_binary_scalar(ArgReader& r, int op);
bool run_clamp(ArgReader& r);
bool run_where(ArgReader& r);
bool run_reduce(ArgReader& r, int op);
bool run_softmax(ArgReader& r);
bool run_matmul(ArgReader& r);
bool run_gather(ArgReader& r);
bool run_scatter_add(ArgReader& r);
bool run_index_select(ArgReader& r);
bool run_index_add(ArgReader& r);
bool run_sort(ArgReader& r);
bool run_optimizer_step(ArgReader& r, int algo);
bool run_random(ArgReader& r, int distribution);
bool run_cross_entropy(ArgReader& r, int reduction);
bool run_cross_entropy_backward(ArgReader& r, int reduction);

// Whether `run` of this kind/sub-op can be native for inputs of `dtype` (the front end's
// supportsOp query; `run` still checks the exact dtypes it gets).
bool supports(int kind, int sub, int dtype);

}  // namespace dlflow
