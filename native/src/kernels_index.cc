// gather, scatterAdd, indexSelect and indexAdd (torch semantics). Every index is checked
// before anything is written, so a bad index throws a RangeError and leaves `out` untouched.
// index_select/index_add are gather/scatter with the 1-D index broadcast along the other
// dims (stride 0), so all four share two loops.
#include <cstring>
#include <string>

#include "casts.h"
#include "kernels.h"
#include "loops.h"

namespace dlflow {
namespace {

template <class I>
void check_indices(const View& index, int64_t dim_given, int64_t size) {
  const int64_t* st[1] = {index.strides};
  NdLoop<1> loop(index.ndim, index.shape, st);
  loop.for_rows(0, loop.total, [&](const int64_t* off, int64_t len) {
    const I* p = index.ptr<I>() + off[0];
    for (int64_t i = 0; i < len; i++) {
      const int64_t v = p[i * loop.inner_stride(0)];
      if (v < 0 || v >= size)
        throw RangeError("index " + std::to_string(v) + " is out of bounds for dimension " +
                         std::to_string(dim_given) + " with size " + std::to_string(size));
    }
  });
}

void check(const View& index, int64_t dim_given, int64_t size) {
  if (index.dtype == kI32) check_indices<int32_t>(index, dim_given, size);
  else check_indices<int64_t>(index, dim_given, size);
}

// Walk `shape`; operands: index (istrides), dst (dstrides), src (sstrides). `moving` is the
// operand whose position along `dim` comes from the index (its dim stride is `dim_stride`
// and is zeroed in its strides).
struct IndexWalk {
  int ndim;
  const int64_t* shape;
  int64_t istr[kMaxDims], dstr[kMaxDims], sstr[kMaxDims];
};

template <class T, class I, bool kGather>
void index_loop(const IndexWalk& w, const View& index, char* dst, const char* src, int64_t dim_stride) {
  const int64_t* st[3] = {w.istr, w.dstr, w.sstr};
  NdLoop<3> loop(w.ndim, w.shape, st);
  const I* ip = index.ptr<I>();
  T* dp = reinterpret_cast<T*>(dst);
  const T* sp = reinterpret_cast<const T*>(src);
  auto body = [&](int64_t begin, int64_t end) {
    loop.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
      const int64_t si = loop.inner_stride(0), sd = loop.inner_stride(1), ss = loop.inner_stride(2);
      for (int64_t j = 0; j < len; j++) {
        const int64_t k = ip[off[0] + j * si];
        if constexpr (kGather) {
          dp[off[1] + j * sd] = sp[off[2] + j * ss + k * dim_stride];
        } else {
          T& o = dp[off[1] + j * sd + k * dim_stride];
          const T v = sp[off[2] + j * ss];
          if constexpr (std::is_same<T, float>::value) o = o + v;
          else if constexpr (std::is_same<T, uint8_t>::value) o = (o + v) != 0;
          else o = static_cast<T>(static_cast<std::make_unsigned_t<T>>(o) + static_cast<std::make_unsigned_t<T>>(v));
        }
      }
    });
  };
  // Scatters may hit one element from several positions: they stay on one thread.
  if (kGather) parallel_elements(loop.total, 2, body);
  else body(0, loop.total);
}

template <bool kGather>
void index_dispatch(const IndexWalk& w, const View& index, const View& data, char* dst, const char* src,
                    int64_t dim_stride) {
  with_dtype(data.dtype, [&](auto t) {
    using T = typename decltype(t)::type;
    if (index.dtype == kI32) index_loop<T, int32_t, kGather>(w, index, dst, src, dim_stride);
    else index_loop<T, int64_t, kGather>(w, index, dst, src, dim_stride);
  });
}

bool index_dtype_ok(const View& index) { return index.dtype == kI32 || index.dtype == kI64; }

// indexSelect on contiguous operands: out[o, i, :] = x[o, index[i], :] moves whole inner blocks
// with memcpy (a DataLoader's batch gather is this case: rows of a [N, features] tensor).
template <class I>
void index_select_blocks(const View& x, const View& index, const View& out, int d) {
  int64_t outer = 1, inner = 1;
  for (int i = 0; i < d; i++) outer *= x.shape[i];
  for (int i = d + 1; i < x.ndim; i++) inner *= x.shape[i];
  const int64_t picks = out.shape[d], size = x.shape[d];
  const int64_t block = inner * x.elsize();
  const int64_t istride = index.ndim == 0 ? 0 : index.strides[0];
  const I* ip = index.ptr<I>();
  const char* src = x.data;
  char* dst = out.data;
  // one task unit per block; a block costs `inner` element copies
  auto source = [&](int64_t b) {
    const int64_t o = b / picks, i = b % picks;
    return src + (o * size + static_cast<int64_t>(ip[i * istride])) * block;
  };
  // Picked rows are scattered over memory (a shuffled batch): while one block is copied, the
  // next one's cache lines are requested, so the copy does not wait on DRAM latency per row.
  const bool prefetch = block >= 256 && block <= 64 * 1024;
  parallel_elements(outer * picks, inner, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; b++) {
      if (prefetch && b + 1 < b1) {
        const char* next = source(b + 1);
        for (int64_t line = 0; line < block; line += 64) __builtin_prefetch(next + line);
      }
      std::memcpy(dst + b * block, source(b), static_cast<size_t>(block));
    }
  });
}

void index_select_rows(const View& x, const View& index, const View& out, int d) {
  if (index.dtype == kI32) index_select_blocks<int32_t>(x, index, out, d);
  else index_select_blocks<int64_t>(x, index, out, d);
}

// gather/scatterAdd (`broadcast_index` false: index has the walked shape) or
// indexSelect/indexAdd (true: 1-D index along dim). `data` is x (gathers) or out (scatters),
// `walked` is out (gathers) or src (scatters).
bool run_index_op(ArgReader& r, bool gather, bool broadcast_index) {
  View first = r.view("first"), index = r.view("index"), third = r.view("third");
  const int64_t dim = r.i64("dim");
  // gather: (x, index, out); scatter: (out, index, src).
  const View& data = first;
  const View& walked = third;
  if (!index_dtype_ok(index) || data.dtype != walked.dtype || data.ndim == 0 || data.ndim != walked.ndim) return false;
  const int d = normalize_dim(dim, data.ndim);
  if (broadcast_index) {
    if (index.ndim > 1) throw std::runtime_error("index must be 1-D");
    const int64_t len = index.ndim == 0 ? 1 : index.shape[0];
    if (walked.shape[d] != len) throw std::runtime_error("index length does not match the walked dim");
  } else if (index.ndim != data.ndim) {
    throw std::runtime_error("index must have the rank of the data");
  }
  const View& shape_of = broadcast_index ? walked : index;
  if (!broadcast_index) {
    // torch: index may be smaller than the walked tensor in every dim (and than data off dim).
    for (int i = 0; i < index.ndim; i++)
      if (index.shape[i] > walked.shape[i] || (i != d && index.shape[i] > data.shape[i]))
        throw std::runtime_error("index is larger than its operands");
  } else {
    for (int i = 0; i < data.ndim; i++)
      if (i != d && walked.shape[i] != data.shape[i]) throw std::runtime_error("operand shapes differ off dim");
  }
  check(index, dim, data.shape[d]);
  if (gather && broadcast_index && data.contiguous() && walked.contiguous()) {
    index_select_rows(data, index, walked, d);
    return true;
  }
  IndexWalk w{shape_of.ndim, shape_of.shape, {}, {}, {}};
  for (int i = 0; i < shape_of.ndim; i++) {
    w.istr[i] = broadcast_index ? (i == d && index.ndim == 1 ? index.strides[0] : 0) : index.strides[i];
    const int64_t moving = i == d ? 0 : data.strides[i];
    if (gather) {
      w.dstr[i] = walked.strides[i];  // out
      w.sstr[i] = moving;             // x
    } else {
      w.dstr[i] = moving;             // out
      w.sstr[i] = walked.strides[i];  // src
    }
  }
  if (gather) index_dispatch<true>(w, index, data, walked.data, data.data, data.strides[d]);
  else index_dispatch<false>(w, index, data, data.data, walked.data, data.strides[d]);
  return true;
}

}  // namespace

// Every dtype has native index kernels (index views must be int32 or int64).
bool supports_gather(int /*sub*/, int /*dtype*/) { return true; }
bool supports_scatter_add(int /*sub*/, int /*dtype*/) { return true; }
bool supports_index_select(int /*sub*/, int /*dtype*/) { return true; }
bool supports_index_add(int /*sub*/, int /*dtype*/) { return true; }

// gather: x, index, out, dim
bool run_gather(ArgReader& r, int /*sub*/) { return run_index_op(r, true, false); }
// scatterAdd: out, index, src, dim
bool run_scatter_add(ArgReader& r, int /*sub*/) { return run_index_op(r, false, false); }
// indexSelect: x, index, out, dim
bool run_index_select(ArgReader& r, int /*sub*/) { return run_index_op(r, true, true); }
// indexAdd: out, index, src, dim
bool run_index_add(ArgReader& r, int /*sub*/) { return run_index_op(r, false, true); }

}  // namespace dlflow
