// fuzz_elementwise: the elementwise, reduction, softmax and sort kernels (kernels_elementwise.cc,
// kernels_reduce.cc, kernels_softmax.cc, kernels_sort.cc and the float32 row tables under them)
// on views of every dtype and layout the decoder makes, arguments in the order of abi.ts.
#include "harness.h"
#include "kernels.h"

namespace {

using dlflow_fuzz::Op;

const Op kOps[] = {
    {"fill", dlflow::run_fill, 1, "vf"},
    {"copy", dlflow::run_copy, 1, "vv"},
    {"unary", dlflow::run_unary, dlflow::kNumUnary, "vv"},
    {"binary", dlflow::run_binary, dlflow::kNumBinary, "vvv"},
    {"binaryScalar", dlflow::run_binary_scalar, dlflow::kNumBinary, "vvfb"},
    {"clamp", dlflow::run_clamp, 1, "vvff"},
    {"where", dlflow::run_where, 1, "vvvv"},
    {"reduce", dlflow::run_reduce, dlflow::kNumReduce, "vvD"},
    {"softmax", dlflow::run_softmax, 1, "vvdb"},
    {"sort", dlflow::run_sort, 1, "vvvdb"},
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  dlflow_fuzz::init_threads();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dlflow_fuzz::run_one(kOps, data, size);
  return 0;
}
