// fuzz_conv_pool: convolution and its two gradients (kernels_conv.cc on the GEMM's packed panels),
// pooling forward and backward (kernels_pool.cc, sliding and adaptive windows, the 2×2 row
// kernels and the channels-last path), batch norm, the fused optimizer step and random fills,
// with geometry and windows decoded from the fuzz input (mostly small, sometimes wild).
#include "harness.h"
#include "kernels.h"

namespace {

using dlflow_fuzz::Op;

const Op kOps[] = {
    {"conv", dlflow::run_conv, 1, "vvvoeG"},
    {"convBackwardData", dlflow::run_conv_backward_data, 1, "vvvG"},
    {"convBackwardWeight", dlflow::run_conv_backward_weight, 1, "vvvG"},
    {"pool", dlflow::run_pool, dlflow::kNumPoolOps, "vvoW"},
    {"poolBackward", dlflow::run_pool_backward, dlflow::kNumPoolOps, "vvoW"},
    {"batchNorm", dlflow::run_batch_norm, 1, "voofvvv"},
    {"batchNormBackward", dlflow::run_batch_norm_backward, 1, "vvvvofvvv"},
    {"optimizerStep", dlflow::run_optimizer_step, dlflow::kNumAlgos, "vvS"},
    {"random", dlflow::run_random, dlflow::kNumDistributions, "vffkkk"},
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
