// The `random` kernel: Philox4x32-10 (Salmon et al., SC'11), a counter-based generator. Each
// block of four 32-bit words depends only on (key, counter), so the fill is split across threads
// and gives the same stream as the reference kernel (src/backends/reference/random.ts) and, in
// time, a GPU backend.
//
// Arguments: out (contiguous float32), a, b, key0, key1, offset (the first block's counter).
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "kernels.h"
#include "op_codes.h"
#include "parallel.h"

namespace dlflow {
namespace {

constexpr uint32_t kM0 = 0xD2511F53u, kM1 = 0xCD9E8D57u, kW0 = 0x9E3779B9u, kW1 = 0xBB67AE85u;
constexpr double kTwoPow24 = 16777216.0;
constexpr double kTwoPi = 6.283185307179586;

inline void philox(uint64_t counter, uint32_t k0, uint32_t k1, uint32_t out[4]) {
  uint32_t c0 = static_cast<uint32_t>(counter), c1 = static_cast<uint32_t>(counter >> 32), c2 = 0, c3 = 0;
  for (int round = 0; round < 10; round++) {
    const uint64_t p0 = static_cast<uint64_t>(kM0) * c0;
    const uint64_t p1 = static_cast<uint64_t>(kM1) * c2;
    const uint32_t hi0 = static_cast<uint32_t>(p0 >> 32), lo0 = static_cast<uint32_t>(p0);
    const uint32_t hi1 = static_cast<uint32_t>(p1 >> 32), lo1 = static_cast<uint32_t>(p1);
    const uint32_t n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
    c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
    k0 += kW0;
    k1 += kW1;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

void fill_block(int dist, double a, double b, const uint32_t w[4], double v[4]) {
  if (dist == kNormal) {
    for (int pair = 0; pair < 4; pair += 2) {
      const double u1 = ((w[pair] >> 8) + 1) / kTwoPow24;
      const double u2 = (w[pair + 1] >> 8) / kTwoPow24;
      const double r = std::sqrt(-2.0 * std::log(u1));
      v[pair] = a + b * (r * std::cos(kTwoPi * u2));
      v[pair + 1] = a + b * (r * std::sin(kTwoPi * u2));
    }
    return;
  }
  for (int lane = 0; lane < 4; lane++) {
    const double u = (w[lane] >> 8) / kTwoPow24;
    v[lane] = dist == kUniform ? a + (b - a) * u : (u < a ? b : 0.0);
  }
}

}  // namespace

// random: arguments in the comment at the top of this file (sub = Distribution)
bool supports_random(int /*dist*/, int dtype) { return dtype == kF32; }

bool run_random(ArgReader& r, int dist) {
  if (dist < 0 || dist >= kNumDistributions) throw std::runtime_error("random: unknown distribution code " + std::to_string(dist));
  View out = r.view("out");
  const double a = r.f64(), b = r.f64();
  const uint32_t k0 = static_cast<uint32_t>(r.i64("key0")), k1 = static_cast<uint32_t>(r.i64("key1"));
  const uint64_t offset = static_cast<uint64_t>(r.i64("offset"));
  if (out.dtype != kF32 || !out.contiguous()) return false;
  float* data = out.ptr<float>();
  const int64_t n = out.numel;
  const int64_t blocks = (n + 3) / 4;
  // normals cost a log, a sqrt and a sin/cos per pair: weigh them so small fills stay serial
  parallel_elements(blocks, dist == kNormal ? 40 : 8, [&](int64_t begin, int64_t end) {
    uint32_t w[4];
    double v[4];
    for (int64_t blk = begin; blk < end; blk++) {
      philox(offset + static_cast<uint64_t>(blk), k0, k1, w);
      fill_block(dist, a, b, w, v);
      const int64_t base = blk * 4;
      for (int lane = 0; lane < 4 && base + lane < n; lane++) data[base + lane] = static_cast<float>(v[lane]);
    }
  });
  return true;
}

}  // namespace dlflow
