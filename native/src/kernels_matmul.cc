// Batched float32 matmul: decodes [...B, M, K]·[...B, K, N] views and hands the product to
// sgemm_batched with element strides. Batch dims are collapsed jointly for a, b and out; when
// they cannot become one strided dim, the outer ones are looped over. With an addend (a bias
// broadcast over rows, or any view of out's shape) it is copied into out first and the GEMM
// accumulates onto it: out = a·b + addend in one pass over out. An epilogue (relu) is applied
// inside the GEMM, by each thread to its own finished tiles.
#include <cstring>

#include "gemm.h"
#include "kernels.h"
#include "loops.h"
#include "op_codes.h"

namespace dlflow {

// matmul: a, b, out, has_addend, [addend], epilogue (epilogue = GemmEpilogue)
bool supports_matmul(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_matmul(ArgReader& r, int /*sub*/) {
  View a = r.view("a"), b = r.view("b"), out = r.view("out");
  const bool has_addend = r.i64("addend flag") != 0;
  View addend;
  if (has_addend) addend = r.view("addend");
  const int64_t epilogue_code = r.i64("epilogue");
  if (epilogue_code < 0 || epilogue_code >= kNumGemmEpilogues) throw std::runtime_error("matmul: bad epilogue code");
  const GemmEpilogue epilogue = static_cast<GemmEpilogue>(epilogue_code);
  if (a.dtype != kF32 || b.dtype != kF32 || out.dtype != kF32) return false;
  if (has_addend && addend.dtype != kF32) return false;
  const int nd = out.ndim;
  if (nd < 2 || a.ndim != nd || b.ndim != nd) return false;
  const int64_t M = a.shape[nd - 2], K = a.shape[nd - 1], N = b.shape[nd - 1];
  bool ok = b.shape[nd - 2] == K && out.shape[nd - 2] == M && out.shape[nd - 1] == N;
  for (int d = 0; d < nd - 2; d++) ok = ok && a.shape[d] == out.shape[d] && b.shape[d] == out.shape[d];
  if (!ok) throw std::runtime_error("matmul: operand shapes do not match");
  if (has_addend) require_same_shape(addend, out, "matmul addend");
  // sgemm writes rows with unit column stride.
  if (out.strides[nd - 1] != 1 && N > 1) return false;
  const int64_t ldc = out.strides[nd - 2];
  const int64_t* st[3] = {a.strides, b.strides, out.strides};
  NdLoop<3> batches(nd - 2, out.shape, st);
  if (batches.total == 0 || M == 0 || N == 0) return true;
  if (has_addend) {
    unary_loop<float, float>(addend, out, 1, [](const float* src, float* dst, int64_t n) {
      std::memcpy(dst, src, sizeof(float) * static_cast<size_t>(n));
    });
  }
  const float* ap = a.ptr<float>();
  const float* bp = b.ptr<float>();
  float* op = out.ptr<float>();
  batches.for_rows(0, batches.total, [&](const int64_t* off, int64_t len) {
    if (K == 0) {  // empty sum: zeros (or the addend, already in place), then the epilogue
      for (int64_t j = 0; j < len; j++)
        for (int64_t i = 0; i < M; i++) {
          float* row = op + off[2] + j * batches.inner_stride(2) + i * ldc;
          if (!has_addend) std::memset(row, 0, sizeof(float) * static_cast<size_t>(N));
          apply_gemm_epilogue(epilogue, row, N);
        }
      return;
    }
    sgemm_batched(len, M, N, K, ap + off[0], batches.inner_stride(0), a.strides[nd - 2], a.strides[nd - 1],
                  bp + off[1], batches.inner_stride(1), b.strides[nd - 2], b.strides[nd - 1],
                  op + off[2], batches.inner_stride(2), ldc, has_addend, epilogue);
  });
  return true;
}

}  // namespace dlflow
