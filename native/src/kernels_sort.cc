// Stable sort along one dim: values and int64 source positions. NaN counts as the largest
// value (last ascending, first descending); equal values keep their order either way.
#include <algorithm>
#include <numeric>
#include <vector>

#include "kernels.h"
#include "loops.h"

namespace dlflow {

// sort: x, values, indices, dim, descending
bool supports_sort(int /*sub*/, int /*dtype*/) { return true; }

bool run_sort(ArgReader& r, int /*sub*/) {
  View x = r.view("x"), values = r.view("values"), indices = r.view("indices");
  const int64_t dim = r.i64("dim");
  const bool descending = r.f64() != 0;
  require_same_shape(x, values, "sort");
  require_same_shape(x, indices, "sort");
  if (values.dtype != x.dtype || indices.dtype != kI64 || x.ndim == 0) return false;
  const int d = normalize_dim(dim, x.ndim);
  const int64_t n = x.shape[d];
  int64_t rows_shape[kMaxDims];
  for (int i = 0; i < x.ndim; i++) rows_shape[i] = i == d ? 1 : x.shape[i];
  const int64_t* st[3] = {x.strides, values.strides, indices.strides};
  NdLoop<3> rows(x.ndim, rows_shape, st);
  if (rows.total == 0 || n == 0) return true;
  with_dtype(x.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    auto nan = [](T v) { return v != v; };
    parallel_elements(rows.total, n * 16, [&](int64_t begin, int64_t end) {
      std::vector<T> row(n);
      std::vector<int64_t> order(n);
      rows.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
        for (int64_t j = 0; j < len; j++) {
          const T* xr = x.ptr<T>() + off[0] + j * rows.inner_stride(0);
          for (int64_t i = 0; i < n; i++) row[i] = xr[i * x.strides[d]];
          std::iota(order.begin(), order.end(), int64_t{0});
          if (descending) {
            std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) {
              T a = row[p], b = row[q];
              return !nan(b) && (nan(a) || a > b);
            });
          } else {
            std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) {
              T a = row[p], b = row[q];
              return !nan(a) && (nan(b) || a < b);
            });
          }
          T* vr = values.ptr<T>() + off[1] + j * rows.inner_stride(1);
          int64_t* ir = indices.ptr<int64_t>() + off[2] + j * rows.inner_stride(2);
          for (int64_t i = 0; i < n; i++) {
            vr[i * values.strides[d]] = row[order[i]];
            ir[i * indices.strides[d]] = order[i];
          }
        }
      });
    });
  });
  return true;
}

}  // namespace dlflow
