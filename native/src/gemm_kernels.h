// Internal to the GEMM implementation (gemm.cc / gemm_kernels.cc): microkernel and packing
// function tables, one per instruction set. Not part of the public API (see gemm.h).
#pragma once
#include <cstdint>

namespace dlflow {
namespace gemm_detail {

// Packs a panel of width W (= MR for A, NR for B) and depth k into dst, k-major:
//   dst[p * W + i] = src[i * s_i + p * s_p] for i < n_i, and 0 for n_i <= i < W.
using PackFn = void (*)(int64_t k, const float* src, int64_t s_i, int64_t s_p, int64_t n_i,
                        float* dst);

// C[0:m, 0:n] (row-major, leading dimension ldc) = (acc ? C : 0) + Apanel · Bpanel, where
// Apanel is packed MR x k (k-major), Bpanel packed k x NR; 1 <= m <= MR, 1 <= n <= NR.
using KernelFn = void (*)(int m, int n, int64_t k, const float* a, const float* b, float* c,
                          int64_t ldc, bool acc);

// Same, reading operands in place instead of packed: when direct_a, element (i, p) of A is
// at a[i * a_rs + p * a_cs]; when direct_b, element (p, j) of B is at b[p * b_rs + j]
// (unit column stride required). Operands not marked direct are packed panels as above.
using KernelDirectFn = void (*)(int m, int n, int64_t k, const float* a, int64_t a_rs,
                                int64_t a_cs, bool direct_a, const float* b, int64_t b_rs,
                                bool direct_b, float* c, int64_t ldc, bool acc);

struct KernelSet {
  const char* name;
  int mr, nr;         // register tile
  int64_t mc, kc;     // cache blocking: A block mc x kc (L2), B panel kc x nr (L1)
  KernelFn kernel;
  PackFn pack_a;      // W = mr
  PackFn pack_b;      // W = nr
  KernelDirectFn kernel_direct;  // optional (nullptr): used when an operand would be packed
                                 // for a single use (N fits one panel, or M one MR panel)
};

// The kernel set for this CPU (from CPU feature flags, chosen once), or the one forced by
// force_kernels().
const KernelSet& active_kernels();

// Test hook: forces "avx512", "avx2" or "portable" (returns false if this CPU lacks it);
// nullptr restores the automatic choice. Not thread-safe against concurrent sgemm calls.
bool force_kernels(const char* name);

}  // namespace gemm_detail
}  // namespace dlflow
