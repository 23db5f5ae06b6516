// What the fuzz targets share: a reader of the fuzz bytes, native buffers whose slack past the
// requested size is poisoned for AddressSanitizer, the argument array of views.h built from
// decoded views and scalars, and an interpreter of per-op argument schemas, so a kernel target
// is a table of ops. Kernels are reached through the run_<kind> entry points addon.cc
// dispatches to, with the same ArgReader, so only the N-API layer is left out.
//
// Bad input must throw; anything else (a sanitizer report, an abort, a timeout, a huge
// allocation) is a finding.
#pragma once
#include <sanitizer/allocator_interface.h>
#include <sanitizer/asan_interface.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <limits>
#include <vector>

#include "buffers.h"
#include "op_codes.h"
#include "thread_pool.h"
#include "views.h"

namespace dlflow_fuzz {

using dlflow::kMaxDims;

// Fails the run (libFuzzer saves the input as a crash).
[[noreturn]] inline void finding(const char* what) {
  std::fprintf(stderr, "fuzz finding: %s\n", what);
  std::abort();
}

// The fuzz bytes, consumed front to back; an exhausted input reads as zeros, so every input
// decodes to something deterministic.
class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : p_(data), n_(size) {}

  uint8_t byte() { return pos_ < n_ ? p_[pos_++] : 0; }
  uint32_t u32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(byte()) << (8 * i);
    return v;
  }
  bool chance(int per256) { return byte() < per256; }

  // An integer in [lo, hi] (a span of at most 2^16).
  int64_t in_range(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    const uint64_t raw = span <= 256 ? byte() : (byte() | static_cast<uint64_t>(byte()) << 8);
    return lo + static_cast<int64_t>(raw % span);
  }

  // What the argument decoding must refuse or survive: the limits of the integer ABI (2^53),
  // of int32 and of the view bounds (2^50), non-integers, NaN and infinities.
  double wild() {
    static const double kWild[] = {-1.0, 0.0, 1.0, 2147483647.0, 2147483648.0, 4294967296.0,
                                   1099511627776.0, 1125899906842624.0, 1125899906842625.0,
                                   9007199254740992.0, -9007199254740992.0, 9007199254740994.0,
                                   -2147483649.0, 1e300, 0.5, -0.5, NAN, INFINITY, -INFINITY};
    return kWild[byte() % (sizeof kWild / sizeof kWild[0])];
  }

  // An integer scalar: usually in [lo, hi], one time in 16 a wild value.
  double integer(int64_t lo, int64_t hi) { return chance(16) ? wild() : static_cast<double>(in_range(lo, hi)); }

  // A floating scalar: small integers, values at the edges of float32, or any float32.
  double real() {
    static const double kSpecial[] = {0.0, -0.0, 1.0, -1.0, 0.5, 2.0, NAN, INFINITY, -INFINITY,
                                      3.4e38, -3.4e38, 1e-45, 1.17549435e-38, 88.7, -103.9, 1e10};
    switch (byte() % 4) {
      case 0: return kSpecial[byte() % (sizeof kSpecial / sizeof kSpecial[0])];
      case 1: {
        const uint32_t bits = u32();
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
      }
      default: return static_cast<double>(in_range(-8, 8));
    }
  }

 private:
  const uint8_t* p_;
  size_t n_;
  size_t pos_ = 0;
};

// Native buffers of one fuzz input, released (and the buffer cache emptied) when it ends, so
// every input allocates fresh blocks and a use after free is caught.
class Buffers {
 public:
  Buffers() = default;
  Buffers(const Buffers&) = delete;
  Buffers& operator=(const Buffers&) = delete;
  ~Buffers() {
    for (int64_t h : handles_) {
      const dlflow::BufferInfo& b = dlflow::buffer_get(h);
      ASAN_UNPOISON_MEMORY_REGION(b.data, __sanitizer_get_allocated_size(b.data));
      int64_t delta = 0;
      dlflow::buffer_free(h, &delta);
    }
    int64_t delta = 0;
    dlflow::buffer_empty_cache(&delta);
  }

  // A buffer of exactly `bytes` as far as AddressSanitizer is concerned: buffer_alloc rounds
  // up to its size bucket, and the rest is poisoned so an access past the requested size is
  // reported like one past the end of a block.
  int64_t alloc(size_t bytes) {
    int64_t delta = 0;
    const int64_t h = dlflow::buffer_alloc(bytes, &delta);
    const dlflow::BufferInfo& b = dlflow::buffer_get(h);
    ASAN_POISON_MEMORY_REGION(b.data + bytes, __sanitizer_get_allocated_size(b.data) - bytes);
    handles_.push_back(h);
    return h;
  }

  // A handle that was valid once: its buffer is freed already.
  static int64_t stale() {
    int64_t delta = 0;
    const int64_t h = dlflow::buffer_alloc(8, &delta);
    dlflow::buffer_free(h, &delta);
    return h;
  }

 private:
  std::vector<int64_t> handles_;
};

// The shared argument array of one call.
class Args {
 public:
  void push(double v) { a_.push_back(v); }
  const double* data() const { return a_.data(); }
  int64_t size() const { return static_cast<int64_t>(a_.size()); }

 private:
  std::vector<double> a_;
};

struct Shape {
  int ndim = 0;
  int64_t dims[kMaxDims] = {};
  int64_t numel() const {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= dims[d];
    return n;
  }
};

// A view as decoded, before it is pushed (the pushed numbers may be spoilt on purpose).
struct ViewRecord {
  int64_t handle = 0;
  int dtype = 0;
  int64_t offset = 0;
  Shape shape;
  int64_t strides[kMaxDims] = {};
};

// Small deterministic generator for buffer contents (the fuzz bytes choose its seed and mode,
// not every element).
class Lcg {
 public:
  explicit Lcg(uint32_t seed) : s_(seed * 2654435761u + 1) {}
  uint32_t next() {
    s_ = s_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(s_ >> 33);
  }
  int64_t in_range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(next() % static_cast<uint64_t>(hi - lo + 1)); }

 private:
  uint64_t s_;
};

// Decodes the views of one op. They share a base shape, most as is and the others derived
// from it (one dim changed, set to 1, dropped or added), so shape-consistent calls are common
// and every shape check is still reachable; layouts are contiguous, permuted, broadcast
// (stride 0), padded or arbitrary.
class ViewMaker {
 public:
  static constexpr int kMaxRank = 5;
  static constexpr int64_t kMaxElements = 4096;

  ViewMaker(FuzzInput& in, Buffers& bufs, Args& args) : in_(in), bufs_(bufs), args_(args) {
    base_ = fresh_shape();
    dtype_ = static_cast<int>(in_.chance(128) ? dlflow::kF32 : in_.in_range(0, dlflow::kNumDTypes - 1));
  }

  // Decodes one view, allocates and fills its buffer, and pushes it onto the arguments.
  void view() {
    ViewRecord v;
    v.shape = derived_shape();
    v.dtype = in_.chance(224) ? dtype_ : static_cast<int>(in_.in_range(0, dlflow::kNumDTypes - 1));
    layout(v.shape, v.strides, &v.offset);
    const int64_t extent = extent_of(v);
    int64_t elements = extent;
    if (extent > (int64_t{1} << 20)) elements = 1;  // a wild layout: the buffer cannot hold it
    else if (in_.chance(8)) elements = std::max<int64_t>(0, extent - 1);
    else if (in_.chance(16)) elements += in_.in_range(1, 16);
    const int64_t bytes = elements * dlflow::dtype_size(v.dtype);
    v.handle = bufs_.alloc(static_cast<size_t>(bytes));
    fill(dlflow::buffer_get(v.handle).data, v.dtype, elements);
    push(v);
  }

  // A flag, then the view when the flag is set (abi.ts optionalView).
  void optional_view() {
    const bool present = in_.chance(128);
    args_.push(present ? 1 : 0);
    if (present) view();
  }

 private:
  Shape fresh_shape() {
    Shape s;
    s.ndim = static_cast<int>(in_.in_range(0, kMaxRank));
    for (int d = 0; d < s.ndim; d++) s.dims[d] = in_.chance(16) ? 0 : in_.in_range(1, 6);
    shrink(s);
    return s;
  }

  // Keeps kernels fast: shapes over kMaxElements lose size in their dims.
  static void shrink(Shape& s) {
    for (int d = 0; d < s.ndim && s.numel() > kMaxElements; d++) s.dims[d] = std::min<int64_t>(s.dims[d], 2);
  }

  Shape derived_shape() {
    Shape s = base_;
    switch (in_.byte() % 8) {
      case 4:
        if (s.ndim > 0) s.dims[in_.byte() % s.ndim] = in_.in_range(0, 7);
        break;
      case 5:
        if (s.ndim > 0) s.dims[in_.byte() % s.ndim] = 1;
        break;
      case 6:
        if (s.ndim > 0 && in_.chance(128)) {
          const int at = in_.byte() % s.ndim;
          for (int d = at; d + 1 < s.ndim; d++) s.dims[d] = s.dims[d + 1];
          s.ndim--;
        } else if (s.ndim < kMaxRank) {
          const int at = in_.byte() % (s.ndim + 1);
          for (int d = s.ndim; d > at; d--) s.dims[d] = s.dims[d - 1];
          s.dims[at] = in_.in_range(1, 4);
          s.ndim++;
        }
        break;
      case 7: s = fresh_shape(); break;
      default: break;
    }
    // Rarely, an empty view with a huge dim: nothing to touch, but sizes computed from its dims
    // must not turn into allocations or loops.
    if (s.ndim >= 2 && in_.chance(3)) {
      s.dims[in_.byte() % s.ndim] = int64_t{1} << in_.in_range(20, 45);
      s.dims[in_.byte() % s.ndim] = 0;
    }
    shrink(s);
    return s;
  }

  void layout(const Shape& s, int64_t* strides, int64_t* offset) {
    contiguous(s, strides);
    switch (in_.byte() % 8) {
      case 3: {  // permuted: contiguous in another order of the dims
        int order[kMaxDims];
        for (int d = 0; d < s.ndim; d++) order[d] = d;
        for (int d = s.ndim - 1; d > 0; d--) std::swap(order[d], order[in_.byte() % (d + 1)]);
        int64_t step = 1;
        for (int i = s.ndim - 1; i >= 0; i--) {
          strides[order[i]] = step;
          step *= std::max<int64_t>(s.dims[order[i]], 1);
        }
        break;
      }
      case 4:  // broadcast: some dims repeat one element
        for (int d = 0; d < s.ndim; d++)
          if (in_.chance(96)) strides[d] = 0;
        break;
      case 5: {  // padded rows: gaps between elements and rows
        int64_t step = in_.in_range(1, 3);
        for (int d = s.ndim - 1; d >= 0; d--) {
          strides[d] = step;
          step = step * std::max<int64_t>(s.dims[d], 1) + in_.in_range(0, 2);
        }
        break;
      }
      case 6:
        for (int d = 0; d < s.ndim; d++) strides[d] = in_.in_range(0, 9);
        break;
      case 7:  // anything the ABI can carry (mostly refused by the validation)
        for (int d = 0; d < s.ndim; d++) strides[d] = static_cast<int64_t>(clamp_to_abi(in_.integer(0, 64)));
        break;
      default: break;
    }
    *offset = in_.chance(32) ? in_.in_range(0, 5) : 0;
  }

  static void contiguous(const Shape& s, int64_t* strides) {
    int64_t step = 1;
    for (int d = s.ndim - 1; d >= 0; d--) {
      strides[d] = step;
      step *= std::max<int64_t>(s.dims[d], 1);
    }
  }

  // Wild doubles as int64 for the record only (the argument array gets the double itself).
  static double clamp_to_abi(double v) {
    if (!(v >= -9.0e15 && v <= 9.0e15)) return 9.0e15;
    return std::floor(v);
  }

  // Elements a buffer needs for the view (saturating: wild layouts need more than exists).
  static int64_t extent_of(const ViewRecord& v) {
    if (v.shape.numel() == 0) return v.offset;
    long double last = static_cast<long double>(v.offset);
    for (int d = 0; d < v.shape.ndim; d++) {
      if (v.strides[d] < 0) return int64_t{1} << 40;
      last += static_cast<long double>(v.shape.dims[d] - 1) * static_cast<long double>(v.strides[d]);
    }
    return last >= static_cast<long double>(int64_t{1} << 40) ? int64_t{1} << 40 : static_cast<int64_t>(last) + 1;
  }

  void fill(char* p, int dtype, int64_t elements) {
    Lcg rng(in_.u32());
    const int mode = in_.byte() % 6;
    for (int64_t i = 0; i < elements; i++) {
      switch (dtype) {
        case dlflow::kF32: {
          const float v = static_cast<float>(float_value(mode, rng));
          std::memcpy(p + 4 * i, &v, 4);
          break;
        }
        case dlflow::kI32: {
          const int32_t v = static_cast<int32_t>(int_value(mode, rng));
          std::memcpy(p + 4 * i, &v, 4);
          break;
        }
        case dlflow::kI64: {
          const int64_t v = int_value(mode, rng);
          std::memcpy(p + 8 * i, &v, 8);
          break;
        }
        default:  // bool: 0/1, or any byte (kernels must treat nonzero as true)
          p[i] = static_cast<char>(mode == 5 ? rng.next() : rng.next() % 2);
      }
    }
  }

  static double float_value(int mode, Lcg& rng) {
    static const double kSpecial[] = {NAN, INFINITY, -INFINITY, -0.0, 3.4e38, 1e-45, 1.17549435e-38, 88.8, -104.0};
    switch (mode) {
      case 0: return 0.0;
      case 1: return static_cast<double>(rng.in_range(-3, 3));
      case 2: return rng.next() % 4 == 0 ? kSpecial[rng.next() % 9] : static_cast<double>(rng.in_range(-3, 3));
      case 3: return (static_cast<double>(rng.next()) / 4294967296.0 - 0.5) * 8.0;
      default: {
        const uint32_t bits = rng.next();
        float f;
        std::memcpy(&f, &bits, sizeof f);
        return f;
      }
    }
  }

  // Integers: mostly valid indices for the small dims used here, sometimes out of range.
  static int64_t int_value(int mode, Lcg& rng) {
    switch (mode) {
      case 0: return 0;
      case 1: return rng.in_range(0, 3);
      case 2: return rng.in_range(-2, 8);
      case 3: return rng.in_range(0, 1) ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
      default: return static_cast<int64_t>((static_cast<uint64_t>(rng.next()) << 32) | rng.next());
    }
  }

  void push(const ViewRecord& v) {
    // handle: usually the buffer's own, sometimes one the table must refuse
    if (in_.chance(4)) {
      const double bad[] = {0.0, -3.0, static_cast<double>(Buffers::stale()), 1073741823.0, static_cast<double>(v.handle) + 0.5};
      args_.push(bad[in_.byte() % 5]);
    } else {
      args_.push(static_cast<double>(v.handle));
    }
    args_.push(in_.chance(2) ? in_.wild() : v.dtype);
    args_.push(in_.chance(2) ? in_.wild() : static_cast<double>(v.offset));
    args_.push(in_.chance(2) ? in_.wild() : v.shape.ndim);
    for (int d = 0; d < v.shape.ndim; d++) args_.push(static_cast<double>(v.shape.dims[d]));
    for (int d = 0; d < v.shape.ndim; d++) args_.push(static_cast<double>(v.strides[d]));
  }

  FuzzInput& in_;
  Buffers& bufs_;
  Args& args_;
  Shape base_;
  int dtype_ = 0;
};

// One op kind as a fuzz target sees it. Schema letters, in argument order:
//   v view   o optional view (flag, then the view)   f floating scalar   b flag (0/1)
//   d dim    D dim list (count, dims)   e matmul/conv epilogue code   k integer (keys, offsets)
//   G conv geometry (rank, stride[r], padding[r], dilation[r], groups)
//   W pool window (adaptive flag; else rank, kernel[r], stride[r], padding[r], dilation[r],
//     countIncludePad, divisorOverride)
//   S optimizer state and scalars (count, views, count, scalars; counts as for sub's algorithm)
struct Op {
  const char* name;
  bool (*run)(dlflow::ArgReader&, int);
  int subs;  // sub-op codes 0..subs-1 (1 for kinds without one)
  const char* schema;
};

// A rank as the decoder uses it for the lists that follow: wild ranks still get 3 entries.
inline int list_length(double rank) { return rank >= 1 && rank <= 3 ? static_cast<int>(rank) : 3; }

inline void push_args(const Op& op, int sub, FuzzInput& in, ViewMaker& views, Args& args) {
  for (const char* c = op.schema; *c; c++) {
    switch (*c) {
      case 'v': views.view(); break;
      case 'o': views.optional_view(); break;
      case 'f': args.push(in.real()); break;
      case 'b': args.push(in.chance(8) ? in.wild() : in.in_range(0, 1)); break;
      case 'd': args.push(in.integer(-5, 5)); break;
      case 'D': {
        const double n = in.integer(0, 4);
        args.push(n);
        const int dims = n >= 0 && n <= kMaxDims ? static_cast<int>(n) : 4;
        for (int i = 0; i < dims; i++) args.push(in.integer(-5, 5));
        break;
      }
      case 'e': args.push(in.integer(0, dlflow::kNumGemmEpilogues - 1)); break;
      case 'k': args.push(in.integer(0, 65535)); break;
      case 'G': {
        const double rank = in.integer(1, 3);
        args.push(rank);
        const int r = list_length(rank);
        for (int i = 0; i < r; i++) args.push(in.integer(1, 3));  // stride
        for (int i = 0; i < r; i++) args.push(in.integer(0, 2));  // padding
        for (int i = 0; i < r; i++) args.push(in.integer(1, 2));  // dilation
        args.push(in.integer(1, 3));                               // groups
        break;
      }
      case 'W': {
        const bool adaptive = in.chance(80);
        args.push(adaptive ? 1 : 0);
        if (adaptive) break;
        const double rank = in.integer(1, 3);
        args.push(rank);
        const int r = list_length(rank);
        for (int i = 0; i < r; i++) args.push(in.integer(1, 3));  // kernel
        for (int i = 0; i < r; i++) args.push(in.integer(1, 3));  // stride
        for (int i = 0; i < r; i++) args.push(in.integer(0, 2));  // padding
        for (int i = 0; i < r; i++) args.push(in.integer(1, 2));  // dilation
        args.push(in.in_range(0, 1));                              // countIncludePad
        args.push(in.chance(32) ? in.integer(0, 5) : 0);           // divisorOverride
        break;
      }
      case 'S': {
        const bool known = sub >= 0 && sub < dlflow::kNumAlgos;
        const double nstate = in.integer(0, 3);
        args.push(nstate);
        const int states = nstate >= 0 && nstate <= 3 ? static_cast<int>(nstate) : 3;
        for (int i = 0; i < states; i++) views.view();
        const double nscalars = known && in.chance(240) ? dlflow::kOptimizerScalarCounts[sub] : in.integer(0, 10);
        args.push(nscalars);
        const int scalars = nscalars >= 0 && nscalars <= 10 ? static_cast<int>(nscalars) : 10;
        for (int i = 0; i < scalars; i++) args.push(in.real());
        break;
      }
      default: finding("unknown schema letter");
    }
  }
}

// The sub-op of a call: usually valid, sometimes just outside the codes.
inline int decode_sub(FuzzInput& in, int subs) {
  if (in.chance(4)) return in.chance(128) ? -1 : subs;
  return static_cast<int>(in.in_range(0, subs - 1));
}

// Runs one op of the table with arguments decoded from the input; refusals (exceptions) are
// the expected outcome of bad arguments.
template <size_t N>
void run_one(const Op (&ops)[N], const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  const Op& op = ops[in.byte() % N];
  const int sub = decode_sub(in, op.subs);
  Buffers bufs;
  Args args;
  ViewMaker views(in, bufs, args);
  push_args(op, sub, in, views, args);
  dlflow::ArgReader reader(args.data(), args.size());
  try {
    op.run(reader, sub);
  } catch (const std::exception&) {
  }
}

// Two threads, so the pool's paths (parallel_for, parallel_tasks) run under the sanitizers too.
inline void init_threads() { dlflow::set_num_threads(2); }

}  // namespace dlflow_fuzz
