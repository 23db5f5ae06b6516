// Single-precision matrix multiplication for the CPU backend.
#pragma once
#include <cstdint>

#include "op_codes.h"

namespace dlflow {

// GemmEpilogue (op_codes.h): what is applied to each element of C once its sum is complete, by
// the thread that computed it while the tile is still in its cache: nothing, or the unary relu
// kernel (NaN kept) for a linear layer followed by a ReLU.

// The epilogue in place on `n` contiguous elements (the unary kernel of the float32 table).
void apply_gemm_epilogue(GemmEpilogue epilogue, float* c, int64_t n);

// C = A · B (+ C when accumulate) for one matrix, then the epilogue.
//   A is M×K with element (i, p) at A[i * a_rs + p * a_cs]
//   B is K×N with element (p, j) at B[p * b_rs + j * b_cs]
//   C is M×N row-major with leading dimension ldc (element (i, j) at C[i * ldc + j]).
// Any strides are accepted (transposed operands are absorbed by the packing, no copies
// beyond the packed panels). Multithreaded over the persistent pool; microkernel chosen once
// at run time from CPU feature flags (AVX-512, AVX2+FMA, portable).
// Notes (implementation in gemm.cc / gemm_kernels.cc):
//  - accumulate = false never reads C (whatever C holds, NaN included, is overwritten);
//    K = 0 then writes zeros. M = 0 or N = 0 does nothing. Only C[i * ldc + j] for i < M,
//    j < N is written. C must not overlap A or B.
//  - Products under ~0.4 MFLOP run on the calling thread; larger ones use every pool thread.
//    Called from inside a parallel_for / parallel_tasks body it runs on that thread only.
//  - Safe to call from several threads at once (packing buffers are thread_local).
void sgemm(int64_t M, int64_t N, int64_t K,
           const float* A, int64_t a_rs, int64_t a_cs,
           const float* B, int64_t b_rs, int64_t b_cs,
           float* C, int64_t ldc, bool accumulate, GemmEpilogue epilogue = GemmEpilogue::kNone);

// Batched form: for b in [0, batch): C_b = A_b · B_b with per-batch element strides
// (a stride of 0 broadcasts an operand across the batch). Parallelises across batches
// and within each product as the sizes warrant.
void sgemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K,
                   const float* A, int64_t a_bs, int64_t a_rs, int64_t a_cs,
                   const float* B, int64_t b_bs, int64_t b_rs, int64_t b_cs,
                   float* C, int64_t c_bs, int64_t ldc, bool accumulate,
                   GemmEpilogue epilogue = GemmEpilogue::kNone);

// Name of the microkernel in use: "avx512", "avx2", or "portable".
const char* sgemm_kernel_name();

// ---- packed panels, for callers that build the GEMM's operands themselves -------------------
// Convolution packs its B operand straight from the input (im2col into the panel layout) and
// its weights once per call, then runs the microkernel on the panels: no unfolded buffer, no
// second packing pass. Panel layouts (k-major):
//   A panel: mr rows × k, element (i, p) at a[p * mr + i] (rows past the matrix are zero)
//   B panel: k × nr columns, element (p, j) at b[p * nr + j]
struct GemmPanelShape {
  int mr, nr;   // register tile of the microkernel
  int64_t kc;   // depth of one cache block (a B panel kc × nr stays in L1)
};
GemmPanelShape sgemm_panel_shape();

// Packs rows [0, m) (m <= mr) of A, k deep, into one A panel: element (i, p) from
// a[i * a_rs + p * a_cs]; rows m..mr-1 are zero.
void sgemm_pack_a_panel(int64_t m, int64_t k, const float* a, int64_t a_rs, int64_t a_cs, float* dst);

// Packs columns [0, n) (n <= nr) of B, k deep, into one B panel: element (p, j) from
// b[p * b_rs + j * b_cs]; columns n..nr-1 are zero.
void sgemm_pack_b_panel(int64_t n, int64_t k, const float* b, int64_t b_rs, int64_t b_cs, float* dst);

// C[0:m, 0:n] (row-major, leading dimension ldc) = (acc ? C : 0) + A panel · B panel, with
// 1 <= m <= mr and 1 <= n <= nr; runs on the calling thread.
void sgemm_panel_kernel(int m, int n, int64_t k, const float* a_panel, const float* b_panel,
                        float* c, int64_t ldc, bool acc);

// Same with A read in place (element (i, p) at a[i * a_rs + p * a_cs]) and B a packed panel:
// for an A used once per panel of B (convolution's weight gradient reads its unfolded tile so).
void sgemm_panel_kernel_direct_a(int m, int n, int64_t k, const float* a, int64_t a_rs,
                                 int64_t a_cs, const float* b_panel, float* c, int64_t ldc,
                                 bool acc);

}  // namespace dlflow
