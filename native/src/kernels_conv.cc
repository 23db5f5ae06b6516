// N-d convolution (1-3 spatial dims) and its two gradients on the packed GEMM.
//
// Scheme: im2col in tiles. For one (sample n, group g) and a tile of output positions
// [p0, p0 + Pt), the tile's column matrix col [Cg·K × Pt] (one row per input channel and
// kernel tap, zero where the tap reads padding) is built in a thread-local buffer, then
//   forward:         out[n, g][:, tile]  = W_g [Og × Cg·K] · col          (+ bias, relu)
//   backward data:   col                 = W_gᵀ · grad[n, g][:, tile], scattered back (col2im)
//   backward weight: dW_g               += grad[n, g][:, tile] · colᵀ
// The tile width is chosen so col stays within kColBudget floats (256 KiB: it is written
// once and read by the GEMM's packing while still in L2), so memory for the unfolded input
// is bounded whatever the batch or image size. 1×1 convolutions with stride 1 and no
// padding skip the unfolding: the input itself is the column matrix (any strides; the
// packing absorbs them, channels-last included).
// Threads: tasks are (n, g) pairs spread over the pool, each running single-threaded GEMMs
// on its own tiles (no synchronisation, output slices disjoint); with fewer tasks than
// threads (a single large image) the tasks run in turn and each GEMM uses the whole pool.
// The weight gradient sums over samples: each of T = min(threads, N) chunks of the batch
// accumulates into its own partial dW, summed in chunk order at the end.
// Why im2col: measured with `npm run bench -- conv` (2 threads, AVX2 machine), the tiled
// im2col convolution of the conv2 (32→64, 3×3, 14×14, batch 128) runs at 65 GFLOP/s
// forward, 77 backward-data and 54 backward-weight, against 59 GFLOP/s for ONE GEMM of the
// same size on data already unfolded: with cache-sized tiles the unfolding costs nothing
// measurable, so the GEMM is the ceiling and a direct kernel (its own register blocking per
// kernel shape) could at best match it. Not measured here: Winograd, and an implicit GEMM
// that packs the GEMM's B panels straight from the input (it would save the col write).
#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "gemm.h"
#include "kernels.h"
#include "thread_pool.h"

namespace dlflow {
namespace {

constexpr int64_t kColBudget = int64_t(1) << 16;  // floats of one column tile
constexpr int kMaxSpatial = 3;

// One convolution's sizes, spatial dims padded to 3 with leading size-1 dims.
struct ConvDims {
  int64_t N = 0, C = 0, O = 0, groups = 1, Cg = 0, Og = 0;
  int64_t in[kMaxSpatial], out[kMaxSpatial], k[kMaxSpatial];
  int64_t stride[kMaxSpatial], pad[kMaxSpatial], dil[kMaxSpatial];
  int64_t P = 1, taps = 1, rows = 0;  // output positions, kernel taps, Cg·taps
  bool pointwise = false;              // 1×1, stride 1, no padding: col is the input itself
};

// A float32 [A, B, ...S] view as base pointer, strides of its two leading dims and of its
// spatial dims (padded to 3), and whether the spatial dims collapse into one stride `sp`.
struct Act {
  const float* p = nullptr;
  int64_t s0 = 0, s1 = 0, s[kMaxSpatial] = {0, 0, 0};
  bool flat = false;
  int64_t sp = 1;
};

Act act_of(const View& v, int spatial) {
  Act a;
  a.p = v.ptr<float>();
  a.s0 = v.strides[0];
  a.s1 = v.strides[1];
  const int lead = kMaxSpatial - spatial;
  for (int d = 0; d < spatial; d++) a.s[lead + d] = v.strides[2 + d];
  // collapsible: each non-trivial spatial dim steps over the next ones
  a.flat = true;
  int64_t expect = -1;
  for (int d = v.ndim - 1; d >= 2; d--) {
    if (v.shape[d] == 1) continue;
    if (expect < 0) a.sp = v.strides[d];
    else if (v.strides[d] != expect) a.flat = false;
    expect = v.strides[d] * v.shape[d];
  }
  return a;
}

// Reads the geometry scalars (spatial rank, stride, padding, dilation, groups) and checks the
// views' shapes against them (the front end has validated them; this guards the memory).
ConvDims read_dims(ArgReader& r, const View& x, const View& w, const View& y, const char* what) {
  const int64_t nd = r.i64("spatial rank");
  if (nd < 1 || nd > kMaxSpatial) throw std::runtime_error(std::string(what) + ": spatial rank must be 1 to 3");
  ConvDims d;
  int64_t geo[3][kMaxSpatial];
  for (auto& list : geo)
    for (int64_t i = 0; i < nd; i++) list[i] = r.i64("conv geometry");
  d.groups = r.i64("groups");
  const int spatial = static_cast<int>(nd);
  if (x.ndim != spatial + 2 || w.ndim != spatial + 2 || y.ndim != spatial + 2)
    throw std::runtime_error(std::string(what) + ": views must have spatial rank + 2 dims");
  d.N = x.shape[0];
  d.C = x.shape[1];
  d.O = y.shape[1];
  if (d.groups < 1 || d.C % d.groups != 0 || d.O % d.groups != 0 || y.shape[0] != d.N)
    throw std::runtime_error(std::string(what) + ": channels do not split into groups");
  d.Cg = d.C / d.groups;
  d.Og = d.O / d.groups;
  if (w.shape[0] != d.O || w.shape[1] != d.Cg) throw std::runtime_error(std::string(what) + ": weight shape does not match");
  const int lead = kMaxSpatial - spatial;
  for (int i = 0; i < kMaxSpatial; i++) {
    const bool real = i >= lead;
    d.in[i] = real ? x.shape[2 + i - lead] : 1;
    d.out[i] = real ? y.shape[2 + i - lead] : 1;
    d.k[i] = real ? w.shape[2 + i - lead] : 1;
    d.stride[i] = real ? geo[0][i - lead] : 1;
    d.pad[i] = real ? geo[1][i - lead] : 0;
    d.dil[i] = real ? geo[2][i - lead] : 1;
    if (d.stride[i] < 1 || d.dil[i] < 1 || d.pad[i] < 0) throw std::runtime_error(std::string(what) + ": bad geometry");
    d.P *= d.out[i];
    d.taps *= d.k[i];
  }
  d.rows = d.Cg * d.taps;
  d.pointwise = d.taps == 1;
  for (int i = 0; i < kMaxSpatial; i++) d.pointwise = d.pointwise && d.stride[i] == 1 && d.pad[i] == 0 && d.in[i] == d.out[i];
  return d;
}

// Output positions per column tile: the col buffer within budget, in steps of 16 columns.
int64_t tile_width(const ConvDims& d) {
  int64_t pt = std::max<int64_t>(64, kColBudget / std::max<int64_t>(d.rows, 1)) / 16 * 16;
  return std::min(pt, d.P);
}

// Visits the runs of one tile that share an output row: f(od, oh, ow0, len, colOffset).
template <class F>
void for_row_runs(const ConvDims& d, int64_t p0, int64_t pt, const F& f) {
  int64_t ow = p0 % d.out[2], oh = (p0 / d.out[2]) % d.out[1], od = p0 / (d.out[2] * d.out[1]);
  for (int64_t done = 0; done < pt;) {
    const int64_t len = std::min(d.out[2] - ow, pt - done);
    f(od, oh, ow, len, done);
    done += len;
    ow = 0;
    if (++oh == d.out[1]) { oh = 0; od++; }
  }
}

// The range [lo, hi) of ow in [ow0, ow0 + len) whose input column iw = ow·s − pad + kw·dil
// lies inside [0, W).
inline void valid_range(int64_t ow0, int64_t len, int64_t s, int64_t off, int64_t W, int64_t* lo, int64_t* hi) {
  // iw >= 0  <=>  ow >= ceil(-off / s);  iw < W  <=>  ow <= floor((W - 1 - off) / s)
  auto cdiv = [](int64_t a, int64_t b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); };
  auto fdiv = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  *lo = std::max(ow0, cdiv(-off, s));
  *hi = std::min(ow0 + len, fdiv(W - 1 - off, s) + 1);
  if (*hi < *lo) *hi = *lo;
}

// col[row, 0..pt) for every (c, tap) row of group-input `x` (pointing at channel 0 of the group).
void im2col(const ConvDims& d, const float* x, int64_t xc, const int64_t* xs, int64_t p0, int64_t pt, float* col) {
  for (int64_t c = 0; c < d.Cg; c++) {
    for (int64_t t = 0; t < d.taps; t++) {
      const int64_t kw = t % d.k[2], kh = (t / d.k[2]) % d.k[1], kd = t / (d.k[2] * d.k[1]);
      float* row = col + (c * d.taps + t) * pt;
      const float* xch = x + c * xc;
      for_row_runs(d, p0, pt, [&](int64_t od, int64_t oh, int64_t ow0, int64_t len, int64_t at) {
        float* dst = row + at;
        const int64_t id = od * d.stride[0] - d.pad[0] + kd * d.dil[0];
        const int64_t ih = oh * d.stride[1] - d.pad[1] + kh * d.dil[1];
        if (id < 0 || id >= d.in[0] || ih < 0 || ih >= d.in[1]) {
          std::memset(dst, 0, sizeof(float) * len);
          return;
        }
        const int64_t off = kw * d.dil[2] - d.pad[2];
        int64_t lo, hi;
        valid_range(ow0, len, d.stride[2], off, d.in[2], &lo, &hi);
        std::memset(dst, 0, sizeof(float) * (lo - ow0));
        std::memset(dst + (hi - ow0), 0, sizeof(float) * (ow0 + len - hi));
        const float* src = xch + id * xs[0] + ih * xs[1];
        const int64_t sw = d.stride[2] * xs[2];
        if (sw == 1) {
          std::memcpy(dst + (lo - ow0), src + (lo * d.stride[2] + off), sizeof(float) * (hi - lo));
        } else {
          for (int64_t ow = lo; ow < hi; ow++) dst[ow - ow0] = src[(ow * d.stride[2] + off) * xs[2]];
        }
      });
    }
  }
}

// The adjoint of im2col: dx (contiguous group slice, spatial strides ds) += col.
void col2im(const ConvDims& d, const float* col, int64_t p0, int64_t pt, float* dx) {
  const int64_t plane = d.in[1] * d.in[2], chan = d.in[0] * plane;
  for (int64_t c = 0; c < d.Cg; c++) {
    for (int64_t t = 0; t < d.taps; t++) {
      const int64_t kw = t % d.k[2], kh = (t / d.k[2]) % d.k[1], kd = t / (d.k[2] * d.k[1]);
      const float* row = col + (c * d.taps + t) * pt;
      float* dch = dx + c * chan;
      for_row_runs(d, p0, pt, [&](int64_t od, int64_t oh, int64_t ow0, int64_t len, int64_t at) {
        const int64_t id = od * d.stride[0] - d.pad[0] + kd * d.dil[0];
        const int64_t ih = oh * d.stride[1] - d.pad[1] + kh * d.dil[1];
        if (id < 0 || id >= d.in[0] || ih < 0 || ih >= d.in[1]) return;
        const int64_t off = kw * d.dil[2] - d.pad[2];
        int64_t lo, hi;
        valid_range(ow0, len, d.stride[2], off, d.in[2], &lo, &hi);
        float* dst = dch + id * plane + ih * d.in[2];
        const float* src = row + at - ow0;
        if (d.stride[2] == 1) {
          float* q = dst + off;
          for (int64_t ow = lo; ow < hi; ow++) q[ow] += src[ow];
        } else {
          for (int64_t ow = lo; ow < hi; ow++) dst[ow * d.stride[2] + off] += src[ow];
        }
      });
    }
  }
}

// A contiguous float copy of a view (for weights and gradients that arrive strided).
const float* contiguous_f32(const View& v, std::vector<float>& scratch) {
  if (v.contiguous()) return v.ptr<float>();
  scratch.resize(static_cast<size_t>(v.numel));
  int64_t idx[kMaxDims] = {};
  const float* src = v.ptr<float>();
  for (int64_t i = 0; i < v.numel; i++) {
    int64_t off = 0;
    for (int d = 0; d < v.ndim; d++) off += idx[d] * v.strides[d];
    scratch[static_cast<size_t>(i)] = src[off];
    for (int d = v.ndim - 1; d >= 0 && ++idx[d] == v.shape[d]; d--) idx[d] = 0;
  }
  return scratch.data();
}

float* col_buffer(int64_t n) {
  thread_local std::vector<float> col;
  if (static_cast<int64_t>(col.size()) < n) col.resize(static_cast<size_t>(n));
  return col.data();
}

// Runs task(i) for i in [0, n): over the pool when there are enough tasks to fill it (each
// task's GEMMs then run on their own thread), else in turn with threaded GEMMs.
template <class F>
void run_tasks(int64_t n, const F& task) {
  if (n >= num_threads() && num_threads() > 1) parallel_tasks(n, [&](int64_t i) { task(i); });
  else for (int64_t i = 0; i < n; i++) task(i);
}

bool all_f32(std::initializer_list<const View*> views) {
  for (const View* v : views)
    if (v->dtype != kF32) return false;
  return true;
}

}  // namespace

// conv: x, weight, out, has_bias, [bias], epilogue, geometry (rank, stride, padding, dilation, groups)
bool supports_conv(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_conv(ArgReader& r, int /*sub*/) {
  View x = r.view("x"), w = r.view("weight"), out = r.view("out");
  const bool has_bias = r.i64("bias flag") != 0;
  View bias;
  if (has_bias) bias = r.view("bias");
  const int64_t epi = r.i64("epilogue");
  if (epi < 0 || epi >= kNumGemmEpilogues) throw std::runtime_error("conv: bad epilogue code");
  const ConvDims d = read_dims(r, x, w, out, "conv");
  if (!all_f32({&x, &w, &out}) || (has_bias && bias.dtype != kF32) || !out.contiguous()) return false;
  if (has_bias && (bias.ndim != 1 || bias.shape[0] != d.O)) throw std::runtime_error("conv: bias shape does not match");
  if (d.N == 0 || d.O == 0 || d.P == 0) return true;
  std::vector<float> wscratch;
  const float* wp = contiguous_f32(w, wscratch);
  const Act xa = act_of(x, x.ndim - 2);
  float* y = out.ptr<float>();
  const GemmEpilogue epilogue = static_cast<GemmEpilogue>(epi);
  const int64_t pt_max = tile_width(d);
  run_tasks(d.N * d.groups, [&](int64_t task) {
    const int64_t n = task / d.groups, g = task % d.groups;
    const float* xg = xa.p + n * xa.s0 + g * d.Cg * xa.s1;
    const float* wg = wp + g * d.Og * d.rows;
    float* yg = y + (n * d.O + g * d.Og) * d.P;
    if (has_bias) {
      const float* b = bias.ptr<float>();
      for (int64_t o = 0; o < d.Og; o++) std::fill(yg + o * d.P, yg + (o + 1) * d.P, b[(g * d.Og + o) * bias.strides[0]]);
    }
    if (d.pointwise && xa.flat) {
      sgemm(d.Og, d.P, d.rows, wg, d.rows, 1, xg, xa.s1, xa.sp, yg, d.P, has_bias, epilogue);
      return;
    }
    float* col = col_buffer(d.rows * pt_max);
    for (int64_t p0 = 0; p0 < d.P; p0 += pt_max) {
      const int64_t pt = std::min(pt_max, d.P - p0);
      im2col(d, xg, xa.s1, xa.s, p0, pt, col);
      sgemm(d.Og, pt, d.rows, wg, d.rows, 1, col, pt, 1, yg + p0, d.P, has_bias, epilogue);
    }
  });
  return true;
}

// convBackwardData: grad, weight, out (dx), geometry
bool supports_conv_backward_data(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_conv_backward_data(ArgReader& r, int /*sub*/) {
  View grad = r.view("grad"), w = r.view("weight"), out = r.view("out");
  const ConvDims d = read_dims(r, out, w, grad, "convBackwardData");
  if (!all_f32({&grad, &w, &out}) || !out.contiguous()) return false;
  const int64_t in_positions = d.in[0] * d.in[1] * d.in[2];
  if (d.N == 0 || d.C == 0 || in_positions == 0) return true;
  std::vector<float> wscratch, gscratch;
  const float* wp = contiguous_f32(w, wscratch);
  Act ga = act_of(grad, grad.ndim - 2);
  if (!ga.flat) {
    ga.p = contiguous_f32(grad, gscratch);
    ga.s0 = d.O * d.P; ga.s1 = d.P; ga.sp = 1;
  }
  float* dx = out.ptr<float>();
  const int64_t pt_max = tile_width(d);
  run_tasks(d.N * d.groups, [&](int64_t task) {
    const int64_t n = task / d.groups, g = task % d.groups;
    const float* gg = ga.p + n * ga.s0 + g * d.Og * ga.s1;
    const float* wg = wp + g * d.Og * d.rows;  // W_g [Og × rows]; W_gᵀ reads it with swapped strides
    float* dxg = dx + (n * d.C + g * d.Cg) * in_positions;
    if (d.pointwise) {
      sgemm(d.rows, d.P, d.Og, wg, 1, d.rows, gg, ga.s1, ga.sp, dxg, d.P, false);
      return;
    }
    std::memset(dxg, 0, sizeof(float) * d.Cg * in_positions);
    float* col = col_buffer(d.rows * pt_max);
    for (int64_t p0 = 0; p0 < d.P; p0 += pt_max) {
      const int64_t pt = std::min(pt_max, d.P - p0);
      sgemm(d.rows, pt, d.Og, wg, 1, d.rows, gg + p0 * ga.sp, ga.s1, ga.sp, col, pt, false);
      col2im(d, col, p0, pt, dxg);
    }
  });
  return true;
}

// convBackwardWeight: x, grad, out (dW), geometry
bool supports_conv_backward_weight(int /*sub*/, int dtype) { return dtype == kF32; }

bool run_conv_backward_weight(ArgReader& r, int /*sub*/) {
  View x = r.view("x"), grad = r.view("grad"), out = r.view("out");
  const ConvDims d = read_dims(r, x, out, grad, "convBackwardWeight");
  if (!all_f32({&x, &grad, &out}) || !out.contiguous()) return false;
  float* dw = out.ptr<float>();
  const int64_t wsize = d.O * d.rows;
  std::memset(dw, 0, sizeof(float) * wsize);
  if (d.N == 0 || d.P == 0 || wsize == 0) return true;
  std::vector<float> gscratch;
  Act ga = act_of(grad, grad.ndim - 2);
  if (!ga.flat) {
    ga.p = contiguous_f32(grad, gscratch);
    ga.s0 = d.O * d.P; ga.s1 = d.P; ga.sp = 1;
  }
  const Act xa = act_of(x, x.ndim - 2);
  const int64_t chunks = std::min<int64_t>(num_threads(), d.N);
  std::vector<float> partial(static_cast<size_t>(chunks > 1 ? chunks * wsize : 0), 0.0f);
  const int64_t pt_max = tile_width(d);
  run_tasks(chunks, [&](int64_t chunk) {
    float* acc = chunks > 1 ? partial.data() + chunk * wsize : dw;
    for (int64_t n = d.N * chunk / chunks; n < d.N * (chunk + 1) / chunks; n++) {
      for (int64_t g = 0; g < d.groups; g++) {
        const float* xg = xa.p + n * xa.s0 + g * d.Cg * xa.s1;
        const float* gg = ga.p + n * ga.s0 + g * d.Og * ga.s1;
        float* accg = acc + g * d.Og * d.rows;
        if (d.pointwise && xa.flat) {
          sgemm(d.Og, d.rows, d.P, gg, ga.s1, ga.sp, xg, xa.sp, xa.s1, accg, d.rows, true);
          continue;
        }
        float* col = col_buffer(d.rows * pt_max);
        for (int64_t p0 = 0; p0 < d.P; p0 += pt_max) {
          const int64_t pt = std::min(pt_max, d.P - p0);
          im2col(d, xg, xa.s1, xa.s, p0, pt, col);
          sgemm(d.Og, d.rows, pt, gg + p0 * ga.sp, ga.s1, ga.sp, col, 1, pt, accg, d.rows, true);
        }
      }
    }
  });
  if (chunks > 1) {
    for (int64_t c = 0; c < chunks; c++) {
      const float* part = partial.data() + c * wsize;
      for (int64_t i = 0; i < wsize; i++) dw[i] += part[i];
    }
  }
  return true;
}

}  // namespace dlflow
