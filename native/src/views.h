// The argument ABI shared with src/backends/cpu/abi.ts, and strided iteration.
//
// Before each `run(kind, sub)` the TypeScript side writes the op's arguments into a shared
// Float64Array (registered once with `init`), so a call crosses N-API with two small ints.
// Layout, in the order each op lists its views and then its scalars (above each run_<kind>):
//   view   = handle, dtypeCode, offset, ndim, shape[ndim], strides[ndim]   (elements)
//   scalar = one double
// Codes (dtype, op kind, sub-op) are positions in the tuples of src/base/dtype.ts and
// src/backends/ops.ts; op_codes.h is generated from them (scripts/gen_native_codes.ts).
#pragma once
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "buffers.h"
#include "op_codes.h"

namespace dlflow {

constexpr int kMaxDims = 16;

inline int dtype_size(int dt) { return dt == kBool ? 1 : dt == kI64 ? 8 : 4; }

// A user-visible index error (becomes a JS RangeError); anything else becomes an Error.
struct RangeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A decoded, validated view. `data` points at element `offset` of the buffer.
struct View {
  char* data = nullptr;
  int dtype = 0;
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[kMaxDims] = {};
  int64_t numel = 1;
  int64_t handle = 0;

  int elsize() const { return dtype_size(dtype); }
  template <class T> T* ptr() const { return reinterpret_cast<T*>(data); }
  bool contiguous() const {
    int64_t expect = 1;
    for (int d = ndim - 1; d >= 0; d--) {
      if (shape[d] != 1 && strides[d] != expect) return false;
      expect *= shape[d];
    }
    return true;
  }
};

// Reads the shared argument array in order.
class ArgReader {
 public:
  ArgReader(const double* args, int64_t length) : a_(args), n_(length) {}

  double f64() {
    if (pos_ >= n_) throw std::runtime_error("native run: argument array overrun");
    return a_[pos_++];
  }
  int64_t i64(const char* what) {
    double v = f64();
    if (!(v >= -9007199254740992.0 && v <= 9007199254740992.0) || v != std::floor(v))
      throw std::runtime_error(std::string("native run: ") + what + " is not an integer");
    return static_cast<int64_t>(v);
  }
  View view(const char* name) {
    View v;
    v.handle = i64("buffer handle");
    const BufferInfo& buf = buffer_get(v.handle);
    v.dtype = static_cast<int>(i64("dtype code"));
    if (v.dtype < 0 || v.dtype >= kNumDTypes) throw std::runtime_error(std::string(name) + ": bad dtype code");
    int64_t offset = i64("offset");
    int64_t ndim = i64("ndim");
    if (offset < 0 || ndim < 0 || ndim > kMaxDims)
      throw std::runtime_error(std::string(name) + ": bad offset or rank (at most " + std::to_string(kMaxDims) + " dims)");
    v.ndim = static_cast<int>(ndim);
    for (int d = 0; d < v.ndim; d++) v.shape[d] = i64("shape");
    for (int d = 0; d < v.ndim; d++) v.strides[d] = i64("stride");
    // Every product of dims stays within 2^50, a size-0 dim counted as 1, so neither numel nor a
    // kernel multiplying the dims of an empty view can overflow.
    constexpr int64_t kMaxElements = int64_t{1} << 50;
    int64_t span = 1;
    for (int d = 0; d < v.ndim; d++) {
      if (v.shape[d] < 0 || v.strides[d] < 0) throw std::runtime_error(std::string(name) + ": negative size or stride");
      const int64_t size = v.shape[d] > 0 ? v.shape[d] : 1;
      if (size > kMaxElements / span) throw std::runtime_error(std::string(name) + ": view too large");
      span *= size;
      v.numel *= v.shape[d];
    }
    // The furthest element the view reaches must lie inside the buffer. Summed in 128 bits: each
    // (shape − 1)·stride is below 2^100, so neither a product nor the sum can wrap into range.
    if (v.numel > 0) {
      __int128 last = offset;
      for (int d = 0; d < v.ndim; d++) {
        if (v.strides[d] > kMaxElements) throw std::runtime_error(std::string(name) + ": stride too large");
        last += static_cast<__int128>(v.shape[d] - 1) * v.strides[d];
      }
      const int64_t capacity = static_cast<int64_t>(buf.bytes) / v.elsize();
      if (last >= capacity) {
        const std::string reach = last <= INT64_MAX ? std::to_string(static_cast<int64_t>(last)) : "past 2^63";
        throw std::runtime_error(std::string(name) + ": view reaches element " + reach + " of a buffer holding " +
                                 std::to_string(capacity));
      }
    } else {
      // An empty view has no element to reach, so its strides were never checked against the
      // buffer: contiguous ones replace them (bounded by the span), so no kernel multiplies a
      // wild stride by a dim.
      int64_t step = 1;
      for (int d = v.ndim - 1; d >= 0; d--) {
        v.strides[d] = step;
        step *= v.shape[d] > 0 ? v.shape[d] : 1;
      }
    }
    v.data = buf.data + offset * v.elsize();
    return v;
  }

 private:
  const double* a_;
  int64_t n_;
  int64_t pos_ = 0;
};

// Dim `d` of a rank-`ndim` tensor, negative counting from the end; throws if out of range.
inline int normalize_dim(int64_t d, int ndim) {
  int64_t r = d < 0 ? d + ndim : d;
  if (r < 0 || r >= ndim) throw std::runtime_error("dim " + std::to_string(d) + " out of range for rank " + std::to_string(ndim));
  return static_cast<int>(r);
}

inline void require_same_shape(const View& a, const View& b, const char* what) {
  bool same = a.ndim == b.ndim;
  for (int d = 0; same && d < a.ndim; d++) same = a.shape[d] == b.shape[d];
  if (!same) throw std::runtime_error(std::string(what) + ": operand shapes differ");
}

// A row-major walk over `shape` for N operands with their own element strides, with dims of
// size 1 dropped and adjacent dims merged wherever every operand allows it, so typical cases
// (contiguous, broadcast rows, transposes of 2-D) become one or two long inner rows.
template <int N>
struct NdLoop {
  int ndim = 0;
  int64_t total = 0;
  int64_t shape[kMaxDims];
  int64_t strides[N][kMaxDims];

  NdLoop(int nd, const int64_t* shp, const int64_t* const* strd) {
    total = 1;
    for (int d = 0; d < nd; d++) total *= shp[d];
    for (int d = 0; d < nd; d++) {
      if (shp[d] == 1) continue;
      if (ndim > 0) {
        bool merge = true;
        for (int k = 0; k < N; k++) merge = merge && strides[k][ndim - 1] == strd[k][d] * shp[d];
        if (merge) {
          shape[ndim - 1] *= shp[d];
          for (int k = 0; k < N; k++) strides[k][ndim - 1] = strd[k][d];
          continue;
        }
      }
      shape[ndim] = shp[d];
      for (int k = 0; k < N; k++) strides[k][ndim] = strd[k][d];
      ndim++;
    }
    if (ndim == 0) {
      ndim = 1;
      shape[0] = 1;
      for (int k = 0; k < N; k++) strides[k][0] = 0;
    }
  }

  int64_t inner_stride(int k) const { return strides[k][ndim - 1]; }

  // Calls fn(off, len) for each inner-row segment of the linear range [begin, end), where
  // off[k] is operand k's element offset at the segment start; within the segment operand k
  // advances by inner_stride(k).
  template <class F>
  void for_rows(int64_t begin, int64_t end, F&& fn) const {
    if (begin >= end) return;
    int64_t coord[kMaxDims];
    int64_t off[N];
    int64_t rem = begin;
    for (int k = 0; k < N; k++) off[k] = 0;
    for (int d = ndim - 1; d >= 0; d--) {
      coord[d] = rem % shape[d];
      rem /= shape[d];
      for (int k = 0; k < N; k++) off[k] += coord[d] * strides[k][d];
    }
    const int last = ndim - 1;
    int64_t pos = begin;
    while (pos < end) {
      int64_t len = shape[last] - coord[last];
      if (len > end - pos) len = end - pos;
      fn(static_cast<const int64_t*>(off), len);
      pos += len;
      if (pos >= end) break;
      // Finish the row, then carry into the outer dims.
      for (int k = 0; k < N; k++) off[k] += len * strides[k][last];
      coord[last] += len;
      for (int d = last; d > 0 && coord[d] == shape[d]; d--) {
        for (int k = 0; k < N; k++) off[k] += strides[k][d - 1] - shape[d] * strides[k][d];
        coord[d] = 0;
        coord[d - 1]++;
      }
    }
  }
};

}  // namespace dlflow
