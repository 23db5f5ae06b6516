// Batch normalisation with the batch's statistics (op kinds batchNorm and batchNormBackward),
// float32, as the reference kernel (src/backends/reference/norm.ts) computes it.
//
// One pass gathers each channel's statistics and a second writes the output (the composed
// mean/sub/square/mean/rsqrt/mul/mul/add chain made about nine), and the same two passes give
// the gradient. Threads take whole channels, so every sum belongs to one task. The spatial dims
// of x and grad must merge into one run of equal steps (contiguous NCHW: unit step; channels-last:
// step C); other layouts are declined and run on the reference kernel.
//
// Sums run in double lanes; the statistics are shifted by the channel's first element, which
// keeps the one-pass variance free of cancellation. The elementwise passes compute in double.
// The row loops are compiled for AVX-512, AVX2 and the baseline (target_clones), picked when the
// addon loads.
#include <cmath>
#include <cstring>
#include <string>

#include "kernels.h"
#include "op_codes.h"
#include "thread_pool.h"

namespace dlflow {
namespace {

#define DLF_ROW_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

constexpr int kLanes = 16;

// Σ (x − shift) and Σ (x − shift)² over n elements `step` apart, added to s1, s2 (double
// lanes: independent partial sums, so the loop vectorises without reassociation).
DLF_ROW_CLONES void sums_row(const float* x, int64_t n, int64_t step, float shift, double* s1, double* s2) {
  double a1[kLanes] = {}, a2[kLanes] = {};
  int64_t i = 0;
  if (step == 1) {
    for (; i + kLanes <= n; i += kLanes) {
      for (int k = 0; k < kLanes; k++) {
        const double d = static_cast<double>(x[i + k]) - shift;
        a1[k] += d;
        a2[k] += d * d;
      }
    }
  }
  for (; i < n; i++) {
    const double d = static_cast<double>(x[i * step]) - shift;
    a1[0] += d;
    a2[0] += d * d;
  }
  for (int k = 0; k < kLanes; k++) { *s1 += a1[k]; *s2 += a2[k]; }
}

// Σ g and Σ g·(x − mean) over n elements (steps gs, xs), added to sg, sgx.
DLF_ROW_CLONES void grad_sums_row(const float* g, int64_t gs, const float* x, int64_t xs, int64_t n, float mean, double* sg, double* sgx) {
  double a1[kLanes] = {}, a2[kLanes] = {};
  int64_t i = 0;
  if (gs == 1 && xs == 1) {
    for (; i + kLanes <= n; i += kLanes) {
      for (int k = 0; k < kLanes; k++) {
        const double gv = g[i + k];
        a1[k] += gv;
        a2[k] += gv * (static_cast<double>(x[i + k]) - mean);
      }
    }
  }
  for (; i < n; i++) {
    const double gv = g[i * gs];
    a1[0] += gv;
    a2[0] += gv * (static_cast<double>(x[i * xs]) - mean);
  }
  for (int k = 0; k < kLanes; k++) { *sg += a1[k]; *sgx += a2[k]; }
}

// y[i] = (x − mean)·a + b in double, for n elements of x `step` apart into contiguous y.
DLF_ROW_CLONES void affine_row(const float* x, int64_t step, int64_t n, double mean, double a, double b, float* y) {
  if (step == 1) {
    for (int64_t i = 0; i < n; i++) y[i] = static_cast<float>((static_cast<double>(x[i]) - mean) * a + b);
    return;
  }
  for (int64_t i = 0; i < n; i++) y[i] = static_cast<float>((static_cast<double>(x[i * step]) - mean) * a + b);
}

// dx[i] = a·g + k·(x − mean) + c in double (contiguous dx).
DLF_ROW_CLONES void grad_row(const float* g, int64_t gs, const float* x, int64_t xs, int64_t n, double mean, double a, double k, double c, float* dx) {
  if (gs == 1 && xs == 1) {
    for (int64_t i = 0; i < n; i++) dx[i] = static_cast<float>(a * g[i] + k * (static_cast<double>(x[i]) - mean) + c);
    return;
  }
  for (int64_t i = 0; i < n; i++) dx[i] = static_cast<float>(a * g[i * gs] + k * (static_cast<double>(x[i * xs]) - mean) + c);
}

// A [N, C, ...S] view as rows: row (n, c) starts at n·sn + c·sc and holds S elements `step` apart.
struct Rows {
  int64_t N = 0, C = 0, S = 1, sn = 0, sc = 0, step = 1;
  const float* base = nullptr;
  const float* row(int64_t n, int64_t c) const { return base + n * sn + c * sc; }
};

// The rows of v, or false when its spatial dims do not merge into one run of equal steps.
bool rows_of(const View& v, Rows* out) {
  if (v.ndim < 2 || v.dtype != kF32) return false;
  Rows r;
  r.N = v.shape[0]; r.C = v.shape[1]; r.sn = v.strides[0]; r.sc = v.strides[1];
  r.base = v.ptr<float>();
  int64_t step = 0;
  for (int d = v.ndim - 1; d >= 2; d--) {
    if (v.shape[d] == 1) continue;
    if (step == 0) step = v.strides[d];
    else if (v.strides[d] != step * r.S) return false;
    r.S *= v.shape[d];
  }
  if (step == 0) {
    for (int d = 2; d < v.ndim; d++) r.S *= v.shape[d];
    step = 1;
  }
  r.step = step;
  *out = r;
  return true;
}

bool same_shape(const View& a, const View& b) {
  if (a.ndim != b.ndim) return false;
  for (int d = 0; d < a.ndim; d++)
    if (a.shape[d] != b.shape[d]) return false;
  return true;
}

// A per-channel [C] float32 view: element c.
struct ChannelValues {
  const float* p = nullptr;
  int64_t stride = 0;
  float at(int64_t c, float absent) const { return p == nullptr ? absent : p[c * stride]; }
};

bool channel_view(const View& v, int64_t C, ChannelValues* out) {
  if (v.dtype != kF32 || v.numel != C || v.ndim != 1) return false;
  out->p = v.ptr<float>();
  out->stride = v.strides[0];
  return true;
}

// The optional per-channel view of a flag-prefixed argument (abi.ts optionalView).
View optional_view(ArgReader& r, const char* name, bool* present) {
  *present = r.i64("flag") != 0;
  return *present ? r.view(name) : View{};
}

inline double invstd_of(double variance, double eps) { return 1.0 / std::sqrt(variance + eps); }

}  // namespace

// batchNorm: x, [weight], [bias], eps, out, mean, variance
bool supports_batch_norm(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_batch_norm(ArgReader& r, int /*sub*/) {
  const View x = r.view("x");
  bool has_w = false, has_b = false;
  const View weight = optional_view(r, "weight", &has_w);
  const View bias = optional_view(r, "bias", &has_b);
  const double eps = r.f64();
  const View out = r.view("out"), mean = r.view("mean"), variance = r.view("variance");
  Rows xr;
  if (!rows_of(x, &xr) || out.dtype != kF32 || !out.contiguous() || !same_shape(x, out)) return false;
  const int64_t C = xr.C, S = xr.S, N = xr.N;
  ChannelValues w, b, mv, vv;
  if ((has_w && !channel_view(weight, C, &w)) || (has_b && !channel_view(bias, C, &b))) return false;
  if (!channel_view(mean, C, &mv) || !channel_view(variance, C, &vv) || !mean.contiguous() || !variance.contiguous()) return false;
  if (N * S == 0) throw std::runtime_error("batchNorm: no elements per channel");
  float* os = out.ptr<float>();
  float* ms = mean.ptr<float>();
  float* vs = variance.ptr<float>();
  const double count = static_cast<double>(N * S);
  parallel_tasks(C, [&](int64_t c) {
    const float shift = *xr.row(0, c);
    double s1 = 0, s2 = 0;
    for (int64_t n = 0; n < N; n++) sums_row(xr.row(n, c), S, xr.step, shift, &s1, &s2);
    const double m1 = s1 / count;
    const double mu = shift + m1;
    const double var = std::max(0.0, s2 / count - m1 * m1);
    const double a = invstd_of(var, eps) * w.at(c, 1.0f);
    for (int64_t n = 0; n < N; n++) affine_row(xr.row(n, c), xr.step, S, mu, a, b.at(c, 0.0f), os + (n * C + c) * S);
    ms[c] = static_cast<float>(mu);
    vs[c] = static_cast<float>(var);
  });
  return true;
}

// batchNormBackward: grad, x, mean, variance, [weight], eps, dx, dweight, dbias
bool supports_batch_norm_backward(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_batch_norm_backward(ArgReader& r, int /*sub*/) {
  const View grad = r.view("grad"), x = r.view("x"), mean = r.view("mean"), variance = r.view("variance");
  bool has_w = false;
  const View weight = optional_view(r, "weight", &has_w);
  const double eps = r.f64();
  const View dx = r.view("dx"), dweight = r.view("dweight"), dbias = r.view("dbias");
  Rows xr, gr;
  if (!rows_of(x, &xr) || !rows_of(grad, &gr) || !same_shape(x, grad) || !same_shape(x, dx)) return false;
  if (dx.dtype != kF32 || !dx.contiguous()) return false;
  const int64_t C = xr.C, S = xr.S, N = xr.N;
  ChannelValues w, mv, vv, dwv, dbv;
  if (has_w && !channel_view(weight, C, &w)) return false;
  if (!channel_view(mean, C, &mv) || !channel_view(variance, C, &vv)) return false;
  if (!channel_view(dweight, C, &dwv) || !channel_view(dbias, C, &dbv) || !dweight.contiguous() || !dbias.contiguous()) return false;
  float* dxs = dx.ptr<float>();
  float* dws = dweight.ptr<float>();
  float* dbs = dbias.ptr<float>();
  const double count = static_cast<double>(N * S);
  parallel_tasks(C, [&](int64_t c) {
    const float mu = mv.at(c, 0.0f);
    const double inv = invstd_of(vv.at(c, 1.0f), eps);
    double sg = 0, sgx = 0;
    for (int64_t n = 0; n < N; n++) grad_sums_row(gr.row(n, c), gr.step, xr.row(n, c), xr.step, S, mu, &sg, &sgx);
    sgx *= inv;  // Σ grad·x̂
    const double a = w.at(c, 1.0f) * inv;
    const double k = -a * inv * sgx / count, shift = -a * sg / count;
    for (int64_t n = 0; n < N; n++) grad_row(gr.row(n, c), gr.step, xr.row(n, c), xr.step, S, mu, a, k, shift, dxs + (n * C + c) * S);
    dbs[c] = static_cast<float>(sg);
    dws[c] = static_cast<float>(sgx);
  });
  return true;
}

}  // namespace dlflow
