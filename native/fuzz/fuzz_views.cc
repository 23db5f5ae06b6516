// fuzz_views: the argument decoding of views.h on raw numbers (handles, dtype codes, offsets,
// ranks, shapes and strides anywhere in the ABI's range, powers of two that overflow products)
// against three small buffers. Every view the reader accepts is checked against an independent
// computation in 128-bit integers (its element count, and that its furthest element lies inside
// its buffer), its first and furthest elements are read (AddressSanitizer sees any escape), and
// when it is small NdLoop's walk over it is compared with a plain row-major walk.
#include <cstdio>

#include "harness.h"
#include "loops.h"

namespace {

using namespace dlflow_fuzz;

constexpr int kBuffers = 3;

double raw_number(FuzzInput& in, const int64_t* handles) {
  switch (in.byte() % 8) {
    case 0: return in.wild();
    case 1: return static_cast<double>(handles[in.byte() % kBuffers]);
    case 2: {  // a power of two, or one off it: where products and sums overflow
      const double p = std::ldexp(1.0, static_cast<int>(in.in_range(0, 62)));
      return p + static_cast<double>(in.in_range(-1, 1));
    }
    case 3: {
      uint64_t bits = static_cast<uint64_t>(in.u32()) << 32 | in.u32();
      double v;
      std::memcpy(&v, &bits, sizeof v);
      return v;
    }
    default: return static_cast<double>(in.in_range(-2, 9));
  }
}

void push_view(FuzzInput& in, const int64_t* handles, Args& args) {
  args.push(in.chance(224) ? static_cast<double>(handles[in.byte() % kBuffers]) : raw_number(in, handles));
  args.push(in.chance(224) ? static_cast<double>(in.in_range(0, dlflow::kNumDTypes - 1)) : raw_number(in, handles));
  args.push(in.chance(192) ? static_cast<double>(in.in_range(0, 8)) : raw_number(in, handles));
  const double ndim = in.chance(240) ? static_cast<double>(in.in_range(0, 6)) : raw_number(in, handles);
  args.push(ndim);
  const int n = ndim >= 0 && ndim <= kMaxDims ? static_cast<int>(ndim) : 4;
  for (int i = 0; i < 2 * n; i++) args.push(raw_number(in, handles));
}

using Wide = __int128;

// The checks of an accepted view, computed apart from views.h.
void check_view(const dlflow::View& v) {
  const dlflow::BufferInfo& buf = dlflow::buffer_get(v.handle);
  Wide numel = 1;
  for (int d = 0; d < v.ndim; d++) numel *= v.shape[d];
  if (numel != v.numel) finding("numel differs from the product of the shape");
  if (numel == 0) return;
  const int64_t size = v.elsize();
  const Wide offset = (v.data - buf.data) / size;
  Wide last = offset;
  for (int d = 0; d < v.ndim; d++) last += static_cast<Wide>(v.shape[d] - 1) * v.strides[d];
  if (offset < 0 || last >= static_cast<Wide>(buf.bytes / size)) finding("accepted a view that reaches past its buffer");
  // Reads the AddressSanitizer can vouch for: the first and the furthest element.
  volatile char sink = v.data[0];
  sink = v.data[static_cast<int64_t>(last - offset) * size + size - 1];
  (void)sink;
}

// NdLoop's rows over [begin, end) against the row-major walk of the same elements.
void check_loop(const dlflow::View& v, FuzzInput& in) {
  if (v.numel == 0 || v.numel > 4096) return;
  std::vector<int64_t> expected;
  int64_t coord[kMaxDims] = {};
  for (int64_t i = 0; i < v.numel; i++) {
    int64_t off = 0;
    for (int d = 0; d < v.ndim; d++) off += coord[d] * v.strides[d];
    expected.push_back(off);
    for (int d = v.ndim - 1; d >= 0 && ++coord[d] == v.shape[d]; d--) coord[d] = 0;
  }
  const int64_t begin = in.in_range(0, 4095) % v.numel;
  const int64_t end = begin + in.in_range(0, 4095) % (v.numel - begin + 1);
  const int64_t* st[1] = {v.strides};
  dlflow::NdLoop<1> loop(v.ndim, v.shape, st);
  if (loop.total != v.numel) finding("NdLoop total differs from numel");
  int64_t at = begin;
  loop.for_rows(begin, end, [&](const int64_t* off, int64_t len) {
    for (int64_t j = 0; j < len; j++, at++)
      if (at >= end || off[0] + j * loop.inner_stride(0) != expected[at]) finding("NdLoop walks another element");
  });
  if (at != end) finding("NdLoop skipped elements");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  init_threads();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  Buffers bufs;
  int64_t handles[kBuffers];
  for (int64_t& h : handles) h = bufs.alloc(static_cast<size_t>(in.in_range(0, 200)));
  Args args;
  const int views = 1 + in.byte() % 4;
  for (int i = 0; i < views; i++) push_view(in, handles, args);
  dlflow::ArgReader reader(args.data(), args.size());
  try {
    for (int i = 0; i < views; i++) {
      const dlflow::View v = reader.view("v");
      check_view(v);
      check_loop(v, in);
    }
  } catch (const std::exception&) {
  }
  // normalize_dim: an index inside the rank, or a refusal.
  const int ndim = static_cast<int>(in.in_range(0, kMaxDims));
  const int64_t dim = in.in_range(-20, 20);
  try {
    const int d = dlflow::normalize_dim(dim, ndim);
    if (d < 0 || d >= ndim) finding("normalize_dim returned a dim outside the rank");
  } catch (const std::exception&) {
  }
  return 0;
}
