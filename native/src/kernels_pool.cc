// Max and average pooling (op kinds pool and poolBackward), sliding and adaptive windows over
// 1 to 3 spatial dims, float32. Every rank runs as rank 3 with leading size-1 dims, as the
// reference kernel does (src/backends/reference/pool.ts), and gives the same results: sums in
// double, max with the first maximum in window order winning and NaN winning.
//
// Threading is over planes (n, c): each plane's outputs, and in the backward pass each plane of
// the input gradient, belong to one task, so the backward scatter needs no atomics. Inputs may
// be strided (channels-last included).
//
// The CNN's case, 2×2 windows at stride 2 without padding or dilation on planes whose rows are
// unit-stride, runs whole output rows through vectorised row kernels (kernels_pool_body.inc,
// compiled per instruction set like kernels_f32): 16 windows per step forward, and backward a
// dense write of each window's four gradients (no zero fill, no scatter). Windows the row
// kernels do not cover (the partial last row and column of ceil mode) and every other window
// shape take the generic per-output path.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#if defined(__x86_64__) && !defined(__clang__)
#include <immintrin.h>  // masked loads and stores of the AVX-512 row kernels' tails
#endif

#include "kernels.h"
#include "kernels_f32.h"
#include "op_codes.h"
#include "thread_pool.h"

// 64-byte vector types cross no function boundary outside their ISA region.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace dlflow {
namespace {

// The 2×2 stride-2 row kernels of one instruction set (see kernels_pool_body.inc).
struct Pool2x2Rows {
  void (*max)(const float* r0, const float* r1, int64_t n, float* out, int64_t* idx, int64_t base, int64_t S2);
  void (*avg)(const float* r0, const float* r1, int64_t n, float* out, double divisor);
  bool (*max_back)(const float* g, const int64_t* idx, int64_t n, int64_t base, int64_t S2, float* o0, float* o1);
  void (*avg_back)(const float* g, int64_t n, double divisor, float* o0, float* o1);
};

#define DLF_ISA_BODY "kernels_pool_body.inc"
#include "isa_regions.inc"

// The row kernels for this CPU: the instruction set the float32 table chose (one detection).
const Pool2x2Rows& rows2x2() {
  static const Pool2x2Rows table = DLF_ISA_TABLE(Pool2x2Rows);
  return table;
}

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
  // Bounds that keep every window computation inside int64 (2^20 taps or a stride of 2^20 are far
  // beyond any real pooling), and padding at most half the kernel, as the front end and PyTorch
  // require.
  constexpr int64_t kMaxWindow = int64_t{1} << 20;
  for (int d = 0; d < w.k; d++) {
    const bool in_range = w.kernel[d] >= 1 && w.stride[d] >= 1 && w.dilation[d] >= 1 && w.padding[d] >= 0 &&
                          w.kernel[d] <= kMaxWindow && w.stride[d] <= kMaxWindow && w.dilation[d] <= kMaxWindow &&
                          2 * w.padding[d] <= w.kernel[d];
    if (!in_range) throw std::runtime_error("pool: bad window (kernel, stride and dilation 1 to 2^20, padding at most half the kernel)");
  }
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
    // the first tap inside the input, in one step: stepping one dilation at a time ran for
    // minutes on a huge padding
    if (start < 0) start += (-start + dil - 1) / dil * dil;
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
  // 2×2 windows at stride 2, no padding or dilation, over 2 spatial dims: rows [0, full_rows)
  // and columns [0, full_cols) of the output have whole windows inside the input.
  bool is_2x2 = false;
  int64_t full_rows = 0, full_cols = 0;

  int64_t plane_in() const { return S[0] * S[1] * S[2]; }
  int64_t plane_out() const { return O[0] * O[1] * O[2]; }
  // (multiplied in double: each factor fits int64, their product need not)
  double divisor(int64_t o0, int64_t o1, int64_t o2) const {
    if (!window->adaptive && window->divisor_override > 0) return static_cast<double>(window->divisor_override);
    const auto size = [&](int d, int64_t o) {
      const DimWindows& w = dims[d];
      return static_cast<double>(!window->adaptive && window->count_include_pad ? w.full[o] : w.hi[o] - w.lo[o]);
    };
    return size(0, o0) * size(1, o1) * size(2, o2);
  }
  // The divisor of a whole 2×2 window.
  double divisor_2x2() const { return window->divisor_override > 0 ? static_cast<double>(window->divisor_override) : 4.0; }
};

// Rank-3 strides [n, c, d0, d1, d2] of a [N, C, ...k] view (padded dims 0).
void strides3(const View& v, int64_t st[5]) {
  const int k = v.ndim - 2;
  st[0] = v.strides[0]; st[1] = v.strides[1]; st[2] = st[3] = st[4] = 0;
  for (int d = 0; d < k; d++) st[2 + 3 - k + d] = v.strides[2 + d];
}

bool window_is_2x2(const Window& w) {
  if (w.adaptive || w.k != 2) return false;
  for (int d = 0; d < 2; d++)
    if (w.kernel[d] != 2 || w.stride[d] != 2 || w.padding[d] != 0 || w.dilation[d] != 1) return false;
  return true;
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
    // (the window bounds below are computed in int64: o·S for adaptive windows, o·stride sliding)
    if (w.adaptive && static_cast<double>(pr.O[e]) * static_cast<double>(pr.S[e] + 1) > 0x1p62)
      throw std::runtime_error("pool: adaptive output and input sizes too large");
    if (!w.adaptive) {
      // at most the outputs the padded input has windows for (PyTorch's size, ceil mode included)
      const int64_t span = (w.kernel[d] - 1) * w.dilation[d] + 1;
      if (pr.O[e] > (pr.S[e] + 2 * w.padding[d] - span) / w.stride[d] + 2)
        throw std::runtime_error("pool: more outputs than windows over the padded input");
    }
    pr.dims[e] = dim_windows(w, d, pr.S[e], pr.O[e]);
  }
  // (the row kernels keep window offsets in int32 lanes)
  pr.is_2x2 = window_is_2x2(w) && pr.S[2] < (int64_t{1} << 30);
  pr.full_rows = std::min(pr.O[1], pr.S[1] / 2);
  pr.full_cols = std::min(pr.O[2], pr.S[2] / 2);
  return pr;
}

// Runs fn(p) for every plane, spread over the pool in chunks of at least ~32K elements (a
// single large plane stays one task: its outputs are written by one thread).
template <class F>
void for_planes(const Problem& pr, const F& fn) {
  const int64_t work = std::max<int64_t>(1, pr.plane_in() + pr.plane_out());
  constexpr int64_t kChunk = 32768;
  if (pr.planes * work <= 2 * kChunk || num_threads() == 1) {
    for (int64_t p = 0; p < pr.planes; p++) fn(p);
    return;
  }
  parallel_for(pr.planes, std::max<int64_t>(1, kChunk / work), [&](int64_t b, int64_t e) {
    for (int64_t p = b; p < e; p++) fn(p);
  });
}

// Output (o0, o1, o2) of one plane: its value and, for max, the flat plane index of its maximum.
inline float pool_one(const Problem& pr, bool is_max, const float* x, const int64_t st[5], int64_t o0, int64_t o1, int64_t o2, int64_t* arg_out) {
  const DimWindows &w0 = pr.dims[0], &w1 = pr.dims[1], &w2 = pr.dims[2];
  const int64_t S1 = pr.S[1], S2 = pr.S[2];
  const int64_t lo2 = w2.lo[o2], hi2 = w2.hi[o2];
  const bool unit_inner = st[4] == 1 && w2.step == 1;
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
    return static_cast<float>(acc / pr.divisor(o0, o1, o2));
  }
  float best = -std::numeric_limits<float>::infinity();
  int64_t arg = (w0.lo[o0] * S1 + w1.lo[o1]) * S2 + lo2;
  for (int64_t i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step) {
    for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
      const float* row = x + i0 * st[2] + i1 * st[3];
      const int64_t row_index = (i0 * S1 + i1) * S2;
      // branch-free selects: on real data the comparison is a coin flip, and mispredicted
      // branches cost more than the loads (v > best is false for NaN, hence v != v)
      for (int64_t i2 = lo2; i2 < hi2; i2 += w2.step) {
        const float v = row[i2 * st[4]];
        const bool take = (v > best) | (v != v);
        best = take ? v : best;
        arg = take ? row_index + i2 : arg;
      }
    }
  }
  *arg_out = arg;
  return best;
}

void pool_plane(const Problem& pr, bool is_max, const float* x, const int64_t st[5], float* out, int64_t* idx) {
  int64_t o = 0, arg = 0;
  for (int64_t o0 = 0; o0 < pr.O[0]; o0++) {
    for (int64_t o1 = 0; o1 < pr.O[1]; o1++) {
      for (int64_t o2 = 0; o2 < pr.O[2]; o2++, o++) {
        out[o] = pool_one(pr, is_max, x, st, o0, o1, o2, &arg);
        if (idx) idx[o] = arg;
      }
    }
  }
}

// One output row's taps along the last dim, vectorised across the row: for outputs o2 in
// [a, b) (windows inside the input along that dim), tap kx reads row[o2·stride + off], off =
// kx·dilation − padding, and is folded into best/arg (max; arg skipped when null) or acc (avg).
__attribute__((target_clones("avx512f", "avx2", "default")))
void max_taps_row(const float* row, int64_t row_index, int64_t a, int64_t b, int64_t stride, int64_t off, float* best, int64_t* arg) {
  if (arg == nullptr) {
    for (int64_t o = a; o < b; o++) {
      const float v = row[o * stride + off];
      best[o] = ((v > best[o]) | (v != v)) ? v : best[o];
    }
    return;
  }
  for (int64_t o = a; o < b; o++) {
    const float v = row[o * stride + off];
    const bool take = (v > best[o]) | (v != v);
    best[o] = take ? v : best[o];
    arg[o] = take ? row_index + o * stride + off : arg[o];
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void sum_taps_row(const float* row, int64_t a, int64_t b, int64_t stride, int64_t off, double* acc) {
  for (int64_t o = a; o < b; o++) acc[o] += row[o * stride + off];
}

// A sliding-window plane with unit-stride rows: per output row, the columns whose windows lie
// inside the input along the last dim run tap by tap across the row (in window order, so results
// match pool_one's), the edge columns one by one.
void pool_plane_rows(const Problem& pr, bool is_max, const float* x, const int64_t st[5], float* out, int64_t* idx, std::vector<double>& acc) {
  const Window& w = *pr.window;
  const DimWindows &w0 = pr.dims[0], &w1 = pr.dims[1];
  const int64_t S1 = pr.S[1], S2 = pr.S[2], O2 = pr.O[2];
  const int d = w.k - 1;  // the window's last dim
  const int64_t k = w.kernel[d], s = w.stride[d], p = w.padding[d], dil = w.dilation[d];
  // interior columns: o·s − p >= 0 and o·s − p + (k − 1)·dil < S2
  const int64_t a = std::min(O2, (p + s - 1) / s);
  const int64_t last = S2 - 1 - (k - 1) * dil + p;  // o·s <= last
  const int64_t b = last < 0 ? a : std::max(a, std::min(O2, last / s + 1));
  acc.resize(O2);
  int64_t arg = 0;
  for (int64_t o0 = 0; o0 < pr.O[0]; o0++) {
    for (int64_t o1 = 0; o1 < pr.O[1]; o1++) {
      float* orow = out + (o0 * pr.O[1] + o1) * O2;
      int64_t* irow = idx ? idx + (o0 * pr.O[1] + o1) * O2 : nullptr;
      if (is_max) {
        const int64_t first = (w0.lo[o0] * S1 + w1.lo[o1]) * S2 - p;
        for (int64_t o = a; o < b; o++) {
          orow[o] = -std::numeric_limits<float>::infinity();
          if (irow) irow[o] = first + o * s;
        }
      } else {
        std::fill(acc.begin() + a, acc.begin() + b, 0.0);
      }
      // (without interior columns no tap writes anything: a window wider than the input would
      // step through its k taps, up to 2^20, for nothing)
      for (int64_t i0 = w0.lo[o0]; a < b && i0 < w0.hi[o0]; i0 += w0.step) {
        for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
          const float* row = x + i0 * st[2] + i1 * st[3];
          for (int64_t kx = 0; kx < k; kx++) {
            if (is_max) max_taps_row(row, (i0 * S1 + i1) * S2, a, b, s, kx * dil - p, orow, irow);
            else sum_taps_row(row, a, b, s, kx * dil - p, acc.data());
          }
        }
      }
      if (!is_max)
        for (int64_t o = a; o < b; o++) orow[o] = static_cast<float>(acc[o] / pr.divisor(o0, o1, o));
      for (int64_t o = 0; o < O2; o++) {
        if (o == a) o = b;
        if (o >= O2) break;
        orow[o] = pool_one(pr, is_max, x, st, o0, o1, o, &arg);
        if (irow) irow[o] = arg;
      }
    }
  }
}

// A 2×2 plane (x's rows unit-stride): whole windows by rows, the rest one by one.
void pool_plane_2x2(const Problem& pr, bool is_max, const float* x, const int64_t st[5], float* out, int64_t* idx) {
  const Pool2x2Rows& rows = rows2x2();
  const int64_t O1 = pr.O[1], O2 = pr.O[2], S2 = pr.S[2];
  int64_t arg = 0;
  for (int64_t o1 = 0; o1 < O1; o1++) {
    float* orow = out + o1 * O2;
    int64_t* irow = idx ? idx + o1 * O2 : nullptr;
    int64_t o2 = 0;
    if (o1 < pr.full_rows) {
      const float* r0 = x + 2 * o1 * st[3];
      if (is_max) rows.max(r0, r0 + st[3], pr.full_cols, orow, irow, 2 * o1 * S2, S2);
      else rows.avg(r0, r0 + st[3], pr.full_cols, orow, pr.divisor_2x2());
      o2 = pr.full_cols;
    }
    for (; o2 < O2; o2++) {
      orow[o2] = pool_one(pr, is_max, x, st, 0, o1, o2, &arg);
      if (irow) irow[o2] = arg;
    }
  }
}

// Channels-last input (x's channel stride 1): 16 channels of one sample at a time, each window
// tap one contiguous run of 16 channels, so the lanes vectorise (compiled per instruction set,
// picked when the addon loads); outputs go to the 16 channels' planes. Same order and NaN rule
// as pool_one.
constexpr int kChannelBlock = 16;

__attribute__((target_clones("avx512f", "avx2", "default")))
void pool_channels_last(const Problem& pr, bool is_max, const float* x, const int64_t st[5], float* out, int64_t* idx) {
  const DimWindows &w0 = pr.dims[0], &w1 = pr.dims[1], &w2 = pr.dims[2];
  const int64_t S1 = pr.S[1], S2 = pr.S[2], po = pr.plane_out();
  int64_t o = 0;
  for (int64_t o0 = 0; o0 < pr.O[0]; o0++) {
    for (int64_t o1 = 0; o1 < pr.O[1]; o1++) {
      for (int64_t o2 = 0; o2 < pr.O[2]; o2++, o++) {
        if (!is_max) {
          double acc[kChannelBlock] = {};
          for (int64_t i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step)
            for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step)
              for (int64_t i2 = w2.lo[o2]; i2 < w2.hi[o2]; i2 += w2.step) {
                const float* p = x + i0 * st[2] + i1 * st[3] + i2 * st[4];
                for (int k = 0; k < kChannelBlock; k++) acc[k] += p[k];
              }
          const double div = pr.divisor(o0, o1, o2);
          for (int k = 0; k < kChannelBlock; k++) out[k * po + o] = static_cast<float>(acc[k] / div);
          continue;
        }
        float best[kChannelBlock];
        int64_t arg[kChannelBlock];
        const int64_t first = (w0.lo[o0] * S1 + w1.lo[o1]) * S2 + w2.lo[o2];
        for (int k = 0; k < kChannelBlock; k++) { best[k] = -std::numeric_limits<float>::infinity(); arg[k] = first; }
        for (int64_t i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step)
          for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step)
            for (int64_t i2 = w2.lo[o2]; i2 < w2.hi[o2]; i2 += w2.step) {
              const float* p = x + i0 * st[2] + i1 * st[3] + i2 * st[4];
              const int64_t at = (i0 * S1 + i1) * S2 + i2;
              for (int k = 0; k < kChannelBlock; k++) {
                const float v = p[k];
                const bool take = (v > best[k]) | (v != v);
                best[k] = take ? v : best[k];
                arg[k] = take ? at : arg[k];
              }
            }
        for (int k = 0; k < kChannelBlock; k++) out[k * po + o] = best[k];
        if (idx)
          for (int k = 0; k < kChannelBlock; k++) idx[k * po + o] = arg[k];
      }
    }
  }
}

// Adds output (o0, o1, o2)'s gradient gv to its window (avg) or to its maximum `i` (max).
inline void add_back_one(const Problem& pr, bool is_max, float gv, int64_t i, int64_t o0, int64_t o1, int64_t o2, float* out) {
  if (is_max) {
    if (i >= 0 && i < pr.plane_in()) out[i] += gv;
    return;
  }
  const DimWindows &w0 = pr.dims[0], &w1 = pr.dims[1], &w2 = pr.dims[2];
  const int64_t S1 = pr.S[1], S2 = pr.S[2];
  const float share = static_cast<float>(gv / pr.divisor(o0, o1, o2));
  for (int64_t i0 = w0.lo[o0]; i0 < w0.hi[o0]; i0 += w0.step) {
    for (int64_t i1 = w1.lo[o1]; i1 < w1.hi[o1]; i1 += w1.step) {
      float* row = out + (i0 * S1 + i1) * S2;
      for (int64_t i2 = w2.lo[o2]; i2 < w2.hi[o2]; i2 += w2.step) row[i2] += share;
    }
  }
}

void pool_backward_plane(const Problem& pr, bool is_max, const float* g, const int64_t gst[5], const int64_t* idx,
                         const int64_t ist[5], float* out) {
  std::memset(out, 0, sizeof(float) * pr.plane_in());
  for (int64_t o0 = 0; o0 < pr.O[0]; o0++) {
    for (int64_t o1 = 0; o1 < pr.O[1]; o1++) {
      for (int64_t o2 = 0; o2 < pr.O[2]; o2++) {
        const float gv = g[o0 * gst[2] + o1 * gst[3] + o2 * gst[4]];
        const int64_t i = is_max ? idx[o0 * ist[2] + o1 * ist[3] + o2 * ist[4]] : 0;
        add_back_one(pr, is_max, gv, i, o0, o1, o2, out);
      }
    }
  }
}

// A 2×2 plane backward: rows of whole windows written densely, the region outside them zeroed,
// then the partial windows added one by one. Falls back to the scatter when an index lies
// outside its window. Rows of g or idx that are not unit-stride are gathered first.
void pool_backward_plane_2x2(const Problem& pr, bool is_max, const float* g, const int64_t gst[5], const int64_t* idx,
                             const int64_t ist[5], float* out, std::vector<float>& gtmp, std::vector<int64_t>& itmp) {
  const Pool2x2Rows& rows = rows2x2();
  const int64_t S1 = pr.S[1], S2 = pr.S[2], O1 = pr.O[1], O2 = pr.O[2];
  const int64_t fr = pr.full_rows, fc = pr.full_cols;
  for (int64_t i1 = 0; i1 < S1; i1++) {
    const int64_t from = i1 < 2 * fr ? 2 * fc : 0;
    std::memset(out + i1 * S2 + from, 0, sizeof(float) * (S2 - from));
  }
  gtmp.resize(fc);
  itmp.resize(fc);
  for (int64_t o1 = 0; o1 < fr; o1++) {
    const float* grow = g + o1 * gst[3];
    if (gst[4] != 1) {
      for (int64_t j = 0; j < fc; j++) gtmp[j] = grow[j * gst[4]];
      grow = gtmp.data();
    }
    float* r0 = out + 2 * o1 * S2;
    if (!is_max) {
      rows.avg_back(grow, fc, pr.divisor_2x2(), r0, r0 + S2);
      continue;
    }
    const int64_t* irow = idx + o1 * ist[3];
    if (ist[4] != 1) {
      for (int64_t j = 0; j < fc; j++) itmp[j] = irow[j * ist[4]];
      irow = itmp.data();
    }
    if (!rows.max_back(grow, irow, fc, 2 * o1 * S2, S2, r0, r0 + S2)) {
      pool_backward_plane(pr, is_max, g, gst, idx, ist, out);
      return;
    }
  }
  for (int64_t o1 = 0; o1 < O1; o1++) {
    for (int64_t o2 = o1 < fr ? fc : 0; o2 < O2; o2++) {
      const int64_t i = is_max ? idx[o1 * ist[3] + o2 * ist[4]] : 0;
      add_back_one(pr, is_max, g[o1 * gst[3] + o2 * gst[4]], i, 0, o1, o2, out);
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
  // nothing to write; and the windows are sized by out's dims, which an empty view may have huge
  if (out.numel == 0) return true;
  const Problem pr = problem_of(w, x, out);
  int64_t st[5];
  strides3(x, st);
  const float* xs = x.ptr<float>();
  float* os = out.ptr<float>();
  int64_t* is = has_indices ? indices.ptr<int64_t>() : nullptr;
  const int64_t po = pr.plane_out();
  const bool rows_2x2 = pr.is_2x2 && st[4] == 1;
  if (!rows_2x2 && st[1] == 1 && pr.C >= kChannelBlock) {
    // channels-last: blocks of 16 channels per task; the channels after the last whole block
    // run plane by plane
    const int64_t blocks = pr.C / kChannelBlock, rest = pr.C - blocks * kChannelBlock;
    const int64_t N = pr.planes / pr.C, work = kChannelBlock * (pr.plane_in() + po);
    parallel_for(N * (blocks + (rest > 0 ? 1 : 0)), std::max<int64_t>(1, 32768 / work), [&](int64_t b, int64_t e) {
      for (int64_t t = b; t < e; t++) {
        const int64_t n = t / (blocks + (rest > 0)), blk = t % (blocks + (rest > 0));
        const int64_t c0 = blk * kChannelBlock, p0 = n * pr.C + c0;
        const float* base = xs + n * st[0] + c0 * st[1];
        if (blk < blocks) {
          pool_channels_last(pr, is_max, base, st, os + p0 * po, is ? is + p0 * po : nullptr);
          continue;
        }
        for (int64_t c = 0; c < rest; c++)
          pool_plane(pr, is_max, base + c * st[1], st, os + (p0 + c) * po, is ? is + (p0 + c) * po : nullptr);
      }
    });
    return true;
  }
  for_planes(pr, [&](int64_t p) {
    const float* base = xs + (p / pr.C) * st[0] + (p % pr.C) * st[1];
    int64_t* ip = is ? is + p * po : nullptr;
    if (rows_2x2) {
      pool_plane_2x2(pr, is_max, base, st, os + p * po, ip);
    } else if (!w.adaptive && st[4] == 1) {
      thread_local std::vector<double> acc;
      pool_plane_rows(pr, is_max, base, st, os + p * po, ip, acc);
    } else {
      pool_plane(pr, is_max, base, st, os + p * po, ip);
    }
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
  // the indices are read at grad's positions with their own strides
  if (has_indices) require_same_shape(indices, grad, "poolBackward indices");
  // no outputs, no gradient: the windows are sized by grad's dims, which an empty view may have huge
  if (grad.numel == 0) {
    std::memset(out.data, 0, sizeof(float) * static_cast<size_t>(out.numel));
    return true;
  }
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
    const float* gp = gs + n * gst[0] + c * gst[1];
    const int64_t* ip = is ? is + n * ist[0] + c * ist[1] : nullptr;
    if (!pr.is_2x2) {
      pool_backward_plane(pr, is_max, gp, gst, ip, ist, os + p * pi);
      return;
    }
    thread_local std::vector<float> gtmp;
    thread_local std::vector<int64_t> itmp;
    pool_backward_plane_2x2(pr, is_max, gp, gst, ip, ist, os + p * pi, gtmp, itmp);
  });
  return true;
}

}  // namespace dlflow
