// Single-precision GEMM for the CPU backend; see gemm.h for the contract.
//
// Structure (GotoBLAS/BLIS style):
//   for each N chunk (packed B of the whole chunk fits a memory budget)      <- one pool job
//     every thread owns a rectangle of C (split over M, or over N when M is small)
//     for pc over K in KC blocks
//       for ic over the thread's rows in MC blocks:   pack A block (MC x KC, per-thread, L2)
//         for jr over the thread's columns in NR panels: B panel (KC x NR, shared, L1)
//           for ir over MC in MR steps:                  microkernel MR x NR
// Packed B panels are shared between threads without barriers: each panel has an atomic
// state (free / packing / ready); the first thread that needs it claims and packs it,
// others wait only while a running thread is packing it (so this never deadlocks, even if
// one thread ends up running every task). Packing absorbs any strides (transposes).
//
// Microkernels (chosen once at run time from CPU feature flags) live in gemm_kernels.h/.cc:
// AVX-512 (8 x 48), AVX2+FMA (6 x 16) and portable C++ (4 x 8).
#include "gemm.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <memory>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "gemm_kernels.h"
#include "kernels_f32.h"
#include "thread_pool.h"

namespace dlflow {
namespace {

using gemm_detail::KernelSet;

// ---- aligned, growable, reused buffers ----------------------------------------------------
struct AlignedBuffer {
  float* ptr = nullptr;
  size_t cap = 0;  // floats
  ~AlignedBuffer() { std::free(ptr); }
  float* get(size_t n) {
    if (n > cap) {
      std::free(ptr);
      size_t want = std::max(n, cap + cap / 2);
      // Large buffers: 2 MiB aligned and backed by transparent huge pages where the kernel
      // allows it (fewer TLB misses while streaming packed panels).
      const size_t align = want * sizeof(float) >= (size_t(2) << 20) ? (size_t(2) << 20) : 64;
      size_t bytes = ((want * sizeof(float)) + align - 1) / align * align;
      ptr = static_cast<float*>(std::aligned_alloc(align, bytes));
      if (!ptr) throw std::bad_alloc();
#ifdef __linux__
      if (align > 64) madvise(ptr, bytes, MADV_HUGEPAGE);
#endif
      cap = bytes / sizeof(float);
    }
    return ptr;
  }
};

struct StateBuffer {
  std::unique_ptr<std::atomic<int>[]> ptr;
  size_t cap = 0;
  std::atomic<int>* get(size_t n) {
    if (n > cap) {
      ptr.reset(new std::atomic<int>[n]);
      cap = n;
    }
    for (size_t i = 0; i < n; i++) ptr[i].store(0, std::memory_order_relaxed);
    return ptr.get();
  }
};

thread_local AlignedBuffer tl_pack_a;   // per thread: one MC x KC block of A
thread_local AlignedBuffer tl_pack_b;   // per orchestrating thread: packed B of one N chunk
thread_local StateBuffer tl_b_state;    // per orchestrating thread: panel states
thread_local AlignedBuffer tl_narrow;   // per orchestrating thread: C^T of narrow products

constexpr int kPanelFree = 0, kPanelPacking = 1, kPanelReady = 2;

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }
inline int64_t round_up(int64_t a, int64_t b) { return ceil_div(a, b) * b; }

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

const KernelSet& kernels() { return gemm_detail::active_kernels(); }

struct Problem {
  int64_t M, N, K;
  const float* A;
  int64_t a_rs, a_cs;
  const float* B;
  int64_t b_rs, b_cs;
  float* C;
  int64_t ldc;
  bool accumulate;
  GemmEpilogue epilogue;
};

// The epilogue over rows [m0, m1) and columns [n0, n1) of C (their sums complete).
void apply_epilogue(const Problem& pr, int64_t m0, int64_t m1, int64_t n0, int64_t n1) {
  if (pr.epilogue == GemmEpilogue::kNone || n1 <= n0) return;
  for (int64_t i = m0; i < m1; i++) apply_gemm_epilogue(pr.epilogue, pr.C + i * pr.ldc + n0, n1 - n0);
}

// Split `n` items (in units of `unit`) into `parts` nearly equal ranges; returns range `idx`.
inline void split_range(int64_t n, int64_t unit, int64_t parts, int64_t idx, int64_t* b, int64_t* e) {
  int64_t units = ceil_div(n, unit);
  int64_t base = units / parts, rem = units % parts;
  int64_t ub = idx * base + std::min(idx, rem);
  int64_t ue = ub + base + (idx < rem ? 1 : 0);
  *b = std::min(n, ub * unit);
  *e = std::min(n, ue * unit);
}

#ifndef DLF_GEMM_DIRECT_MAX
#define DLF_GEMM_DIRECT_MAX 65536
#endif
// Operands up to this many floats (both A and B: 256 KiB, within the L2 of the AVX-512 CPUs we
// run on) are read in place, without packing. 65536 rather than 40000 takes a recurrent step's
// [128, 128]·[128, 512] product from 120 to 90 µs on 2 threads (Zen 5), square 256 unchanged.
constexpr int64_t kDirectMaxFloats = DLF_GEMM_DIRECT_MAX;

// Dynamic over-decomposition of the M split (see run_chunk).
constexpr int64_t kMinTaskRows = 192;
constexpr int64_t kMaxOverSplit = 4;

// Runs one N chunk [j0, j0+nc) of the product with `threads` threads (1 = inline).
void run_chunk(const KernelSet& ks, const Problem& pr, int64_t j0, int64_t nc, int threads) {
  const int64_t MR = ks.mr, NR = ks.nr;
  const int64_t M = pr.M, K = pr.K;

  // K blocking: balanced blocks no larger than kc_max, multiples of 8 where possible.
  const int64_t nkb = ceil_div(K, ks.kc);
  const int64_t kc_blk = std::min(K, round_up(ceil_div(K, nkb), 8));
  const int64_t nkb2 = ceil_div(K, kc_blk);

  const int64_t npan = ceil_div(nc, NR);
  const int64_t ncr = npan * NR;
  // Column panels are NR wide, except that a narrow last panel (<= 16 columns) is merged
  // with the one before and the pair split evenly in multiples of 16 (e.g. 64 = 32 + 32,
  // not 48 + 16): the narrow kernels are the least efficient. Packed panel pj always lives
  // at offset pj * NR * kc of the packed block (panels narrower than NR are zero padded).
  const int64_t last_w = nc - (npan - 1) * NR;
  const bool rebalance = npan >= 2 && last_w <= 16 && NR > 32;
  const int64_t pair_first = rebalance ? round_up((NR + last_w + 1) / 2, 16) : NR;
  auto panel_cols = [&](int64_t pj, int64_t* jr, int64_t* nr) {
    *jr = pj * NR;
    *nr = std::min(NR, nc - *jr);
    if (rebalance && pj == npan - 2) *nr = pair_first;
    if (rebalance && pj == npan - 1) {
      *jr = (npan - 2) * NR + pair_first;
      *nr = nc - *jr;
    }
  };
  const bool shared = threads > 1;

  // Thread grid tm x tn: pick the factorisation with the smallest per-thread tile count,
  // preferring more M splits (they share packed B).
  const int64_t mb = ceil_div(M, MR);
  int tm = 1, tn = 1;
  {
    int64_t best = -1;
    for (int a = threads; a >= 1; a--) {
      if (threads % a) continue;
      int b = threads / a;
      int64_t cost = ceil_div(mb, a) * ceil_div(npan, b) * MR * NR;
      // Penalise splits that leave a thread without work.
      if (a > mb || b > npan) cost += int64_t(1) << 60;
      if (best < 0 || cost < best) {
        best = cost;
        tm = a;
        tn = b;
      }
    }
  }
  // Over-decompose the M split (tasks are handed out dynamically) so that a thread whose
  // core is busy with other work takes fewer tasks; each task keeps >= kMinTaskRows rows so
  // packed B panels are still reused enough.
  if (threads > 1 && tm > 1) {
    const int64_t rows = ceil_div(mb, tm) * MR;
    const int64_t sm = std::max<int64_t>(1, std::min<int64_t>(kMaxOverSplit, rows / kMinTaskRows));
    tm = static_cast<int>(tm * sm);
  }
  const int64_t tasks = int64_t(tm) * tn;

  // When every thread's rows fit one MR panel, each B panel would be packed for a single
  // use (e.g. M = 1): read B in place instead (needs unit column stride).
  // Small operands that sit in L1/L2 anyway are not worth packing at all (with a single
  // B panel, packing it is cheap and the aligned panel beats masked in-place loads).
  const bool small = ks.kernel_direct != nullptr && pr.b_cs == 1 && npan > 1 &&
                     K * nc <= kDirectMaxFloats && M * K <= kDirectMaxFloats;
  const bool direct_b = small || (ks.kernel_direct != nullptr && pr.b_cs == 1 && ceil_div(mb, tm) <= 1);
  float* bpack = direct_b ? nullptr : tl_pack_b.get(static_cast<size_t>(ncr * K));
  std::atomic<int>* bstate = direct_b ? nullptr : tl_b_state.get(static_cast<size_t>(nkb2 * npan));

  auto work = [&](int64_t t) {
    const int64_t ti = t / tn, tj = t % tn;
    int64_t m_beg, m_end, p_beg, p_end;  // rows; panel indices
    split_range(M, MR, tm, ti, &m_beg, &m_end);
    split_range(npan, 1, tn, tj, &p_beg, &p_end);
    if (m_beg >= m_end || p_beg >= p_end) return;
    const int64_t my_m = m_end - m_beg;
    const int64_t nmb = ceil_div(my_m, ks.mc);
    const int64_t mc_blk = round_up(ceil_div(my_m, nmb), MR);
    const int64_t my_pan = p_end - p_beg;
    // With a single B panel every A block is used once: read A in place, skip packing it.
    const bool direct_a = small || (my_pan == 1 && ks.kernel_direct != nullptr);
    float* apack = direct_a ? nullptr : tl_pack_a.get(static_cast<size_t>(mc_blk * kc_blk));
    // Threads sharing panels start at different offsets so they pack different panels.
    const int64_t rot = (tm > 1) ? (ti * my_pan) / tm : 0;

    for (int64_t kb = 0; kb < nkb2; kb++) {
      const int64_t pc = kb * kc_blk;
      const int64_t kc = std::min(kc_blk, K - pc);
      const bool acc = pr.accumulate || kb > 0;
      float* bblock = direct_b ? nullptr : bpack + pc * ncr;
      for (int64_t ic = m_beg; ic < m_end; ic += mc_blk) {
        const int64_t mc = std::min(mc_blk, m_end - ic);
        // Pack A block: panels of MR rows, k-major inside each panel.
        for (int64_t ir = 0; ir < mc && !direct_a; ir += MR) {
          const int64_t mr = std::min(MR, mc - ir);
          ks.pack_a(kc, pr.A + (ic + ir) * pr.a_rs + pc * pr.a_cs, pr.a_rs, pr.a_cs, mr,
                    apack + ir * kc);
        }
        for (int64_t q = 0; q < my_pan; q++) {
          int64_t pj = p_beg + (q + rot) % my_pan;
          int64_t jr, nr;
          panel_cols(pj, &jr, &nr);
          const float* bsrc = pr.B + pc * pr.b_rs + (j0 + jr) * pr.b_cs;
          float* bpan = direct_b ? nullptr : bblock + pj * NR * kc;
          std::atomic<int>* stp = direct_b ? nullptr : &bstate[kb * npan + pj];
          if (!direct_b && stp->load(std::memory_order_acquire) != kPanelReady) {
            std::atomic<int>& st = *stp;
            int expect = kPanelFree;
            if (!shared || st.compare_exchange_strong(expect, kPanelPacking, std::memory_order_acq_rel)) {
              ks.pack_b(kc, bsrc, pr.b_cs, pr.b_rs, nr, bpan);
              st.store(kPanelReady, std::memory_order_release);
            } else {
              while (st.load(std::memory_order_acquire) != kPanelReady) cpu_relax();
            }
          }
          float* cbase = pr.C + ic * pr.ldc + j0 + jr;
          for (int64_t ir = 0; ir < mc; ir += MR) {
            const int64_t mr = std::min(MR, mc - ir);
            if (direct_a || direct_b) {
              const float* asrc = direct_a ? pr.A + (ic + ir) * pr.a_rs + pc * pr.a_cs
                                           : apack + ir * kc;
              ks.kernel_direct(static_cast<int>(mr), static_cast<int>(nr), kc, asrc, pr.a_rs,
                               pr.a_cs, direct_a, direct_b ? bsrc : bpan, pr.b_rs, direct_b,
                               cbase + ir * pr.ldc, pr.ldc, acc);
            } else {
              ks.kernel(static_cast<int>(mr), static_cast<int>(nr), kc, apack + ir * kc, bpan,
                        cbase + ir * pr.ldc, pr.ldc, acc);
            }
          }
        }
      }
    }
    // This task's rectangle of C is complete (every K block is inside the task): apply the
    // epilogue while it is still in this thread's cache.
    if (pr.epilogue != GemmEpilogue::kNone) {
      int64_t first_col, last_col, first_w, last_w2;
      panel_cols(p_beg, &first_col, &first_w);
      panel_cols(p_end - 1, &last_col, &last_w2);
      apply_epilogue(pr, m_beg, m_end, j0 + first_col, j0 + last_col + last_w2);
    }
  };

  if (threads <= 1) {
    work(0);
  } else {
    parallel_tasks(tasks, work);
  }
}

// Threshold (flops) below which a product runs on the calling thread only.
constexpr double kParallelMinFlops = 4.0e5;
// Narrow-C path (see gemm_impl).
constexpr int64_t kNarrowMaxN = 12;
constexpr int64_t kNarrowMaxFloats = int64_t(1) << 20;
// Budget (floats) for packed B of one N chunk.
constexpr int64_t kPackBBudget = int64_t(4) << 20;

void gemm_impl(const Problem& pr, int max_threads) {
  const int64_t M = pr.M, N = pr.N, K = pr.K;
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!pr.accumulate)
      for (int64_t i = 0; i < M; i++) std::memset(pr.C + i * pr.ldc, 0, sizeof(float) * N);
    apply_epilogue(pr, 0, M, 0, N);
    return;
  }
  const KernelSet& ks = kernels();
  // Narrow C (a few columns) with column-major A, e.g. grad_W = X^T G of a small output
  // layer: the row-major kernel would use only N of 16 lanes. Compute C^T = B^T A^T
  // instead (vectorised along M, A^T read in place) into a scratch buffer, then transpose
  // it into C.
  if (N <= kNarrowMaxN && M >= 4 * N && M >= 64 && pr.a_rs == 1 && ks.kernel_direct != nullptr &&
      M * N <= kNarrowMaxFloats) {
    float* t = tl_narrow.get(static_cast<size_t>(M * N));
    Problem tp{N, M, K, pr.B, pr.b_cs, pr.b_rs, pr.A, pr.a_cs, pr.a_rs, t, M, false, GemmEpilogue::kNone};
    gemm_impl(tp, max_threads);
    for (int64_t i = 0; i < M; i++) {
      float* c = pr.C + i * pr.ldc;
      if (pr.accumulate) {
        for (int64_t j = 0; j < N; j++) c[j] += t[j * M + i];
      } else {
        for (int64_t j = 0; j < N; j++) c[j] = t[j * M + i];
      }
    }
    apply_epilogue(pr, 0, M, 0, N);
    return;
  }
  int threads = max_threads;
  const double flops = 2.0 * double(M) * double(N) * double(K);
  if (flops < kParallelMinFlops) threads = 1;
  // Never more threads than MR x NR tiles.
  {
    int64_t tiles = ceil_div(M, ks.mr) * ceil_div(N, ks.nr);
    if (tiles < threads) threads = static_cast<int>(std::max<int64_t>(1, tiles));
  }
  int64_t nchunk = std::max<int64_t>(ks.nr, (kPackBBudget / K) / ks.nr * ks.nr);
  if (nchunk >= N) nchunk = N;
  else {
    // Balance the chunks.
    int64_t nch = ceil_div(N, nchunk);
    nchunk = round_up(ceil_div(N, nch), ks.nr);
  }
  for (int64_t j0 = 0; j0 < N; j0 += nchunk) {
    run_chunk(ks, pr, j0, std::min(nchunk, N - j0), threads);
  }
}

}  // namespace

void sgemm(int64_t M, int64_t N, int64_t K, const float* A, int64_t a_rs, int64_t a_cs,
           const float* B, int64_t b_rs, int64_t b_cs, float* C, int64_t ldc, bool accumulate,
           GemmEpilogue epilogue) {
  Problem pr{M, N, K, A, a_rs, a_cs, B, b_rs, b_cs, C, ldc, accumulate, epilogue};
  gemm_impl(pr, num_threads());
}

void sgemm_batched(int64_t batch, int64_t M, int64_t N, int64_t K, const float* A, int64_t a_bs,
                   int64_t a_rs, int64_t a_cs, const float* B, int64_t b_bs, int64_t b_rs,
                   int64_t b_cs, float* C, int64_t c_bs, int64_t ldc, bool accumulate,
                   GemmEpilogue epilogue) {
  if (batch <= 0 || M <= 0 || N <= 0) return;
  const int threads = num_threads();
  const double flops = 2.0 * double(M) * double(N) * double(K);
  auto one = [&](int64_t b, int max_threads) {
    Problem pr{M, N, K, A + b * a_bs, a_rs, a_cs, B + b * b_bs, b_rs, b_cs, C + b * c_bs, ldc,
               accumulate, epilogue};
    gemm_impl(pr, max_threads);
  };
  // Small matrices: one thread per product, products spread over the pool. Large matrices:
  // each product uses the whole pool in turn.
  // Across batches when the products are small, when there are many, or when they divide
  // evenly over the threads (single-threaded products run at full speed and need no
  // synchronisation; kept to moderate sizes so that concurrent products share L3 sanely).
  const bool across = threads > 1 && batch > 1 && c_bs != 0 &&
                      (flops < 8.0e6 || batch >= 4 * threads ||
                       (batch % threads == 0 && flops <= 2.0e9)) &&
                      flops * double(batch) >= kParallelMinFlops;
  if (across) {
    parallel_tasks(batch, [&](int64_t b) { one(b, 1); });
  } else {
    for (int64_t b = 0; b < batch; b++) one(b, threads);
  }
}

void apply_gemm_epilogue(GemmEpilogue epilogue, float* c, int64_t n) {
  if (epilogue == GemmEpilogue::kRelu) f32_kernels().unary[uRelu](c, c, n);
}

const char* sgemm_kernel_name() { return kernels().name; }

GemmPanelShape sgemm_panel_shape() {
  const KernelSet& ks = kernels();
  return {ks.mr, ks.nr, ks.kc};
}

void sgemm_pack_a_panel(int64_t m, int64_t k, const float* a, int64_t a_rs, int64_t a_cs, float* dst) {
  kernels().pack_a(k, a, a_rs, a_cs, m, dst);
}

void sgemm_pack_b_panel(int64_t n, int64_t k, const float* b, int64_t b_rs, int64_t b_cs, float* dst) {
  kernels().pack_b(k, b, b_cs, b_rs, n, dst);
}

void sgemm_panel_kernel(int m, int n, int64_t k, const float* a_panel, const float* b_panel,
                        float* c, int64_t ldc, bool acc) {
  kernels().kernel(m, n, k, a_panel, b_panel, c, ldc, acc);
}

void sgemm_panel_kernel_direct_a(int m, int n, int64_t k, const float* a, int64_t a_rs,
                                 int64_t a_cs, const float* b_panel, float* c, int64_t ldc,
                                 bool acc) {
  const KernelSet& ks = kernels();
  if (ks.kernel_direct != nullptr) {
    ks.kernel_direct(m, n, k, a, a_rs, a_cs, true, b_panel, 0, false, c, ldc, acc);
    return;
  }
  // No in-place kernel (portable set): pack the panel of A, kc deep at a time.
  float* apanel = tl_pack_a.get(static_cast<size_t>(ks.mr * ks.kc));
  for (int64_t p0 = 0; p0 < k; p0 += ks.kc) {
    const int64_t kc = std::min(ks.kc, k - p0);
    ks.pack_a(kc, a + p0 * a_cs, a_rs, a_cs, m, apanel);
    ks.kernel(m, n, kc, apanel, b_panel + p0 * ks.nr, c, ldc, acc || p0 > 0);
  }
}

}  // namespace dlflow
