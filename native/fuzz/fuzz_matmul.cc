// fuzz_matmul: batched matmul (kernels_matmul.cc) through the GEMM (gemm.cc, the microkernel and
// packing of this CPU's instruction set) with small shapes, any strides (transposed, broadcast,
// padded), an optional addend and the relu epilogue. Besides surviving, a product the kernel
// computes natively is compared with a plain triple loop in double: exactly when every input is
// a small integer (every sum is then exact in float32), else within a rounding bound.
#include "harness.h"
#include "kernels.h"

namespace {

using namespace dlflow_fuzz;

const Op kOps[] = {{"matmul", dlflow::run_matmul, 1, "vvvoe"}};

// Element (coordinates) of a view, by its strides.
float at(const dlflow::View& v, const int64_t* coord) {
  int64_t off = 0;
  for (int d = 0; d < v.ndim; d++) off += coord[d] * v.strides[d];
  return v.ptr<float>()[off];
}

bool finite_small(const dlflow::View& v, bool* integral) {
  const int64_t* st[1] = {v.strides};
  dlflow::NdLoop<1> loop(v.ndim, v.shape, st);
  bool ok = true;
  loop.for_rows(0, loop.total, [&](const int64_t* off, int64_t len) {
    for (int64_t j = 0; j < len; j++) {
      const float x = v.ptr<float>()[off[0] + j * loop.inner_stride(0)];
      ok = ok && std::isfinite(x) && std::fabs(x) <= 1024.0f;
      *integral = *integral && x == std::floor(x) && std::fabs(x) <= 16.0f;
    }
  });
  return ok;
}

// Whether distinct coordinates of `out` are distinct elements (otherwise the last write wins and
// there is no single expected value).
bool one_to_one(const dlflow::View& out) {
  std::vector<int64_t> offsets;
  const int64_t* st[1] = {out.strides};
  dlflow::NdLoop<1> loop(out.ndim, out.shape, st);
  loop.for_rows(0, loop.total, [&](const int64_t* off, int64_t len) {
    for (int64_t j = 0; j < len; j++) offsets.push_back(off[0] + j * loop.inner_stride(0));
  });
  std::sort(offsets.begin(), offsets.end());
  return std::adjacent_find(offsets.begin(), offsets.end()) == offsets.end();
}

// Re-reads the arguments of a call that ran natively and checks out = a·b (+ addend), relu'd.
void check_product(const Args& args) {
  dlflow::ArgReader r(args.data(), args.size());
  const dlflow::View a = r.view("a"), b = r.view("b"), out = r.view("out");
  const bool has_addend = r.i64("addend flag") != 0;
  dlflow::View addend;
  if (has_addend) addend = r.view("addend");
  const bool relu = r.i64("epilogue") == static_cast<int>(dlflow::GemmEpilogue::kRelu);
  bool exact = true;
  if (!finite_small(a, &exact) || !finite_small(b, &exact) || (has_addend && !finite_small(addend, &exact))) return;
  if (!one_to_one(out)) return;
  const int nd = out.ndim;
  const int64_t K = a.shape[nd - 1];
  int64_t coord[kMaxDims] = {};
  for (int64_t i = 0; i < out.numel; i++) {
    int64_t ca[kMaxDims], cb[kMaxDims];
    std::memcpy(ca, coord, sizeof ca);
    std::memcpy(cb, coord, sizeof cb);
    double want = has_addend ? at(addend, coord) : 0.0, bound = std::fabs(want);
    for (int64_t p = 0; p < K; p++) {
      ca[nd - 1] = p;
      cb[nd - 2] = p;
      const double term = static_cast<double>(at(a, ca)) * at(b, cb);
      want += term;
      bound += std::fabs(term);
    }
    if (relu && want < 0) want = 0;
    const double got = at(out, coord);
    const double tolerance = exact ? 0.0 : 1e-5 * bound + 1e-30;
    if (!(std::fabs(got - want) <= tolerance)) {
      std::fprintf(stderr, "element %lld: got %.9g, want %.9g (K=%lld)\n", static_cast<long long>(i), got, want,
                   static_cast<long long>(K));
      finding("matmul differs from the plain product");
    }
    for (int d = nd - 1; d >= 0 && ++coord[d] == out.shape[d]; d--) coord[d] = 0;
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  init_threads();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzInput in(data, size);
  Buffers bufs;
  Args args;
  ViewMaker views(in, bufs, args);
  push_args(kOps[0], 0, in, views, args);
  dlflow::ArgReader reader(args.data(), args.size());
  bool native = false;
  try {
    native = dlflow::run_matmul(reader, 0);
  } catch (const std::exception&) {
  }
  if (native) check_product(args);
  return 0;
}
