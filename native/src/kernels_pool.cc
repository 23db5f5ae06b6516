// Max and average pooling (op kinds pool and poolBackward), sliding and adaptive windows over
// 1 to 3 spatial dims, float32. Every rank runs as rank 3 with leading size-1 dims, as the
// reference kernel does (src/backends/reference/pool.ts), and gives the same results: sums in
// double, max with the first maximum in window order winning and NaN winning.
//
// Threading is over planes (n, c): each plane's outputs, and in the backward pass each plane of
// the input gradient, belong to one task, so the backward scatter needs no atomics. Inputs may
// be strided (channels-last included). Where a plane's innermost dim is unit-stride with unit
// step (the common NCHW case) the inner window rows run as plain pointer loops, which the
// compiler vectorises for the sums.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "kernels.h"
#include "op_codes.h"
#include "parallel.h"

namespace dlflow {
namespace {

// The windows along one spatial dim: output o reads lo[o], lo[o] + step, ... below hi[o].
struct DimWindows {
  std::vector<int64_t> lo, hi, full;
  int64_t step = 1;
};

struct Window {
  bool adaptive = true;
  int k = 0;
  int64_t kernel[3] = {}, stride[3] = {}, padding[3] = {}, dilation[3] = {};
  bool count_include_pad = false;
  int64_t divisor_override = 0;
};

// adaptive flag; for sliding windows: k, kernel[k], stride[k], padding[k], dilation[k],
// countIncludePad, divisorOverride (abi.ts poolWindow).
Window read_window(ArgReader& r) {
  Window w;
  w.adaptive = r.i64("adaptive") != 0;
  if (w.adaptive) return w;
  const int64_t k = r.i64("spatial rank");
  if (k < 1 || k > 3) throw std::runtime_error("pool: spatial rank must be 1 to 3");
  w.k = static_cast<int>(k);
  for (int64_t* list : {w.kernel, w.stride, w.padding, w.dilation})
    for (int d = 0; d < w.k; d++) list[d] = r.i64("window size");
  w.count_include_pad = r.i64("countIncludePad") != 0;
  w.divisor_override = r.i64("divisorOverride");
  for (int d = 0; d < w.k; d++)
    if (w.kernel[d] < 1 || w.stride[d] < 1 || w.dilation[d] < 1 || w.padding[d] < 0)
      throw std::runtime_error("pool: bad window");
  return w;
}

DimWindows dim_windows(const Window& w, int d, int64_t S, int64_t O) {
  DimWindows dw;
  dw.lo.resize(O); dw.hi.resize(O); dw.full.resize(O);
  if (w.adaptive) {
    for (int64_t o = 0; o < O; o++) {
      dw.lo[o] = (o * S) / O;
      dw.hi[o] = ((o + 1) * S + O - 1) / O;
      dw.full[o] = dw.hi[o] - dw.lo[o];
    }
    return dw;
  }
  const int64_t k = w.kernel[d], s = w.stride[d], p = w.padding[d], dil = w.dilation[d];
  for (int64_t o = 0; o < O; o++) {
    int64_t start = o * s - p;
    const int64_t end = std::min(start + (k - 1) * dil + 1, S + p);
    dw.full[o] = end - start;
    while (start < 0) start += dil;
    dw.lo[o] = start;
    dw.hi[o] = std::min(end, S);
  }
  dw.step = dil;
  return dw;
}

DimWindows unit_dim() {
  DimWindows dw;
  dw.lo = {0}; dw.hi = {1}; dw.full = {1};
  return dw;
}

// A pooling problem as rank 3: the planes (N·C), input and output sizes, windows, and the
// strides of the strided operand (x forward, grad backward) as [n, c, d0, d1, d2].
struct Problem {
  int64_t planes = 0, C = 0, S[3] = {1, 1, 1}, O[3] = {1, 1, 1};
  DimWindows dims[3];
  const Window* window = nullptr;

  int64_t plane_in() const { return S[0] * S[1] * S[2]; }
  int64_t plane_out() const { return O[0] * O[1] * O[2]; }
  double divisor(int64_t o0, int64_t o1, int64_t o2) const {
    if (!window->adaptive && window->divisor_override > 0) return static_cast<double>(window->divisor_override);
    if (!window->adaptive && window->count_include_pad)
      return static_cast<double>(dims[0].full[o0] * dims[1].full[o1] * dims[2].full[o2]);
    return static_cast<double>((dims[0].hi[o0] - dims[0].lo[o0]) * (dims[1].hi[o1] - dims[1].lo[o1]) *
                               (dims[2].hi[o2] - dims[2].lo[o2]));
  }
};

// Rank-3 strides [n, c, d0, d1, d2] of a [N, C, ...k] view (padded dims 0).
void strides3(const View& v, int64_t st[5]) {
  const int k = v.ndim - 2;
  st[0] = v.strides[0]; st[1] = v.strides[1]; st[2] = st[3] = st[4] = 0;
  for (int d = 0; d < k; d++) st[2 + 3 - k + d] = v.strides[2 + d];
}

Problem problem_of(const Window& w, const View& input, const View& output) {
  if (input.ndim < 3 || input.ndim > 5 || output.ndim != input.ndim || input.shape[0] != output.shape[0] || input.shape[1] != output.shape[1])
    throw std::runtime_error("pool: expected [N, C, ...] views with 1 to 3 spatial dims and matching N, C");
  const int k = input.ndim - 2;
  if (!w.adaptive && w.k != k) throw std::runtime_error("pool: window rank differs from the views'");
  Problem pr;
  pr.window = &w;
  pr.planes = input.shape[0] * input.shape[1];
  pr.C = input.shape[1];
  for (int d = 0; d < 3; d++) pr.dims[d] = unit_dim();
  for (int d = 0; d < k; d++) {
    const int e = 3 - k + d;
    pr.S[e] = input.shape[2 + d];
    pr.O[e] = output.shape[2 + d];
    if (w.adaptive && pr.O[e] < 1) throw std::runtime_error("pool: adaptive output size must be positive");
    pr.dims[e] = dim_windows(w, d, pr.S[e], pr.O[e]);
  }
  return pr;
}

// Plane tasks of at least ~32K input elements each.
template <class F>
void for_planes(const Problem& pr, const F& fn) {
  const int64_t work = std::max<int64_t>(1, pr.plane_in() + pr.plane_out());
  parallel_elements(pr.planes, work, [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; p++) fn(p);
  });
}

void pool_plane(const Problem& pr, bool is_max, const float* x, const int64_t st[5], float* out, int64_t* idx) {
  const DimWindows &w0 = pr.dims[0], &w1 = pr.dims[1], &w2 = pr.dims[2];
  const int64_t S1 = pr.S[1], S2 = pr.S[2];
  const bool unit_inner = st[4] == 1 && w2.step == 1;
  int64_t o = 0;
  for (int64_t o0 = 0; o0 < pr.O[0]; o0++) {
    for (int64_t o1 = 0; o1 < pr.O[1]; o1++) {
      for (int64_t o2 = 0; o2 < pr.O[2]; o2++, o++) {
        const int64_t lo2 = w2.lo[o2], hi2 = w2.hi[o2];
        if (!is_max) {
          double acc = 0;
          for (int64_t i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step) {
            for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
              const float* row = x + i0 * st[2] + i1 * st[3];
              if (unit_inner) {
                for (int64_t i2 = lo2; i2 < hi2; i2++) acc += row[i2];
              } else {
                for (int64_t i2 = lo2; i2 < hi2; i2 += w2.step) acc += row[i2 * st[4]];
              }
            }
          }
          out[o] = static_cast<float>(acc / pr.divisor(o0, o1, o2));
          continue;
        }
        float best = -std::numeric_limits<float>::infinity();
        int64_t arg = (w0.lo[o0] * S1 + w1.lo[o1]) * S2 + lo2;
        for (int64_t i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step) {
          for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
            const float* row = x + i0 * st[2] + i1 * st[3];
            if (unit_inner) {
              // branch-free selects: on real data the comparison is a coin flip, and mispredicted
              // branches cost more than the loads (v > best is false for NaN, hence v != v)
              const int64_t row_index = (i0 * S1 + i1) * S2;
              for (int64_t i2 = lo2; i2 < hi2; i2++) {
                const float v = row[i2];
                const bool take = (v > best) | (v != v);
                best = take ? v : best;
                arg = take ? row_index + i2 : arg;
              }
              continue;
            }
            for (int64_t i2 = lo2; i2 < hi2; i2 += w2.step) {
              const float v = row[i2 * st[4]];
              if (v > best || std::isnan(v)) {
                best = v;
                arg = (i0 * S1 + i1) * S2 + i2;
              }
            }
          }
        }
        out[o] = best;
        if (idx) idx[o] = arg;
      }
    }
  }
}

void pool_backward_plane(const Problem& pr, bool is_max, const float* g, const int64_t gst[5], const int64_t* idx,
                         const int64_t ist[5], float* out) {
  const int64_t plane = pr.plane_in();
  std::memset(out, 0, sizeof(float) * plane);
  const DimWindows &w0 = pr.dims[0], &w1 = pr.dims[1], &w2 = pr.dims[2];
  const int64_t S1 = pr.S[1], S2 = pr.S[2];
  for (int64_t o0 = 0; o0 < pr.O[0]; o0++) {
    for (int64_t o1 = 0; o1 < pr.O[1]; o1++) {
      for (int64_t o2 = 0; o2 < pr.O[2]; o2++) {
        const float gv = g[o0 * gst[2] + o1 * gst[3] + o2 * gst[4]];
        if (is_max) {
          const int64_t i = idx[o0 * ist[2] + o1 * ist[3] + o2 * ist[4]];
          if (i >= 0 && i < plane) out[i] += gv;
          continue;
        }
        const float share = static_cast<float>(gv / pr.divisor(o0, o1, o2));
        for (int64_t i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step) {
          for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
            float* row = out + (i0 * S1 + i1) * S2;
            for (int64_t i2 = w2.lo[o2]; i2 < w2.hi[o2]; i2 += w2.step) row[i2] += share;
          }
        }
      }
    }
  }
}

bool check_op(int sub) {
  if (sub < 0 || sub >= kNumPoolOps) throw std::runtime_error("pool: bad pool op code");
  return sub == pMax;
}

}  // namespace

// pool: x, out, has_indices, [indices], window (sub = PoolOp)
bool supports_pool(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_pool(ArgReader& r, int sub) {
  View x = r.view("x"), out = r.view("out");
  View indices;
  const bool has_indices = r.i64("has_indices") != 0;
  if (has_indices) indices = r.view("indices");
  const Window w = read_window(r);
  const bool is_max = check_op(sub);
  if (x.dtype != kF32 || out.dtype != kF32 || !out.contiguous()) return false;
  if (has_indices && (indices.dtype != kI64 || !indices.contiguous() || indices.numel != out.numel)) return false;
  const Problem pr = problem_of(w, x, out);
  int64_t st[5];
  strides3(x, st);
  const float* xs = x.ptr<float>();
  float* os = out.ptr<float>();
  int64_t* is = has_indices ? indices.ptr<int64_t>() : nullptr;
  const int64_t po = pr.plane_out();
  for_planes(pr, [&](int64_t p) {
    const float* base = xs + (p / pr.C) * st[0] + (p % pr.C) * st[1];
    pool_plane(pr, is_max, base, st, os + p * po, is ? is + p * po : nullptr);
  });
  return true;
}

// poolBackward: grad, out, has_indices, [indices], window (sub = PoolOp)
bool supports_pool_backward(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_pool_backward(ArgReader& r, int sub) {
  View grad = r.view("grad"), out = r.view("out");
  View indices;
  const bool has_indices = r.i64("has_indices") != 0;
  if (has_indices) indices = r.view("indices");
  const Window w = read_window(r);
  const bool is_max = check_op(sub);
  if (grad.dtype != kF32 || out.dtype != kF32 || !out.contiguous()) return false;
  if (is_max && (!has_indices || indices.dtype != kI64)) return false;
  const Problem pr = problem_of(w, out, grad);
  int64_t gst[5], ist[5] = {};
  strides3(grad, gst);
  if (has_indices) strides3(indices, ist);
  const float* gs = grad.ptr<float>();
  const int64_t* is = has_indices ? indices.ptr<int64_t>() : nullptr;
  float* os = out.ptr<float>();
  const int64_t pi = pr.plane_in();
  for_planes(pr, [&](int64_t p) {
    const int64_t n = p / pr.C, c = p % pr.C;
    pool_backward_plane(pr, is_max, gs + n * gst[0] + c * gst[1], gst,
                        is ? is + n * ist[0] + c * ist[1] : nullptr, ist, os + p * pi);
  });
  return true;
}

}  // namespace dlflow
