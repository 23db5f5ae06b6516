// Standalone GEMM correctness check and benchmark (not part of the addon).
//
//   g++ -O3 -std=c++17 -pthread -Inative/src native/src/gemm*.cc native/src/thread_pool.cc
//       native/bench/gemm_bench.cc -o /tmp/gemm_bench   (one line)
//   /tmp/gemm_bench            # correctness for every kernel set on this CPU, then benchmark
//   /tmp/gemm_bench check      # correctness only
//   /tmp/gemm_bench bench [reps] [threads|0] [name-filter]  # benchmark only (default 1 and 2 threads)
//   DLF_GEMM_KERNEL=avx2|portable /tmp/gemm_bench bench    # benchmark another kernel set
//
// Correctness is against a double-precision reference; an element passes when
//   |c - ref| <= 1e-6 * sqrt(K) * sum_p |a_ip * b_pj|   (+ a tiny absolute slack).
// The benchmark shapes match native/bench/gemm_numpy.py (NumPy/OpenBLAS reference).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include <sys/mman.h>

#include "gemm.h"
#include "gemm_kernels.h"
#include "thread_pool.h"

using dlflow::sgemm;
using dlflow::sgemm_batched;

namespace {

std::mt19937_64 rng(12345);

float frand() { return std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng); }

// Operand layouts: 0 row-major, 1 column-major (transposed view), 2 general strides.
struct Layout {
  int64_t rs, cs, size;
};
Layout make_layout(int kind, int64_t rows, int64_t cols) {
  switch (kind) {
    case 0: {
      int64_t ld = cols + (rng() % 3);  // padded leading dimension sometimes
      return {ld, 1, rows == 0 ? 0 : (rows - 1) * ld + cols};
    }
    case 1: {
      int64_t ld = rows + (rng() % 3);
      return {1, ld, cols == 0 ? 0 : (cols - 1) * ld + rows};
    }
    default: {
      int64_t rs = 3, cs = 3 * rows + 2;  // element (i, j) at 3i + (3 rows + 2) j
      return {rs, cs, rows == 0 || cols == 0 ? 0 : (rows - 1) * rs + (cols - 1) * cs + 1};
    }
  }
}

int g_failures = 0;
double g_worst = 0;

// Checks one product (optionally batched with broadcast strides).
void check_case(int64_t batch, int64_t M, int64_t N, int64_t K, int la, int lb, bool acc,
                bool bcast_a, bool bcast_b) {
  Layout LA = make_layout(la, M, K), LB = make_layout(lb, K, N);
  int64_t ldc = N + (rng() % 3);
  int64_t a_bs = bcast_a ? 0 : LA.size + 5, b_bs = bcast_b ? 0 : LB.size + 3;
  int64_t c_bs = M * ldc + 7;
  std::vector<float> A(std::max<int64_t>(1, (bcast_a ? 1 : batch) * (LA.size + 5)));
  std::vector<float> B(std::max<int64_t>(1, (bcast_b ? 1 : batch) * (LB.size + 3)));
  std::vector<float> C(std::max<int64_t>(1, batch * c_bs));
  for (auto& x : A) x = frand();
  for (auto& x : B) x = frand();
  for (auto& x : C) x = frand();
  std::vector<float> C0 = C;
  if (batch == 1 && !bcast_a && !bcast_b && rng() % 2) {
    sgemm(M, N, K, A.data(), LA.rs, LA.cs, B.data(), LB.rs, LB.cs, C.data(), ldc, acc);
  } else {
    sgemm_batched(batch, M, N, K, A.data(), a_bs, LA.rs, LA.cs, B.data(), b_bs, LB.rs, LB.cs,
                  C.data(), c_bs, ldc, acc);
  }
  double worst = 0;
  bool bad = false;
  for (int64_t b = 0; b < batch && !bad; b++) {
    const float* a = A.data() + b * a_bs;
    const float* bb = B.data() + b * b_bs;
    for (int64_t i = 0; i < M && !bad; i++) {
      for (int64_t j = 0; j < ldc; j++) {
        int64_t ci = b * c_bs + i * ldc + j;
        if (j >= N) {  // padding must be untouched
          if (C[ci] != C0[ci]) bad = true;
          continue;
        }
        double ref = acc ? C0[ci] : 0.0, mag = acc ? std::fabs(C0[ci]) : 0.0;
        for (int64_t p = 0; p < K; p++) {
          double t = double(a[i * LA.rs + p * LA.cs]) * double(bb[p * LB.rs + j * LB.cs]);
          ref += t;
          mag += std::fabs(t);
        }
        double err = std::fabs(C[ci] - ref);
        double tol = 1e-6 * std::sqrt(double(K) + 1.0) * mag + 1e-30;
        if (!(err <= tol)) bad = true;
        if (mag > 0) worst = std::max(worst, err / (mag * std::sqrt(double(K) + 1.0)));
      }
    }
    // Bytes between batches (and after the last) must be untouched too.
    for (int64_t t = M * ldc; t < c_bs && !bad; t++)
      if (C[b * c_bs + t] != C0[b * c_bs + t]) bad = true;
  }
  g_worst = std::max(g_worst, worst);
  if (bad) {
    if (g_failures < 20)
      std::printf("FAIL batch=%lld M=%lld N=%lld K=%lld la=%d lb=%d acc=%d bcastA=%d bcastB=%d\n",
                  (long long)batch, (long long)M, (long long)N, (long long)K, la, lb, acc, bcast_a,
                  bcast_b);
    g_failures++;
  }
}

// sgemm called from inside a parallel region (runs serially there) must still be right.
int check_nested() {
  const int64_t M = 150, N = 130, K = 300;
  std::vector<float> A(M * K), B(K * N), C1(4 * M * N), C2(4 * M * N);
  for (auto& x : A) x = frand();
  for (auto& x : B) x = frand();
  for (int t = 0; t < 4; t++)
    sgemm(M, N, K, A.data(), K, 1, B.data(), 1, K, C1.data() + t * M * N, N, false);
  dlflow::parallel_tasks(4, [&](int64_t t) {
    sgemm(M, N, K, A.data(), K, 1, B.data(), 1, K, C2.data() + t * M * N, N, false);
  });
  int bad = 0;
  for (size_t i = 0; i < C1.size(); i++)
    if (!(std::fabs(C1[i] - C2[i]) <= 1e-5f * (1.0f + std::fabs(C1[i])))) bad++;
  return bad ? 1 : 0;
}

int run_checks() {
  const char* sets[] = {"avx512", "avx2", "portable"};
  const int64_t edge[] = {1, 2, 3, 5, 7, 8, 9, 13, 15, 16, 17, 31, 33, 47, 48, 49, 63, 64, 65, 97, 130, 200};
  int total_fail = 0;
  for (const char* ks : sets) {
    if (!dlflow::gemm_detail::force_kernels(ks)) {
      std::printf("kernel set %-8s not supported on this CPU, skipped\n", ks);
      continue;
    }
    for (int threads : {1, 2}) {
      dlflow::set_num_threads(threads);
      g_failures = 0;
      g_worst = 0;
      int cases = 0;
      // Zero sizes, K = 0 (must write zeros unless accumulating).
      for (int64_t M : {0, 1, 5}) for (int64_t N : {0, 1, 17}) for (int64_t K : {0, 1, 3})
        for (bool acc : {false, true}) { check_case(1, M, N, K, 0, 0, acc, false, false); cases++; }
      // Edge sizes, all layouts.
      for (int it = 0; it < 400; it++) {
        int64_t M = edge[rng() % 22], N = edge[rng() % 22], K = edge[rng() % 22];
        check_case(1, M, N, K, int(rng() % 3), int(rng() % 3), rng() % 2, false, false);
        cases++;
      }
      // Larger shapes crossing the cache blocks (KC, MC, NR multiples +- 1) and threads.
      const int64_t big[][3] = {{300, 257, 385}, {513, 97, 200}, {64, 700, 1000}, {129, 130, 600},
                                {17, 1500, 70}, {1000, 9, 300}, {260, 260, 260}, {2, 3000, 40}};
      for (auto& s : big)
        for (int la = 0; la < 3; la++)
          for (int lb = 0; lb < 3; lb++) {
            check_case(1, s[0], s[1], s[2], la, lb, (la + lb) % 2, false, false);
            cases++;
          }
      // Batched, with broadcast A or B (stride 0).
      for (int it = 0; it < 40; it++) {
        int64_t M = edge[rng() % 22], N = edge[rng() % 22], K = edge[rng() % 22];
        int64_t batch = 1 + rng() % 9;
        check_case(batch, M, N, K, int(rng() % 3), int(rng() % 3), rng() % 2, it % 3 == 1,
                   it % 3 == 2);
        cases++;
      }
      if (check_nested()) {
        std::printf("FAIL nested sgemm inside parallel_tasks\n");
        g_failures++;
      }
      cases++;
      check_case(3, 200, 150, 300, 0, 1, true, false, true);
      check_case(16, 64, 64, 64, 1, 0, false, true, false);
      cases += 2;
      std::printf("kernel %-8s threads %d: %d cases, %d failures, worst err/(sum|ab|*sqrt(K)) = %.2e\n",
                  ks, threads, cases, g_failures, g_worst);
      total_fail += g_failures;
    }
  }
  dlflow::gemm_detail::force_kernels(nullptr);
  return total_fail;
}

struct Shape {
  const char* name;
  int64_t M, N, K;
  bool ta, tb;        // operand is a transposed view of a row-major array
  int64_t batch = 1;  // > 1: sgemm_batched over contiguous stacks of A, B and C
};

// Same list as native/bench/gemm_numpy.py.
const Shape kShapes[] = {
    {"sq256", 256, 256, 256, false, false},     {"sq512", 512, 512, 512, false, false},
    {"sq1024", 1024, 1024, 1024, false, false}, {"sq2048", 2048, 2048, 2048, false, false},
    {"L1.fwd X.W", 128, 256, 784, false, false}, {"L1.gW Xt.G", 784, 256, 128, true, false},
    {"L1.gX G.Wt", 128, 784, 256, false, true},  {"L2.fwd X.W", 128, 128, 256, false, false},
    {"L2.gW Xt.G", 256, 128, 128, true, false},  {"L2.gX G.Wt", 128, 256, 128, false, true},
    {"L3.fwd X.W", 128, 10, 128, false, false},  {"L3.gW Xt.G", 128, 10, 128, true, false},
    {"L3.gX G.Wt", 128, 128, 10, false, true},
    {"bmm64x64^3", 64, 64, 64, false, false, 64},
    {"bmm16x128^3", 128, 128, 128, false, false, 16},
    {"bmm4x256^3", 256, 256, 256, false, false, 4},
};

// Benchmark operands: 2 MiB aligned + MADV_HUGEPAGE when large, like NumPy's allocator
// (set DLF_BENCH_NO_HUGEPAGE=1 for plain 4 KiB pages).
struct BenchArray {
  float* p = nullptr;
  size_t n = 0;
  explicit BenchArray(size_t count) : n(count) {
    size_t bytes = (count * sizeof(float) + (2u << 20) - 1) / (2u << 20) * (2u << 20);
    p = static_cast<float*>(std::aligned_alloc(2u << 20, bytes));
    if (!std::getenv("DLF_BENCH_NO_HUGEPAGE") && bytes >= (4u << 20)) madvise(p, bytes, MADV_HUGEPAGE);
  }
  ~BenchArray() { std::free(p); }
  float* begin() { return p; }
  float* end() { return p + n; }
  float* data() { return p; }
};

double bench_shape(const Shape& s, int reps) {
  BenchArray A(s.batch * s.M * s.K), B(s.batch * s.K * s.N), C(s.batch * s.M * s.N);
  for (auto& x : A) x = frand();
  for (auto& x : B) x = frand();
  // Row-major storage of A (M x K) or of A^T (K x M) when ta, likewise B.
  int64_t a_rs = s.ta ? 1 : s.K, a_cs = s.ta ? s.M : 1;
  int64_t b_rs = s.tb ? 1 : s.N, b_cs = s.tb ? s.K : 1;
  auto run = [&] {
    if (s.batch == 1)
      sgemm(s.M, s.N, s.K, A.data(), a_rs, a_cs, B.data(), b_rs, b_cs, C.data(), s.N, false);
    else
      sgemm_batched(s.batch, s.M, s.N, s.K, A.data(), s.M * s.K, a_rs, a_cs, B.data(), s.K * s.N,
                    b_rs, b_cs, C.data(), s.M * s.N, s.N, false);
  };
  // Best (minimum) time per call over groups of back-to-back calls (a group lasts >= ~50 us),
  // sampled for `reps` x 0.1 s: on a shared machine the minimum catches the quiet moments.
  using clk = std::chrono::steady_clock;
  for (int i = 0; i < 3; i++) run();
  auto t0 = clk::now();
  run();
  double one = std::chrono::duration<double>(clk::now() - t0).count();
  int group = std::max(1, static_cast<int>(50e-6 / std::max(one, 1e-9)));
  double best = 1e30;
  auto start = clk::now();
  int groups = 0;
  while (groups < 5 || std::chrono::duration<double>(clk::now() - start).count() < 0.1 * reps) {
    auto g0 = clk::now();
    for (int i = 0; i < group; i++) run();
    best = std::min(best, std::chrono::duration<double>(clk::now() - g0).count() / group);
    groups++;
  }
  return 2.0 * s.batch * s.M * s.N * s.K / best / 1e9;
}

void run_bench(int reps, const std::vector<int>& threads, const std::string& filter) {
  for (int t : threads) {
    dlflow::set_num_threads(t);
    std::printf("# dlflow sgemm (%s), %d thread(s)\n", dlflow::sgemm_kernel_name(), t);
    for (const Shape& s : kShapes) {
      if (!filter.empty() && std::string(s.name).find(filter) == std::string::npos) continue;
      double g = bench_shape(s, reps);
      std::printf("%-14s M=%-5lld N=%-5lld K=%-5lld %8.1f GFLOP/s\n", s.name, (long long)s.M,
                  (long long)s.N, (long long)s.K, g);
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "all";
  int reps = argc > 2 ? std::atoi(argv[2]) : 7;
  std::vector<int> threads = {1, 2};
  if (argc > 3 && std::atoi(argv[3]) > 0) threads = {std::atoi(argv[3])};
  std::string filter = argc > 4 ? argv[4] : "";
  if (const char* ks = std::getenv("DLF_GEMM_KERNEL")) {
    if (!dlflow::gemm_detail::force_kernels(ks)) std::printf("kernel set %s unavailable\n", ks);
  }
  int fails = 0;
  if (mode == "all" || mode == "check") {
    fails = run_checks();
    std::printf(fails ? "CORRECTNESS: %d FAILURES\n" : "CORRECTNESS: all passed\n", fails);
  }
  if (mode == "all" || mode == "bench") run_bench(reps, threads, filter);
  return fails ? 1 : 0;
}
