// Reductions over a set of dims (out keeps x's rank with reduced dims of size 1).
//
// Each op is a small "reducer": a state, `row` (fold a strided run of elements into a state,
// using the vectorised float32 row kernels when the run is contiguous), `combine` (merge the
// state of a later run) and `finish` (store). Three loop shapes use them:
//  - rows:    every output's block is walked as collapsed rows (the last-dim case is one
//             contiguous row); threaded over outputs, or within the row when there are few;
//  - columns: the kept inner dim is contiguous in x and the reduced dims are outer (column
//             sums, as in bias gradients): a tile of outputs is updated per reduced row, so x
//             is read sequentially and the inner loop vectorises across outputs.
// Float sums accumulate in double, integer sums in wrapping int64, as the reference does.
#include <cmath>
#include <cstring>
#include <vector>

#include "casts.h"
#include "kernels.h"
#include "kernels_f32.h"
#include "loops.h"

namespace dlflow {
namespace {

template <class T> constexpr bool kFloat = std::is_same<T, float>::value;
template <class T> using Wide = std::conditional_t<kFloat<T>, double, int64_t>;

template <class T>
inline int64_t wrap64(int64_t a, int64_t b, bool mul) {
  return static_cast<int64_t>(mul ? static_cast<uint64_t>(a) * static_cast<uint64_t>(b)
                                  : static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// sum / mean / prod.
template <class T, bool kProd, bool kMean>
struct SumLike {
  using State = Wide<T>;
  using Out = std::conditional_t<kFloat<T>, float, int64_t>;
  State init() const { return kProd ? 1 : 0; }
  State row(const T* p, int64_t s, int64_t n, int64_t) const {
    if constexpr (kFloat<T> && !kProd) {
      if (s == 1) return f32_kernels().sum(p, n);
    }
    State acc = init();
    for (int64_t i = 0; i < n; i++) combine(acc, static_cast<State>(p[i * s]));
    return acc;
  }
  void combine(State& a, State b) const {
    if constexpr (kFloat<T>) a = kProd ? a * b : a + b;
    else a = wrap64<T>(a, b, kProd);
  }
  void col(State* st, const T* p, int64_t w, int64_t) const {
    for (int64_t c = 0; c < w; c++) combine(st[c], static_cast<State>(p[c]));
  }
  void finish(State s, int64_t count, Out* o) const {
    if constexpr (kMean) *o = static_cast<Out>(s / static_cast<double>(count));
    else *o = static_cast<Out>(s);
  }
};

// max / min and argmax / argmin: first occurrence wins; for floats a NaN wins and sticks.
template <class T, bool kMax, bool kIndex>
struct Extremum {
  struct State { T v; int64_t i; };  // i < 0: no element yet
  using Out = std::conditional_t<kIndex, int64_t, T>;
  static bool better(T v, T b) {
    if constexpr (kFloat<T>) return b == b && (v != v || (kMax ? v > b : v < b));
    else return kMax ? v > b : v < b;
  }
  State init() const { return State{T(0), -1}; }
  State row(const T* p, int64_t s, int64_t n, int64_t base) const {
    if (n == 0) return init();
    if constexpr (kFloat<T> && !kIndex) {
      if (s == 1) return State{kMax ? f32_kernels().max(p, n) : f32_kernels().min(p, n), base};
    }
    State st{p[0], base};
    for (int64_t i = 1; i < n; i++) {
      T v = p[i * s];
      if (better(v, st.v)) st = State{v, base + i};
    }
    return st;
  }
  void combine(State& a, const State& b) const {
    if (b.i < 0) return;
    if (a.i < 0 || better(b.v, a.v)) a = b;
  }
  void col(State* st, const T* p, int64_t w, int64_t index) const {
    for (int64_t c = 0; c < w; c++) {
      T v = p[c];
      if (st[c].i < 0 || better(v, st[c].v)) st[c] = State{v, index};
    }
  }
  void finish(const State& s, int64_t, Out* o) const {
    if constexpr (kIndex) *o = s.i;
    else *o = s.v;
  }
};

template <class T, bool kAll>
struct Logical {
  using State = uint8_t;
  using Out = uint8_t;
  State init() const { return kAll; }
  State row(const T* p, int64_t s, int64_t n, int64_t) const {
    for (int64_t i = 0; i < n; i++)
      if ((p[i * s] != 0) != kAll) return !kAll;
    return kAll;
  }
  void combine(State& a, State b) const { a = kAll ? (a && b) : (a || b); }
  void col(State* st, const T* p, int64_t w, int64_t) const {
    for (int64_t c = 0; c < w; c++) combine(st[c], p[c] != 0);
  }
  void finish(State s, int64_t, Out* o) const { *o = s; }
};

// log Σ exp(x) as (max m, Σ exp(x - m)); m = NaN or ±inf decides the result alone.
struct LogSumExp {
  struct State { float m; double s; };
  using Out = float;
  State init() const { return State{-__builtin_inff(), 0.0}; }
  static State dense(const float* p, int64_t n) {
    const F32Kernels& k = f32_kernels();
    float m = k.max(p, n);
    if (std::isnan(m) || std::isinf(m)) return State{m, 0.0};
    return State{m, k.sum_exp(p, n, m, nullptr)};
  }
  State row(const float* p, int64_t s, int64_t n, int64_t) const {
    if (n == 0) return init();
    if (s == 1) return dense(p, n);
    State st = init();
    float tile[kTile];
    for (int64_t i = 0; i < n; i += kTile) {
      const int64_t m = std::min(kTile, n - i);
      for (int64_t j = 0; j < m; j++) tile[j] = p[(i + j) * s];
      combine(st, dense(tile, m));
    }
    return st;
  }
  void combine(State& a, const State& b) const {
    if (std::isnan(a.m) || std::isnan(b.m)) { a.m = __builtin_nanf(""); return; }
    const float m = a.m > b.m ? a.m : b.m;
    if (std::isinf(m)) { a = State{m, 0.0}; return; }
    a.s = a.s * std::exp(static_cast<double>(a.m) - m) + b.s * std::exp(static_cast<double>(b.m) - m);
    a.m = m;
  }
  void col(State* st, const float* p, int64_t w, int64_t) const {
    for (int64_t c = 0; c < w; c++) combine(st[c], dense(p + c, 1));
  }
  void finish(const State& s, int64_t, float* o) const {
    *o = (std::isnan(s.m) || std::isinf(s.m)) ? s.m : static_cast<float>(s.m + std::log(s.s));
  }
};

struct Geometry {
  int nk = 0, nr = 0;                       // kept / reduced dims (size-1 kept dims included)
  int64_t kshape[kMaxDims], kx[kMaxDims], ko[kMaxDims];
  int64_t rshape[kMaxDims], rx[kMaxDims];
};

template <class T, class R>
void reduce_with(const View& x, const View& out, const Geometry& g, const R& red) {
  using State = typename R::State;
  using Out = typename R::Out;
  const int64_t* kst[2] = {g.kx, g.ko};
  NdLoop<2> kept(g.nk, g.kshape, kst);
  const int64_t* rst[1] = {g.rx};
  NdLoop<1> block(g.nr, g.rshape, rst);
  const int64_t outputs = kept.total, count = block.total;
  if (outputs == 0) return;
  const T* xp = x.ptr<T>();
  Out* op = out.ptr<Out>();

  // Folds block b (starting at x offset base) over [begin, end) of its elements.
  auto fold = [&](int64_t base, int64_t begin, int64_t end) {
    State st = red.init();
    int64_t pos = begin;
    block.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
      red.combine(st, red.row(xp + base + off[0], block.inner_stride(0), len, pos));
      pos += len;
    });
    return st;
  };

  const bool columns = kept.inner_stride(0) == 1 && kept.inner_stride(1) == 1 &&
                       block.inner_stride(0) != 1 && count > 1 && kept.shape[kept.ndim - 1] >= 8;
  if (columns) {
    constexpr int64_t kCols = 256;
    const int64_t width = kept.shape[kept.ndim - 1];
    const int64_t tiles_per_row = (width + kCols - 1) / kCols;
    const int64_t rows = outputs / width;
    auto task = [&](int64_t t) {
      const int64_t r = t / tiles_per_row, c0 = (t % tiles_per_row) * kCols;
      const int64_t w = std::min(kCols, width - c0);
      int64_t xoff = 0, ooff = 0;
      kept.for_rows(r * width + c0, r * width + c0 + 1, [&](const int64_t* off, int64_t) {
        xoff = off[0];
        ooff = off[1];
      });
      State st[kCols];
      for (int64_t c = 0; c < w; c++) st[c] = red.init();
      int64_t index = 0;
      block.for_rows(0, count, [&](const int64_t* off, int64_t len) {
        for (int64_t j = 0; j < len; j++, index++)
          red.col(st, xp + xoff + off[0] + j * block.inner_stride(0), w, index);
      });
      for (int64_t c = 0; c < w; c++) red.finish(st[c], count, op + ooff + c);
    };
    const int64_t tasks = rows * tiles_per_row;
    if (outputs * count <= 65536 || tasks == 1) {
      for (int64_t t = 0; t < tasks; t++) task(t);
    } else {
      parallel_tasks(tasks, task);
    }
    return;
  }

  const int threads = num_threads();
  if (outputs < threads && count >= 65536 && threads > 1) {
    // Few long blocks: split each block over the pool and merge the partial states in order.
    const int64_t chunks = threads * 4;
    std::vector<State> parts(static_cast<size_t>(chunks));
    kept.for_rows(0, outputs, [&](const int64_t* off, int64_t len) {
      for (int64_t j = 0; j < len; j++) {
        const int64_t base = off[0] + j * kept.inner_stride(0);
        parallel_tasks(chunks, [&](int64_t c) {
          parts[c] = fold(base, count * c / chunks, count * (c + 1) / chunks);
        });
        State st = red.init();
        for (const State& p : parts) red.combine(st, p);
        red.finish(st, count, op + off[1] + j * kept.inner_stride(1));
      }
    });
    return;
  }
  parallel_elements(outputs, count > 0 ? count : 1, [&](int64_t begin, int64_t end) {
    kept.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
      for (int64_t j = 0; j < len; j++)
        red.finish(fold(off[0] + j * kept.inner_stride(0), 0, count), count,
                   op + off[1] + j * kept.inner_stride(1));
    });
  });
}

const char* kReduceNames[] = {"sum", "mean", "prod", "max", "min", "argmax", "argmin", "any", "all", "logsumexp"};

// The dtype the reference gives op on x's dtype; -1 where there is no native kernel.
int result_dtype(int op, int xd) {
  switch (op) {
    case rSum: case rProd: return xd == kF32 ? kF32 : kI64;
    case rMean: case rLogsumexp: return xd == kF32 ? kF32 : -1;
    case rMax: case rMin: return xd;
    case rArgmax: case rArgmin: return kI64;
    case rAny: case rAll: return kBool;
    default: return -1;
  }
}

}  // namespace

// reduce: x, out, ndims, dims[ndims] (sub = ReduceOp)
bool supports_reduce(int op, int dtype) { return op >= 0 && op < kNumReduce && result_dtype(op, dtype) >= 0; }

bool run_reduce(ArgReader& r, int op) {
  View x = r.view("x"), out = r.view("out");
  const int64_t nd = r.i64("dim count");
  if (op < 0 || op >= kNumReduce) throw std::runtime_error("reduce: bad op code");
  if (nd < 0 || nd > kMaxDims) throw std::runtime_error("reduce: bad dim count");
  bool reduced[kMaxDims] = {};
  for (int64_t i = 0; i < nd; i++) reduced[normalize_dim(r.i64("dim"), x.ndim)] = true;
  if (out.ndim != x.ndim) throw std::runtime_error("reduce: out must keep x's rank");
  Geometry g;
  int64_t count = 1;
  for (int d = 0; d < x.ndim; d++) {
    if (out.shape[d] != (reduced[d] ? 1 : x.shape[d])) throw std::runtime_error("reduce: out has the wrong shape");
    if (reduced[d]) {
      g.rshape[g.nr] = x.shape[d];
      g.rx[g.nr++] = x.strides[d];
      count *= x.shape[d];
    } else {
      g.kshape[g.nk] = x.shape[d];
      g.kx[g.nk] = x.strides[d];
      g.ko[g.nk++] = out.strides[d];
    }
  }
  if (result_dtype(op, x.dtype) != out.dtype) return false;
  if (count == 0 && (op == rMax || op == rMin || op == rArgmax || op == rArgmin))
    throw RangeError(std::string(kReduceNames[op]) + "(): cannot reduce over a zero-size dimension");
  with_dtype(x.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    switch (op) {
      case rSum: return reduce_with<T>(x, out, g, SumLike<T, false, false>{});
      case rProd: return reduce_with<T>(x, out, g, SumLike<T, true, false>{});
      case rMax: return reduce_with<T>(x, out, g, Extremum<T, true, false>{});
      case rMin: return reduce_with<T>(x, out, g, Extremum<T, false, false>{});
      case rArgmax: return reduce_with<T>(x, out, g, Extremum<T, true, true>{});
      case rArgmin: return reduce_with<T>(x, out, g, Extremum<T, false, true>{});
      case rAny: return reduce_with<T>(x, out, g, Logical<T, false>{});
      case rAll: return reduce_with<T>(x, out, g, Logical<T, true>{});
      default: break;
    }
    if constexpr (kFloat<T>) {
      if (op == rMean) return reduce_with<T>(x, out, g, SumLike<T, false, true>{});
      if (op == rLogsumexp) return reduce_with<T>(x, out, g, LogSumExp{});
    }
  });
  return true;
}

}  // namespace dlflow
