// Softmax and log-softmax along one dim, max-shifted. Rows along `dim` that are not
// contiguous are gathered into a scratch row, so every row runs the vectorised kernels.
#include <cmath>
#include <vector>

#include "kernels.h"
#include "kernels_f32.h"
#include "loops.h"

namespace dlflow {
namespace {

void softmax_row(const float* p, float* q, int64_t n, bool log) {
  if (n == 0) return;
  const F32Kernels& k = f32_kernels();
  const float m = k.max(p, n);  // NaN sticks, so a NaN row comes out all NaN
  if (log) {
    const double ls = std::log(k.sum_exp(p, n, m, nullptr));
    for (int64_t i = 0; i < n; i++) q[i] = static_cast<float>(static_cast<double>(p[i]) - m - ls);
  } else {
    const double s = k.sum_exp(p, n, m, q);
    k.scale(q, n, static_cast<float>(1.0 / s));
  }
}

}  // namespace

// softmax: x, out, dim, log
bool supports_softmax(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_softmax(ArgReader& r, int /*sub*/) {
  View x = r.view("x"), out = r.view("out");
  const int64_t dim = r.i64("dim");
  const bool log = r.f64() != 0;
  require_same_shape(x, out, "softmax");
  if (x.dtype != kF32 || out.dtype != kF32 || x.ndim == 0) return false;
  const int d = normalize_dim(dim, x.ndim);
  const int64_t n = x.shape[d], sx = x.strides[d], so = out.strides[d];
  int64_t rows_shape[kMaxDims];
  for (int i = 0; i < x.ndim; i++) rows_shape[i] = i == d ? 1 : x.shape[i];
  const int64_t* st[2] = {x.strides, out.strides};
  NdLoop<2> rows(x.ndim, rows_shape, st);
  if (rows.total == 0 || n == 0) return true;
  parallel_elements(rows.total, n * 4, [&](int64_t begin, int64_t end) {
    std::vector<float> px, po;
    if (sx != 1) px.resize(n);
    if (so != 1) po.resize(n);
    rows.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
      for (int64_t j = 0; j < len; j++) {
        const float* xr = x.ptr<float>() + off[0] + j * rows.inner_stride(0);
        float* orow = out.ptr<float>() + off[1] + j * rows.inner_stride(1);
        if (sx != 1) {
          for (int64_t i = 0; i < n; i++) px[i] = xr[i * sx];
          xr = px.data();
        }
        softmax_row(xr, so == 1 ? orow : po.data(), n, log);
        if (so != 1) for (int64_t i = 0; i < n; i++) orow[i * so] = po[i];
      }
    });
  });
  return true;
}

}  // namespace dlflow
