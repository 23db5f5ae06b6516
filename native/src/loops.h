// Strided elementwise loops over contiguous row kernels.
//
// Each loop collapses the operands' dims (NdLoop), splits the elements over the pool when the
// work is large, and hands every inner row to a kernel that only knows contiguous arrays:
// rows whose inner stride is 1 go straight through; other rows (transposed, broadcast with
// stride 0, or a strided `out`) are gathered into / scattered from small stack tiles.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "parallel.h"
#include "views.h"

namespace dlflow {

constexpr int64_t kTile = 256;

template <class T> struct Tag { using type = T; };

// Calls f(Tag<T>{}) with the element type of a dtype code.
template <class F>
decltype(auto) with_dtype(int dt, F&& f) {
  switch (dt) {
    case kF32: return f(Tag<float>{});
    case kI32: return f(Tag<int32_t>{});
    case kI64: return f(Tag<int64_t>{});
    default: return f(Tag<uint8_t>{});
  }
}

template <class T> constexpr int dtype_of() {
  return std::is_same<T, float>::value ? kF32 : std::is_same<T, int32_t>::value ? kI32
       : std::is_same<T, int64_t>::value ? kI64 : kBool;
}

template <class T>
inline const T* gather_tile(const T* p, int64_t stride, int64_t n, T* tile) {
  if (stride == 1) return p;
  for (int64_t j = 0; j < n; j++) tile[j] = p[j * stride];
  return tile;
}

// out = row(x) over out's shape; row(const X*, O*, n) works on contiguous arrays.
template <class X, class O, class Row>
void unary_loop(const View& x, const View& out, int64_t cost, const Row& row) {
  const int64_t* st[2] = {x.strides, out.strides};
  NdLoop<2> loop(out.ndim, out.shape, st);
  if (loop.total == 0) return;
  const int64_t sx = loop.inner_stride(0), so = loop.inner_stride(1);
  parallel_elements(loop.total, cost, [&](int64_t begin, int64_t end) {
    alignas(64) X tx[kTile];
    alignas(64) O to[kTile];
    loop.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
      const X* px = x.ptr<X>() + off[0];
      O* po = out.ptr<O>() + off[1];
      if (sx == 1 && so == 1) return row(px, po, len);
      for (int64_t i = 0; i < len; i += kTile) {
        const int64_t m = std::min(kTile, len - i);
        O* dst = so == 1 ? po + i : to;
        row(gather_tile(px + i * sx, sx, m, tx), dst, m);
        if (so != 1) for (int64_t j = 0; j < m; j++) po[(i + j) * so] = to[j];
      }
    });
  });
}

// out = row(a, b) over out's shape.
template <class A, class O, class Row>
void binary_loop(const View& a, const View& b, const View& out, int64_t cost, const Row& row) {
  const int64_t* st[3] = {a.strides, b.strides, out.strides};
  NdLoop<3> loop(out.ndim, out.shape, st);
  if (loop.total == 0) return;
  const int64_t sa = loop.inner_stride(0), sb = loop.inner_stride(1), so = loop.inner_stride(2);
  parallel_elements(loop.total, cost, [&](int64_t begin, int64_t end) {
    alignas(64) A ta[kTile], tb[kTile];
    alignas(64) O to[kTile];
    loop.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
      const A* pa = a.ptr<A>() + off[0];
      const A* pb = b.ptr<A>() + off[1];
      O* po = out.ptr<O>() + off[2];
      if (sa == 1 && sb == 1 && so == 1) return row(pa, pb, po, len);
      for (int64_t i = 0; i < len; i += kTile) {
        const int64_t m = std::min(kTile, len - i);
        O* dst = so == 1 ? po + i : to;
        row(gather_tile(pa + i * sa, sa, m, ta), gather_tile(pb + i * sb, sb, m, tb), dst, m);
        if (so != 1) for (int64_t j = 0; j < m; j++) po[(i + j) * so] = to[j];
      }
    });
  });
}

// A view of one element repeated over `like`'s shape (stride 0), for scalar operands.
inline View broadcast_scalar(void* value, int dtype, const View& like) {
  View v;
  v.data = static_cast<char*>(value);
  v.dtype = dtype;
  v.ndim = like.ndim;
  for (int d = 0; d < like.ndim; d++) {
    v.shape[d] = like.shape[d];
    v.strides[d] = 0;
  }
  v.numel = like.numel;
  return v;
}

}  // namespace dlflow
