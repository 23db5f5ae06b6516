// fuzz_index: the index kernels (gather, scatterAdd, indexSelect, indexAdd in kernels_index.cc)
// and the fused cross-entropy (kernels_loss.cc), whose index operands come from the fuzz input:
// mostly in range for the small shapes decoded, sometimes negative, past the end or huge.
#include "harness.h"
#include "kernels.h"

namespace {

using dlflow_fuzz::Op;

const Op kOps[] = {
    {"gather", dlflow::run_gather, 1, "vvvd"},
    {"scatterAdd", dlflow::run_scatter_add, 1, "vvvd"},
    {"indexSelect", dlflow::run_index_select, 1, "vvvd"},
    {"indexAdd", dlflow::run_index_add, 1, "vvvd"},
    {"crossEntropy", dlflow::run_cross_entropy, dlflow::kNumLossReductions, "vvv"},
    {"crossEntropyBackward", dlflow::run_cross_entropy_backward, dlflow::kNumLossReductions, "vvvv"},
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
