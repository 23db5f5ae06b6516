// fill, copy, unary, binary, binaryScalar, clamp and where.
// float32 math goes to the vectorised row tables (kernels_f32.h); integer and bool ops are
// plain loops over contiguous rows, which the compiler vectorises for the baseline ISA.
#include <atomic>
#include <type_traits>

#include "casts.h"
#include "kernels.h"
#include "kernels_f32.h"
#include "loops.h"

namespace dlflow {
namespace {

template <class X, class O, class F>
void map_elements(const View& x, const View& out, const F& f) {
  unary_loop<X, O>(x, out, 1, [&f](const X* p, O* q, int64_t n) {
    for (int64_t i = 0; i < n; i++) q[i] = f(p[i]);
  });
}

template <class A, class O, class F>
void zip_elements(const View& a, const View& b, const View& out, const F& f) {
  binary_loop<A, O>(a, b, out, 1, [&f](const A* p, const A* q, O* o, int64_t n) {
    for (int64_t i = 0; i < n; i++) o[i] = f(p[i], q[i]);
  });
}

// Integer arithmetic wraps like C's fixed-width types (computed unsigned, so no UB).
template <class T> T wrap_add(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) + U(b)); }
template <class T> T wrap_sub(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) - U(b)); }
template <class T> T wrap_mul(T a, T b) { using U = std::make_unsigned_t<T>; return T(U(a) * U(b)); }

// Integer (int32/int64) and bool unary ops. Bool computes on 0/1 and stores x != 0, as the
// reference does through its double formulas.
template <class T>
bool int_unary(int op, const View& x, const View& out) {
  constexpr bool kBoolT = std::is_same<T, uint8_t>::value;
  auto same = [&](auto f) { map_elements<T, T>(x, out, f); return true; };
  auto pred = [&](auto f) { map_elements<T, uint8_t>(x, out, f); return true; };
  if (kBoolT && op < uIsnan) {
    // neg/abs/sign/square/relu/rounding of 0 or 1 is 0 or nonzero exactly when x is.
    switch (op) {
      case uNeg: case uAbs: case uSign: case uSquare: case uRelu:
      case uFloor: case uCeil: case uRound: case uTrunc:
        return same([](T v) -> T { return v != 0; });
      default: return false;
    }
  }
  switch (op) {
    case uNeg: return same([](T v) { return wrap_sub<T>(0, v); });
    case uAbs: return same([](T v) { return v < 0 ? wrap_sub<T>(0, v) : v; });
    case uSign: return same([](T v) { return T((v > 0) - (v < 0)); });
    case uSquare: return same([](T v) { return wrap_mul<T>(v, v); });
    case uRelu: return same([](T v) { return v > 0 ? v : T(0); });
    case uFloor: case uCeil: case uRound: case uTrunc: return same([](T v) { return v; });
    case uIsnan: case uIsinf: return pred([](T) -> uint8_t { return 0; });
    case uIsfinite: return pred([](T) -> uint8_t { return 1; });
    case uLogicalNot: return pred([](T v) -> uint8_t { return v == 0; });
    default: return false;
  }
}

std::atomic<bool> remainder_by_zero{false};

// Python's integer modulus: the result takes the divisor's sign. Division by zero is
// recorded (the caller throws after the loop) and yields 0.
template <class T>
T py_remainder(T a, T b) {
  if (b == 0) {
    remainder_by_zero.store(true, std::memory_order_relaxed);
    return 0;
  }
  if (b == -1) return 0;  // also avoids INT_MIN % -1, which traps
  T m = a % b;
  return (m != 0 && ((m < 0) != (b < 0))) ? T(m + b) : m;
}

template <class T>
bool int_binary(int op, const View& a, const View& b, const View& out) {
  constexpr bool kBoolT = std::is_same<T, uint8_t>::value;
  auto same = [&](auto f) { zip_elements<T, T>(a, b, out, f); return true; };
  auto cmp = [&](auto f) { zip_elements<T, uint8_t>(a, b, out, f); return true; };
  if (kBoolT) {
    // The reference computes 0/1 in double and stores result != 0.
    switch (op) {
      case bAdd: return same([](T p, T q) -> T { return (p + q) != 0; });
      case bSub: return same([](T p, T q) -> T { return (p - q) != 0; });
      case bMul: case bMinimum: return same([](T p, T q) -> T { return p != 0 && q != 0; });
      case bMaximum: return same([](T p, T q) -> T { return p != 0 || q != 0; });
      case bRemainder: return same([](T, T q) -> T { return q == 0; });  // x % 0 is NaN: true
      default: break;
    }
  } else {
    switch (op) {
      case bAdd: return same([](T p, T q) { return wrap_add(p, q); });
      case bSub: return same([](T p, T q) { return wrap_sub(p, q); });
      case bMul: return same([](T p, T q) { return wrap_mul(p, q); });
      case bMaximum: return same([](T p, T q) { return p > q ? p : q; });
      case bMinimum: return same([](T p, T q) { return p < q ? p : q; });
      case bRemainder: {
        remainder_by_zero.store(false);
        same([](T p, T q) { return py_remainder(p, q); });
        if (remainder_by_zero.load()) throw RangeError("ZeroDivisionError: integer remainder by zero");
        return true;
      }
      default: break;
    }
  }
  switch (op) {
    case bEq: return cmp([](T p, T q) -> uint8_t { return p == q; });
    case bNe: return cmp([](T p, T q) -> uint8_t { return p != q; });
    case bLt: return cmp([](T p, T q) -> uint8_t { return p < q; });
    case bLe: return cmp([](T p, T q) -> uint8_t { return p <= q; });
    case bGt: return cmp([](T p, T q) -> uint8_t { return p > q; });
    case bGe: return cmp([](T p, T q) -> uint8_t { return p >= q; });
    case bLogicalAnd: return cmp([](T p, T q) -> uint8_t { return p != 0 && q != 0; });
    case bLogicalOr: return cmp([](T p, T q) -> uint8_t { return p != 0 || q != 0; });
    case bLogicalXor: return cmp([](T p, T q) -> uint8_t { return (p != 0) != (q != 0); });
    default: return false;
  }
}

bool binary_views(int op, const View& a, const View& b, const View& out) {
  if (op < 0 || op >= kNumBinary) throw std::runtime_error("binary: bad op code");
  require_same_shape(a, out, "binary");
  require_same_shape(b, out, "binary");
  if (a.dtype != b.dtype || out.dtype != (is_comparison(op) ? kBool : a.dtype)) return false;
  if (a.dtype == kF32) {
    const F32Kernels& k = f32_kernels();
    if (is_comparison(op)) binary_loop<float, uint8_t>(a, b, out, 1, k.compare[op]);
    else binary_loop<float, float>(a, b, out, f32_binary_cost(op), k.binary[op]);
    return true;
  }
  return with_dtype(a.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (std::is_same<T, float>::value) return false;
    else return int_binary<T>(op, a, b, out);
  });
}

// The sub-ops with native integer and bool kernels (int_unary, int_binary); float32 has all.
bool int_unary_supported(int op) {
  switch (op) {
    case uNeg: case uAbs: case uSign: case uSquare: case uRelu: case uFloor: case uCeil:
    case uRound: case uTrunc: case uIsnan: case uIsinf: case uIsfinite: case uLogicalNot:
      return true;
    default: return false;
  }
}

bool int_binary_supported(int op) {
  switch (op) {
    case bAdd: case bSub: case bMul: case bMaximum: case bMinimum: case bRemainder:
      return true;
    default: return is_comparison(op);
  }
}

}  // namespace

// fill: out, value
bool supports_fill(int /*sub*/, int /*dtype*/) { return true; }

bool run_fill(ArgReader& r, int /*sub*/) {
  View out = r.view("out");
  const double value = r.f64();
  with_dtype(out.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    const T v = number_to<T>(value);
    const int64_t* st[1] = {out.strides};
    NdLoop<1> loop(out.ndim, out.shape, st);
    const int64_t s = loop.inner_stride(0);
    parallel_elements(loop.total, 1, [&](int64_t begin, int64_t end) {
      loop.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
        T* p = out.ptr<T>() + off[0];
        for (int64_t i = 0; i < len; i++) p[i * s] = v;
      });
    });
  });
  return true;
}

// copy: x, out
bool supports_copy(int /*sub*/, int /*dtype*/) { return true; }

bool run_copy(ArgReader& r, int /*sub*/) {
  View x = r.view("x"), out = r.view("out");
  require_same_shape(x, out, "copy");
  with_dtype(x.dtype, [&](auto xt) {
    using X = typename decltype(xt)::type;
    with_dtype(out.dtype, [&](auto ot) {
      using O = typename decltype(ot)::type;
      map_elements<X, O>(x, out, [](X v) { return cast_to<O>(v); });
    });
  });
  return true;
}

// unary: x, out (sub = UnaryOp)
bool supports_unary(int op, int dtype) {
  if (op < 0 || op >= kNumUnary) return false;
  return dtype == kF32 || int_unary_supported(op);
}

bool run_unary(ArgReader& r, int op) {
  View x = r.view("x"), out = r.view("out");
  if (op < 0 || op >= kNumUnary) throw std::runtime_error("unary: bad op code");
  require_same_shape(x, out, "unary");
  if (out.dtype != (is_predicate(op) ? kBool : x.dtype)) return false;
  if (x.dtype == kF32) {
    const F32Kernels& k = f32_kernels();
    if (is_predicate(op)) unary_loop<float, uint8_t>(x, out, 1, k.predicate[op]);
    else unary_loop<float, float>(x, out, f32_unary_cost(op), k.unary[op]);
    return true;
  }
  return with_dtype(x.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (std::is_same<T, float>::value) return false;
    else return int_unary<T>(op, x, out);
  });
}

// binary: a, b, out (sub = BinaryOp)
bool supports_binary(int op, int dtype) {
  if (op < 0 || op >= kNumBinary) return false;
  return dtype == kF32 || int_binary_supported(op);
}

bool run_binary(ArgReader& r, int op) {
  View a = r.view("a"), b = r.view("b"), out = r.view("out");
  return binary_views(op, a, b, out);
}

// binaryScalar: a, out, scalar, reverse (sub = BinaryOp); the binary kernels on a broadcast scalar
bool supports_binary_scalar(int op, int dtype) { return supports_binary(op, dtype); }

bool run_binary_scalar(ArgReader& r, int op) {
  View a = r.view("a"), out = r.view("out");
  const double scalar = r.f64();
  const bool reverse = r.f64() != 0;
  alignas(8) unsigned char storage[8];
  with_dtype(a.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    const T v = number_to<T>(scalar);
    std::memcpy(storage, &v, sizeof v);
  });
  View s = broadcast_scalar(storage, a.dtype, out);
  return reverse ? binary_views(op, s, a, out) : binary_views(op, a, s, out);
}

// clamp: x, out, lo, hi
bool supports_clamp(int /*sub*/, int dtype) { return dtype != kBool; }

bool run_clamp(ArgReader& r, int /*sub*/) {
  View x = r.view("x"), out = r.view("out");
  const double lo = r.f64(), hi = r.f64();
  require_same_shape(x, out, "clamp");
  if (out.dtype != x.dtype || x.dtype == kBool) return false;
  if (x.dtype == kF32) {
    if (std::isnan(lo) || std::isnan(hi)) {  // a NaN bound makes every element NaN
      const float nan = __builtin_nanf("");
      map_elements<float, float>(x, out, [nan](float) { return nan; });
      return true;
    }
    const float l = static_cast<float>(lo), h = static_cast<float>(hi);
    auto row = f32_kernels().clamp;
    unary_loop<float, float>(x, out, 1, [&](const float* p, float* q, int64_t n) { row(p, q, n, l, h); });
    return true;
  }
  // Integers: bounds that cannot be integers (NaN, +inf below, -inf above) go to the reference.
  if (std::isnan(lo) || std::isnan(hi) || lo == HUGE_VAL || hi == -HUGE_VAL) return false;
  with_dtype(x.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    if constexpr (std::is_same<T, float>::value) return;
    const T l = std::isinf(lo) ? std::numeric_limits<T>::min() : number_to<T>(lo);
    const T h = std::isinf(hi) ? std::numeric_limits<T>::max() : number_to<T>(hi);
    map_elements<T, T>(x, out, [l, h](T v) {
      v = v < l ? l : v;
      return v > h ? h : v;
    });
  });
  return true;
}

// where: cond, a, b, out
bool supports_where(int /*sub*/, int /*dtype*/) { return true; }

bool run_where(ArgReader& r, int /*sub*/) {
  View cond = r.view("cond"), a = r.view("a"), b = r.view("b"), out = r.view("out");
  require_same_shape(cond, out, "where");
  require_same_shape(a, out, "where");
  require_same_shape(b, out, "where");
  if (a.dtype != out.dtype || b.dtype != out.dtype) return false;
  with_dtype(cond.dtype, [&](auto ct) {
    using C = typename decltype(ct)::type;
    with_dtype(out.dtype, [&](auto t) {
      using T = typename decltype(t)::type;
      const int64_t* st[4] = {cond.strides, a.strides, b.strides, out.strides};
      NdLoop<4> loop(out.ndim, out.shape, st);
      const int64_t sc = loop.inner_stride(0), sa = loop.inner_stride(1), sb = loop.inner_stride(2),
                    so = loop.inner_stride(3);
      const bool dense = sc == 1 && sa == 1 && sb == 1 && so == 1;
      parallel_elements(loop.total, 1, [&](int64_t begin, int64_t end) {
        loop.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
          const C* pc = cond.ptr<C>() + off[0];
          const T* pa = a.ptr<T>() + off[1];
          const T* pb = b.ptr<T>() + off[2];
          T* po = out.ptr<T>() + off[3];
          if (dense) {
            for (int64_t i = 0; i < len; i++) po[i] = pc[i] != 0 ? pa[i] : pb[i];
          } else {
            for (int64_t i = 0; i < len; i++) po[i * so] = pc[i * sc] != 0 ? pa[i * sa] : pb[i * sb];
          }
        });
      });
    });
  });
  return true;
}

}  // namespace dlflow
