// Builds the float32 row-kernel tables: the body (kernels_f32_body.inc) is compiled three
// times, for AVX-512, AVX2+FMA and the baseline ISA, each in its own namespace with internal
// linkage (so no ISA-specific code can be picked by the linker for a generic caller). The
// table is chosen once from the CPU flags; no -march flag is ever needed.
#include "kernels_f32.h"

// 64-byte vector types cross no function boundary outside their ISA region; silence the
// ABI note GCC prints for them.
#pragma GCC diagnostic ignored "-Wpsabi"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace dlflow {
namespace {

// ---- ops computed with libm, element by element (shared by all tables) -------------------
// These need more care in their tails than a short polynomial gives (erf, gelu near -inf,
// sin/cos argument reduction, pow), so they trade speed for the reference's accuracy.
constexpr double kSqrt1_2 = 0.70710678118654752440;
constexpr double kInvSqrt2Pi = 0.39894228040143267794;

void s_sin(const float* x, float* y, int64_t n) { for (int64_t i = 0; i < n; i++) y[i] = std::sin(x[i]); }
void s_cos(const float* x, float* y, int64_t n) { for (int64_t i = 0; i < n; i++) y[i] = std::cos(x[i]); }
void s_erf(const float* x, float* y, int64_t n) { for (int64_t i = 0; i < n; i++) y[i] = std::erf(x[i]); }
// x·Φ(x) with Φ through erfc, in double, so the far negative tail keeps its relative accuracy.
void s_gelu(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    double v = x[i];
    y[i] = static_cast<float>(v * 0.5 * std::erfc(-v * kSqrt1_2));
  }
}
void s_pow(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = static_cast<float>(std::pow(static_cast<double>(a[i]), static_cast<double>(b[i])));
}
void s_atan2(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = static_cast<float>(std::atan2(static_cast<double>(a[i]), static_cast<double>(b[i])));
}
// Python's modulus: fmod is exact; move a remainder of the wrong sign by one divisor.
void s_remainder(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    float m = std::fmod(a[i], b[i]);
    y[i] = (m != 0.0f && ((m < 0.0f) != (b[i] < 0.0f))) ? m + b[i] : m;
  }
}
// d/dx x·Φ(x) = Φ(x) + x·φ(x), exact (erf) form, in double.
void s_geluBackward(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) {
    double x = b[i];
    double d = 0.5 * std::erfc(-x * kSqrt1_2) + x * kInvSqrt2Pi * std::exp(-0.5 * x * x);
    y[i] = static_cast<float>(a[i] * d);
  }
}

void add_libm_entries(F32Kernels& t) {
  t.unary[uSin] = s_sin;
  t.unary[uCos] = s_cos;
  t.unary[uErf] = s_erf;
  t.unary[uGelu] = s_gelu;
  t.binary[bPow] = s_pow;
  t.binary[bAtan2] = s_atan2;
  t.binary[bRemainder] = s_remainder;
  t.binary[bGeluBackward] = s_geluBackward;
}

#define DLF_ISA_BODY "kernels_f32_body.inc"
#include "isa_regions.inc"

F32Kernels make_table() {
  F32Kernels t{};
  t.isa = "portable";
  portable::fill_table(t);
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    t.isa = "avx512";
    avx512::fill_table(t);
  } else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    t.isa = "avx2";
    avx2::fill_table(t);
  }
#endif
  add_libm_entries(t);
  return t;
}

}  // namespace

const F32Kernels& f32_kernels() {
  static const F32Kernels table = make_table();
  return table;
}

int64_t f32_unary_cost(int op) {
  switch (op) {
    case uSin: case uCos: case uErf: case uGelu: return 16;
    case uExp: case uExpm1: case uLog: case uLog1p: case uTanh: case uSigmoid:
    case uGeluTanh: case uSilu: case uSoftplus: return 4;
    default: return 1;
  }
}

int64_t f32_binary_cost(int op) {
  switch (op) {
    case bPow: case bAtan2: case bGeluBackward: return 16;
    case bRemainder: return 8;
    case bSigmoidBackward: case bTanhBackward: case bReluBackward: return 1;
    case bGeluTanhBackward: case bSiluBackward: case bSoftplusBackward: return 4;
    default: return 1;
  }
}

}  // namespace dlflow
