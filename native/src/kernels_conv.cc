// N-d convolution (1-3 spatial dims) and its two gradients on the GEMM's packed panels.
//
// Scheme (why: docs/architecture.md, "Convolution"). Per task (sample n, group g) the input is
// first copied into a zero-padded buffer (one pass over the image, so the unfolding below never
// tests bounds), then:
//   forward:  out[n, g] = W_g [Og × Cg·K] · col [Cg·K × P], the GEMM's B operand unfolded
//             (im2col) from the padded input straight into its packed panels, one kc × nr
//             block at a time (L1-sized): no unfolded buffer and no second packing pass. W is
//             packed into A panels once per call and shared by every task. Bias and the ReLU
//             epilogue are applied to each finished panel while it is in L1.
//   backward data, stride 1: the forward of the transposed problem (dx = conv(g, W'), W' the
//             kernel flipped with in/out channels swapped, padding dil·(k−1) − pad): the same
//             fast path, no col2im scatter. Other strides: col = W_gᵀ · g in position tiles,
//             scattered back (col2im).
//   backward weight: dW_g += Σ_n Σ_tiles of the unfolded tile col [rows × pt] and g [Og × pt],
//             summing over positions p, which is contiguous in both: one of the two is
//             transposed into B panels (pt × nr, near L1 size) and the other read in place by
//             the microkernel: dWᵀ = col · gᵀ when rows ≥ Og or rows < 32 (a narrower B panel
//             would idle half the lanes), else dW = g · colᵀ. Each chunk of the batch (4 per
//             thread) accumulates its own partial, summed in chunk order at the end.
// 1×1 convolutions with stride 1 and no padding skip the unfolding: the input itself is the
// column matrix (any strides; the GEMM's packing absorbs them, channels-last included).
// Memory: the padded copy of one image (group) and one kc × nr panel per thread, or one
// position tile (kColBudget floats) for the weight gradient; never a buffer per batch.
// Threads: tasks (n, g, block of output panels) spread over the pool, each single-threaded
// (no synchronisation, output slices disjoint); a single image is split over its panels.
#include <algorithm>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "gemm.h"
#include "kernels.h"
#include "thread_pool.h"

namespace dlflow {
namespace {

constexpr int64_t kColBudget = int64_t(1) << 16;  // floats of one column tile
constexpr int kMaxSpatial = 3;

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

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
  // The extent the output positions read, (out − 1)·stride + dil·(k − 1) + 1, in double: wild
  // strides, dilations or paddings are refused before the int64 arithmetic below meets them.
  constexpr double kMaxExtent = static_cast<double>(int64_t{1} << 50);
  for (int i = 0; i < kMaxSpatial; i++) {
    const double extent = static_cast<double>(d.out[i] - 1) * static_cast<double>(d.stride[i]) +
                          static_cast<double>(d.dil[i]) * static_cast<double>(d.k[i] - 1) + 1;
    if (extent > kMaxExtent || static_cast<double>(d.pad[i]) > kMaxExtent)
      throw std::runtime_error(std::string(what) + ": geometry reaches past 2^50 elements");
  }
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
        // indices, not shifted pointers: dst + off and row + at − ow0 may lie far outside their
        // buffers (a large padding) even though every element reached lies inside
        float* dst = dch + id * plane + ih * d.in[2];
        const float* src = row + at;
        if (d.stride[2] == 1) {
          for (int64_t ow = lo; ow < hi; ow++) dst[ow + off] += src[ow - ow0];
        } else {
          for (int64_t ow = lo; ow < hi; ow++) dst[ow * d.stride[2] + off] += src[ow - ow0];
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

// Runs task(i) for i in [0, n) for tasks that call the threaded sgemm: over the pool when
// there are enough tasks to fill it (each task's GEMMs then run on their own thread), else in
// turn with threaded GEMMs.
template <class F>
void run_gemm_tasks(int64_t n, const F& task) {
  if (n >= num_threads() && num_threads() > 1) parallel_tasks(n, [&](int64_t i) { task(i); });
  else for (int64_t i = 0; i < n; i++) task(i);
}

// ---- the padded input and its unfolding ----------------------------------------------------

// The zero-padded copy of one (sample, group) input: per channel ext[0] × ext[1] × ext[2],
// exactly the extent the output positions read (pad before, whatever the last window needs
// after), so every unfolded element is a plain load.
struct PaddedShape {
  int64_t ext[kMaxSpatial];
  int64_t plane = 0, chan = 0;
};

PaddedShape padded_shape(const ConvDims& d) {
  PaddedShape s;
  for (int i = 0; i < kMaxSpatial; i++) s.ext[i] = (d.out[i] - 1) * d.stride[i] + d.dil[i] * (d.k[i] - 1) + 1;
  s.plane = s.ext[1] * s.ext[2];
  s.chan = s.ext[0] * s.plane;
  return s;
}

// Whether the padded copy of one (sample, group) input stays within a few times the input
// itself plus 16 MiB. A padding or stride far beyond the input makes it mostly zeros, and it
// could exceed memory (one per thread): such calls are left to the reference kernel.
bool padded_copy_fits(const ConvDims& d) {
  const PaddedShape s = padded_shape(d);
  double padded = static_cast<double>(d.Cg), input = static_cast<double>(d.Cg);
  for (int i = 0; i < kMaxSpatial; i++) {
    padded *= static_cast<double>(s.ext[i]);
    input *= static_cast<double>(d.in[i]);
  }
  return padded <= 8 * input + static_cast<double>(int64_t{1} << 22);
}

// A piece of one output row inside a block of positions: `len` positions whose first reads
// the padded input at offset `src` (tap (0, 0, 0), channel 0), stored from column `at`.
struct Run {
  int64_t src, at, len;
};

// How to unfold the positions [p0, p0 + n) of the padded input: row r = (c, tap) of the
// column matrix reads channel r / taps at tap_offset[r % taps] plus each run's offset, with
// element step `step` (the stride along the last dim).
struct Unfolding {
  int64_t taps = 1, chan = 0, step = 1, n = 0, zero_to = 0;
  const int64_t* tap_offset = nullptr;
  const Run* runs = nullptr;
  int64_t nruns = 0;
};

// The padded-input offset of each kernel tap.
std::vector<int64_t> tap_offsets(const ConvDims& d, const PaddedShape& s) {
  std::vector<int64_t> off(static_cast<size_t>(d.taps));
  for (int64_t t = 0; t < d.taps; t++) {
    const int64_t kw = t % d.k[2], kh = (t / d.k[2]) % d.k[1], kd = t / (d.k[2] * d.k[1]);
    off[static_cast<size_t>(t)] = kd * d.dil[0] * s.plane + kh * d.dil[1] * s.ext[2] + kw * d.dil[2];
  }
  return off;
}

// The runs of positions [p0, p0 + n) into `runs` (cleared first).
void position_runs(const ConvDims& d, const PaddedShape& s, int64_t p0, int64_t n, std::vector<Run>& runs) {
  runs.clear();
  for_row_runs(d, p0, n, [&](int64_t od, int64_t oh, int64_t ow0, int64_t len, int64_t at) {
    runs.push_back({od * d.stride[0] * s.plane + oh * d.stride[1] * s.ext[2] + ow0 * d.stride[2], at, len});
  });
}

namespace portable {
#define DLF_CONV_ISA 0
#include "kernels_conv_unfold.inc"
#undef DLF_CONV_ISA
}  // namespace portable

#if defined(__x86_64__)
#pragma GCC push_options
#pragma GCC target("avx2,fma")
namespace avx2 {
#define DLF_CONV_ISA 256
#include "kernels_conv_unfold.inc"
#undef DLF_CONV_ISA
}  // namespace avx2
#pragma GCC pop_options

#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")
namespace avx512 {
#define DLF_CONV_ISA 512
#include "kernels_conv_unfold.inc"
#undef DLF_CONV_ISA
}  // namespace avx512
#pragma GCC pop_options
#endif

// The unfolding loops for this CPU, chosen once from its flags.
struct UnfoldKernels {
  void (*unfold_rows)(const Unfolding&, const float*, int64_t, int64_t, float*, int64_t);
  void (*pad_input)(const ConvDims&, const PaddedShape&, const float*, int64_t, const int64_t*, float*);
};

const UnfoldKernels& unfold_kernels() {
  static const UnfoldKernels k = [] {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
        __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
      return UnfoldKernels{&avx512::unfold_rows, &avx512::pad_input};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return UnfoldKernels{&avx2::unfold_rows, &avx2::pad_input};
#endif
    return UnfoldKernels{&portable::unfold_rows, &portable::pad_input};
  }();
  return k;
}

// 64-byte aligned, growable, per-thread scratch (the microkernel loads B panels aligned).
struct Scratch {
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> ptr;
  size_t cap = 0;
  float* get(int64_t n) {
    const size_t want = static_cast<size_t>(std::max<int64_t>(n, 16));
    if (want > cap) {
      const size_t bytes = (want * sizeof(float) + 63) / 64 * 64;
      ptr.reset(static_cast<float*>(std::aligned_alloc(64, bytes)));
      if (!ptr) throw std::bad_alloc();
      cap = bytes / sizeof(float);
    }
    return ptr.get();
  }
};
thread_local Scratch tl_padded, tl_panel, tl_col;
// Slack after the padded input and the unfolded buffers (see copy_run_spill).
constexpr int64_t kSpill = 16;

// Runs task(i) for i in [0, n) over the pool (each task single-threaded), inline when there
// is one task or one thread.
template <class F>
void run_tasks(int64_t n, const F& task) {
  if (n > 1 && num_threads() > 1) parallel_tasks(n, [&](int64_t i) { task(i); });
  else for (int64_t i = 0; i < n; i++) task(i);
}

// ---- forward on packed panels --------------------------------------------------------------

// A convolution's input as a float32 [N, C, ...S] array: base and strides.
struct Input {
  const float* p;
  int64_t s0, s1, s[kMaxSpatial];
};

// W [O × rows] (contiguous) packed into A panels: per group, K block, panel of mr rows.
struct PackedWeight {
  std::vector<float> data;
  int64_t kc_blk = 0, nkb = 0, mpan = 0;
  const float* panel(int64_t g, int64_t kb, int64_t i, int mr) const {
    return data.data() + ((g * nkb + kb) * mpan + i) * mr * kc_blk;
  }
};

PackedWeight pack_weight(const ConvDims& d, const GemmPanelShape& ps, const float* w) {
  PackedWeight pw;
  const int64_t nkb0 = ceil_div(d.rows, ps.kc);
  pw.kc_blk = std::min(d.rows, round_up(ceil_div(d.rows, nkb0), 8));
  pw.nkb = ceil_div(d.rows, pw.kc_blk);
  pw.mpan = ceil_div(d.Og, ps.mr);
  pw.data.assign(static_cast<size_t>(d.groups * pw.nkb * pw.mpan * ps.mr * pw.kc_blk), 0.0f);
  for (int64_t g = 0; g < d.groups; g++)
    for (int64_t kb = 0; kb < pw.nkb; kb++)
      for (int64_t i = 0; i < pw.mpan; i++) {
        const int64_t r0 = kb * pw.kc_blk, o0 = i * ps.mr;
        sgemm_pack_a_panel(std::min<int64_t>(ps.mr, d.Og - o0), std::min(pw.kc_blk, d.rows - r0),
                           w + (g * d.Og + o0) * d.rows + r0, d.rows, 1,
                           const_cast<float*>(pw.panel(g, kb, i, ps.mr)));
      }
  return pw;
}

// out (contiguous [N, O, P]) = conv(x, w) + bias, then the epilogue, for a geometry with
// padding given by d (forward, or the stride-1 backward data as its transposed problem).
void conv_forward(const ConvDims& d, const Input& x, const float* w, const float* bias, int64_t bias_stride,
                  GemmEpilogue epilogue, float* y) {
  const GemmPanelShape ps = sgemm_panel_shape();
  const PackedWeight pw = pack_weight(d, ps, w);
  const PaddedShape sh = padded_shape(d);
  const std::vector<int64_t> toff = tap_offsets(d, sh);
  const UnfoldKernels& uk = unfold_kernels();
  const int64_t npan = ceil_div(d.P, ps.nr);
  // split an image's panels when there are fewer images than twice the threads
  const int64_t ng = d.N * d.groups;
  const int64_t chunks = std::min(npan, std::max<int64_t>(1, ceil_div(2 * num_threads(), ng)));
  run_tasks(ng * chunks, [&](int64_t task) {
    const int64_t ch = task % chunks, n = (task / chunks) / d.groups, g = (task / chunks) % d.groups;
    float* xp = tl_padded.get(d.Cg * sh.chan + kSpill);
    uk.pad_input(d, sh, x.p + n * x.s0 + g * d.Cg * x.s1, x.s1, x.s, xp);
    float* bp = tl_panel.get(pw.kc_blk * ps.nr + kSpill);
    thread_local std::vector<Run> runs;
    float* yg = y + (n * d.O + g * d.Og) * d.P;
    for (int64_t pj = npan * ch / chunks; pj < npan * (ch + 1) / chunks; pj++) {
      const int64_t p0 = pj * ps.nr, nn = std::min<int64_t>(ps.nr, d.P - p0);
      position_runs(d, sh, p0, nn, runs);
      Unfolding u;
      u.taps = d.taps; u.chan = sh.chan; u.step = d.stride[2]; u.n = nn; u.zero_to = ps.nr;
      u.tap_offset = toff.data(); u.runs = runs.data(); u.nruns = static_cast<int64_t>(runs.size());
      for (int64_t kb = 0; kb < pw.nkb; kb++) {
        const int64_t r0 = kb * pw.kc_blk, kc = std::min(pw.kc_blk, d.rows - r0);
        uk.unfold_rows(u, xp, r0, r0 + kc, bp, ps.nr);
        for (int64_t i = 0; i < pw.mpan; i++) {
          const int64_t o0 = i * ps.mr;
          sgemm_panel_kernel(static_cast<int>(std::min<int64_t>(ps.mr, d.Og - o0)), static_cast<int>(nn), kc,
                             pw.panel(g, kb, i, ps.mr), bp, yg + o0 * d.P + p0, d.P, kb > 0);
        }
      }
      for (int64_t o = 0; o < d.Og; o++) {
        float* row = yg + o * d.P + p0;
        if (bias != nullptr) {
          const float b = bias[(g * d.Og + o) * bias_stride];
          for (int64_t j = 0; j < nn; j++) row[j] += b;
        }
        apply_gemm_epilogue(epilogue, row, nn);
      }
    }
  });
}

// ---- backward data as the forward of the transposed problem --------------------------------

// Whether dx of a stride-1 convolution runs as conv(g, W') with padding dil·(k−1) − pad ≥ 0:
// also needs enough input channels per group to fill the microkernel's rows (they are that
// problem's output channels; Cin = 1 would run its GEMM one row at a time, and col2im wins).
bool data_as_forward(const ConvDims& d) {
  if (2 * d.Cg < sgemm_panel_shape().mr) return false;
  for (int i = 0; i < kMaxSpatial; i++)
    if (d.stride[i] != 1 || d.pad[i] > d.dil[i] * (d.k[i] - 1)) return false;
  return true;
}

// The transposed problem's geometry: input g, output dx, channels swapped, padding mirrored.
ConvDims transposed_dims(const ConvDims& d) {
  ConvDims t = d;
  t.C = d.O; t.O = d.C; t.Cg = d.Og; t.Og = d.Cg;
  t.P = 1;
  for (int i = 0; i < kMaxSpatial; i++) {
    t.in[i] = d.out[i];
    t.out[i] = d.in[i];
    t.pad[i] = d.dil[i] * (d.k[i] - 1) - d.pad[i];
    t.P *= t.out[i];
  }
  t.rows = t.Cg * t.taps;
  return t;
}

// W' [C × Og·taps]: W'[g·Cg + c][o·taps + t] = W[g·Og + o][c][taps − 1 − t].
std::vector<float> flipped_weight(const ConvDims& d, const float* w) {
  std::vector<float> wt(static_cast<size_t>(d.C * d.Og * d.taps));
  for (int64_t g = 0; g < d.groups; g++)
    for (int64_t c = 0; c < d.Cg; c++)
      for (int64_t o = 0; o < d.Og; o++) {
        const float* src = w + ((g * d.Og + o) * d.Cg + c) * d.taps;
        float* dst = wt.data() + ((g * d.Cg + c) * d.Og + o) * d.taps;
        for (int64_t t = 0; t < d.taps; t++) dst[t] = src[d.taps - 1 - t];
      }
  return wt;
}

// ---- weight gradient -----------------------------------------------------------------------

// Partial dW of the images [n0, n1) into acc (zeroed by the caller): per group, laid out
// [rows × Og] (dWᵀ) when `transposed`, else [Og × rows].
struct WeightGradJob {
  const ConvDims* d;
  const PaddedShape* sh;
  const int64_t* toff;
  Input x;
  const float* g;            // flat grad: element (n, o, p) at g[n * gs0 + o * gs1 + p * gsp]
  int64_t gs0, gs1, gsp;
  int64_t pt;                // positions per unfolded tile
  bool transposed;
};

// Splits `n` columns into panels of at most nr, as even as the vector width allows.
int64_t panel_width(int64_t n, int nr) {
  const int64_t np = ceil_div(n, nr);
  return std::min<int64_t>(nr, round_up(ceil_div(n, np), 16));
}

// Positions per tile of the weight gradient: the tile is the GEMM's K, so its B panels (tile ×
// nr) stay near L1 size: at most ~256 positions, balanced, and within the unfolding budget.
int64_t weight_grad_tile(const ConvDims& d) {
  const int64_t tiles = ceil_div(d.P, 256);
  return std::min({tile_width(d), round_up(ceil_div(d.P, tiles), 16), d.P});
}

void weight_grad_images(const WeightGradJob& job, int64_t n0, int64_t n1, float* acc) {
  const ConvDims& d = *job.d;
  const GemmPanelShape ps = sgemm_panel_shape();
  const UnfoldKernels& uk = unfold_kernels();
  // C = A · B over the positions of a tile: A read in place, B (the transposed operand) packed
  const int64_t M = job.transposed ? d.rows : d.Og, N = job.transposed ? d.Og : d.rows;
  const int64_t bw = panel_width(N, ps.nr), nbp = ceil_div(N, bw);
  float* xp = tl_padded.get(d.Cg * job.sh->chan + kSpill);
  float* col = tl_col.get(d.rows * job.pt + kSpill);
  float* bp = tl_panel.get(nbp * job.pt * ps.nr);
  thread_local std::vector<Run> runs;
  for (int64_t n = n0; n < n1; n++) {
    for (int64_t g = 0; g < d.groups; g++) {
      uk.pad_input(d, *job.sh, job.x.p + n * job.x.s0 + g * d.Cg * job.x.s1, job.x.s1, job.x.s, xp);
      float* accg = acc + g * d.Og * d.rows;
      for (int64_t p0 = 0; p0 < d.P; p0 += job.pt) {
        const int64_t np = std::min(job.pt, d.P - p0);
        position_runs(d, *job.sh, p0, np, runs);
        Unfolding u;
        u.taps = d.taps; u.chan = job.sh->chan; u.step = d.stride[2]; u.n = np; u.zero_to = np;
        u.tap_offset = job.toff; u.runs = runs.data(); u.nruns = static_cast<int64_t>(runs.size());
        uk.unfold_rows(u, xp, 0, d.rows, col, np);
        const float* gg = job.g + n * job.gs0 + g * d.Og * job.gs1 + p0 * job.gsp;
        // A: (i, p) at a[i * a_rs + p * a_cs]; B: (p, j) at b[p * b_rs + j * b_cs]
        const float* a = job.transposed ? col : gg;
        const int64_t a_rs = job.transposed ? np : job.gs1, a_cs = job.transposed ? 1 : job.gsp;
        const float* b = job.transposed ? gg : col;
        const int64_t b_rs = job.transposed ? job.gsp : 1, b_cs = job.transposed ? job.gs1 : np;
        for (int64_t jb = 0; jb < nbp; jb++)
          sgemm_pack_b_panel(std::min(bw, N - jb * bw), np, b + jb * bw * b_cs, b_rs, b_cs, bp + jb * np * ps.nr);
        for (int64_t i0 = 0; i0 < M; i0 += ps.mr) {
          const int m = static_cast<int>(std::min<int64_t>(ps.mr, M - i0));
          for (int64_t jb = 0; jb < nbp; jb++)
            sgemm_panel_kernel_direct_a(m, static_cast<int>(std::min(bw, N - jb * bw)), np, a + i0 * a_rs, a_rs, a_cs,
                                        bp + jb * np * ps.nr, accg + i0 * N + jb * bw, N, true);
        }
      }
    }
  }
}

bool all_f32(std::initializer_list<const View*> views) {
  for (const View* v : views)
    if (v->dtype != kF32) return false;
  return true;
}

// Input of a view decoded by act_of.
Input input_of(const Act& a) { return {a.p, a.s0, a.s1, {a.s[0], a.s[1], a.s[2]}}; }

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
  const Act xa = act_of(x, x.ndim - 2);
  if (!(d.pointwise && xa.flat) && !padded_copy_fits(d)) return false;
  std::vector<float> wscratch;
  const float* wp = contiguous_f32(w, wscratch);
  float* y = out.ptr<float>();
  const GemmEpilogue epilogue = static_cast<GemmEpilogue>(epi);
  if (!(d.pointwise && xa.flat)) {
    conv_forward(d, input_of(xa), wp, has_bias ? bias.ptr<float>() : nullptr, has_bias ? bias.strides[0] : 0, epilogue, y);
    return true;
  }
  // 1×1: the input is the column matrix
  run_gemm_tasks(d.N * d.groups, [&](int64_t task) {
    const int64_t n = task / d.groups, g = task % d.groups;
    const float* xg = xa.p + n * xa.s0 + g * d.Cg * xa.s1;
    float* yg = y + (n * d.O + g * d.Og) * d.P;
    if (has_bias) {
      const float* b = bias.ptr<float>();
      for (int64_t o = 0; o < d.Og; o++) std::fill(yg + o * d.P, yg + (o + 1) * d.P, b[(g * d.Og + o) * bias.strides[0]]);
    }
    sgemm(d.Og, d.P, d.rows, wp + g * d.Og * d.rows, d.rows, 1, xg, xa.s1, xa.sp, yg, d.P, has_bias, epilogue);
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
  const bool as_forward = !d.pointwise && data_as_forward(d);
  if (as_forward && !padded_copy_fits(transposed_dims(d))) return false;
  std::vector<float> wscratch, gscratch;
  const float* wp = contiguous_f32(w, wscratch);
  float* dx = out.ptr<float>();
  if (as_forward) {
    const std::vector<float> wt = flipped_weight(d, wp);
    conv_forward(transposed_dims(d), input_of(act_of(grad, grad.ndim - 2)), wt.data(), nullptr, 0, GemmEpilogue::kNone, dx);
    return true;
  }
  Act ga = act_of(grad, grad.ndim - 2);
  if (!ga.flat) {
    ga.p = contiguous_f32(grad, gscratch);
    ga.s0 = d.O * d.P; ga.s1 = d.P; ga.sp = 1;
  }
  const int64_t pt_max = tile_width(d);
  run_gemm_tasks(d.N * d.groups, [&](int64_t task) {
    const int64_t n = task / d.groups, g = task % d.groups;
    const float* gg = ga.p + n * ga.s0 + g * d.Og * ga.s1;
    const float* wg = wp + g * d.Og * d.rows;  // W_g [Og × rows]; W_gᵀ reads it with swapped strides
    float* dxg = dx + (n * d.C + g * d.Cg) * in_positions;
    if (d.pointwise) {
      sgemm(d.rows, d.P, d.Og, wg, 1, d.rows, gg, ga.s1, ga.sp, dxg, d.P, false);
      return;
    }
    std::memset(dxg, 0, sizeof(float) * d.Cg * in_positions);
    float* col = tl_col.get(d.rows * pt_max);
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
  const Act xa = act_of(x, x.ndim - 2);
  if (!(d.pointwise && xa.flat) && !padded_copy_fits(d)) return false;
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
  // 1×1: one chunk per thread (each runs threaded GEMMs when alone); else 4 per thread, handed
  // out dynamically, so a thread whose core is busy with other work takes fewer
  const int64_t chunks = std::min<int64_t>(num_threads() * (d.pointwise && xa.flat ? 1 : 4), d.N);
  std::vector<float> partial(static_cast<size_t>(chunks * wsize), 0.0f);
  if (d.pointwise && xa.flat) {
    run_gemm_tasks(chunks, [&](int64_t chunk) {
      float* acc = partial.data() + chunk * wsize;
      for (int64_t n = d.N * chunk / chunks; n < d.N * (chunk + 1) / chunks; n++)
        for (int64_t g = 0; g < d.groups; g++)
          sgemm(d.Og, d.rows, d.P, ga.p + n * ga.s0 + g * d.Og * ga.s1, ga.s1, ga.sp, xa.p + n * xa.s0 + g * d.Cg * xa.s1,
                xa.sp, xa.s1, acc + g * d.Og * d.rows, d.rows, true);
    });
  } else {
    const PaddedShape sh = padded_shape(d);
    const std::vector<int64_t> toff = tap_offsets(d, sh);
    // transpose (into B panels) the smaller of the unfolded tile and the gradient, unless that
    // leaves the microkernel a panel under 32 columns wide (Cin = 1: 9 rows; half its lanes idle)
    const bool transposed = d.rows >= d.Og || d.rows < 32;
    const WeightGradJob job{&d, &sh, toff.data(), input_of(xa), ga.p, ga.s0, ga.s1, ga.sp, weight_grad_tile(d), transposed};
    run_tasks(chunks, [&](int64_t chunk) {
      weight_grad_images(job, d.N * chunk / chunks, d.N * (chunk + 1) / chunks, partial.data() + chunk * wsize);
    });
    if (job.transposed) {
      // per group [rows × Og] → [Og × rows]
      for (int64_t c = 0; c < chunks; c++)
        for (int64_t g = 0; g < d.groups; g++) {
          const float* part = partial.data() + c * wsize + g * d.Og * d.rows;
          float* dst = dw + g * d.Og * d.rows;
          for (int64_t rr = 0; rr < d.rows; rr++)
            for (int64_t o = 0; o < d.Og; o++) dst[o * d.rows + rr] += part[rr * d.Og + o];
        }
      return true;
    }
  }
  for (int64_t c = 0; c < chunks; c++) {
    const float* part = partial.data() + c * wsize;
    for (int64_t i = 0; i < wsize; i++) dw[i] += part[i];
  }
  return true;
}

}  // namespace dlflow
