// What a kernel file (native/src/kernels_<family>.cc) includes, and the contract of the two
// entry points it defines per op kind, `run_<kind>(ArgReader& r, int sub)` and
// `supports_<kind>(int sub, int dtype)`. Both are declared in op_codes.h, generated from
// OP_KINDS, and addon.cc dispatches to them through its DLFLOW_OP_KINDS switches, so adding a
// kind touches no native file but its own kernel file. A missing definition fails
// test/op_codes.test.ts, and the addon then refuses to load, naming the symbol (a shared object
// may leave symbols undefined, so the linker cannot catch it; binding.gyp links with -z now).
//
// run_<kind> reads its arguments (views first, then scalars, in the order of
// src/backends/cpu/abi.ts; each run_<kind> lists them above its definition) and returns false,
// before writing anything, when it has no native implementation for the dtypes it was given;
// the TypeScript side then runs the reference kernel on the same memory. `sub` is the kind's
// sub-op code (UnaryOp, ReduceOp, ...; kinds without one ignore it). Errors are thrown as
// RangeError (user index errors) or std::runtime_error (bad handles/views), always on the
// calling thread.
//
// supports_<kind> answers the front end's supportsOp query: whether run_<kind> can be native
// for this sub-op and inputs of `dtype` (a valid DType code; run still checks the exact dtypes
// it gets).
#pragma once
#include "op_codes.h"
#include "views.h"
