// GEMM microkernels and packing routines, one set per instruction set; see gemm_kernels.h.
//
// ISA-specific code is compiled per function with __attribute__((target(...))) and lives
// in an anonymous namespace (internal linkage), so no inline or template function with
// external linkage is ever compiled for AVX-512/AVX2 (no ODR hazard for generic callers).
// The binary is built without -march flags; the set is chosen at run time from CPU flags.
#include "gemm_kernels.h"

#include <cstring>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DLF_X86 1
#else
#define DLF_X86 0
#endif

namespace dlflow {
namespace gemm_detail {
namespace {

// ============================== portable C++ =================================================
// Plain loops the compiler vectorises for the baseline ISA (SSE2 on x86-64).
constexpr int kPortMR = 4, kPortNR = 8;  // 4 x 8 keeps the accumulators in 8 SSE registers

template <int W>
void pack_portable(int64_t k, const float* src, int64_t s_i, int64_t s_p, int64_t n_i,
                   float* dst) {
  for (int64_t p = 0; p < k; p++) {
    float* d = dst + p * W;
    const float* s = src + p * s_p;
    if (s_i == 1) {
      for (int64_t i = 0; i < n_i; i++) d[i] = s[i];
    } else {
      for (int64_t i = 0; i < n_i; i++) d[i] = s[i * s_i];
    }
    for (int64_t i = n_i; i < W; i++) d[i] = 0.0f;
  }
}

void kernel_portable(int m, int n, int64_t k, const float* a, const float* b, float* c,
                     int64_t ldc, bool acc) {
  float t[kPortMR][kPortNR];
  for (int i = 0; i < kPortMR; i++)
    for (int j = 0; j < kPortNR; j++) t[i][j] = 0.0f;
  for (int64_t p = 0; p < k; p++) {
    const float* ap = a + p * kPortMR;
    const float* bp = b + p * kPortNR;
    for (int i = 0; i < kPortMR; i++) {
      const float ai = ap[i];
      for (int j = 0; j < kPortNR; j++) t[i][j] += ai * bp[j];
    }
  }
  for (int i = 0; i < m; i++) {
    float* cr = c + i * ldc;
    if (acc) {
      for (int j = 0; j < n; j++) cr[j] += t[i][j];
    } else {
      for (int j = 0; j < n; j++) cr[j] = t[i][j];
    }
  }
}

const KernelSet kPortable = {"portable", kPortMR, kPortNR, 128, 256, &kernel_portable,
                             &pack_portable<kPortMR>, &pack_portable<kPortNR>, nullptr};

#if DLF_X86
#define DLF_T256 __attribute__((target("avx2,fma")))
#define DLF_T512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))

// ============================== packing (AVX2, shared by AVX2 and AVX-512) ===================
DLF_T256 inline void transpose8(__m256& r0, __m256& r1, __m256& r2, __m256& r3, __m256& r4,
                                __m256& r5, __m256& r6, __m256& r7) {
  __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
  __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
  __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
  __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
  __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
  __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
  __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
  __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
  r0 = _mm256_permute2f128_ps(u0, u4, 0x20);
  r1 = _mm256_permute2f128_ps(u1, u5, 0x20);
  r2 = _mm256_permute2f128_ps(u2, u6, 0x20);
  r3 = _mm256_permute2f128_ps(u3, u7, 0x20);
  r4 = _mm256_permute2f128_ps(u0, u4, 0x31);
  r5 = _mm256_permute2f128_ps(u1, u5, 0x31);
  r6 = _mm256_permute2f128_ps(u2, u6, 0x31);
  r7 = _mm256_permute2f128_ps(u3, u7, 0x31);
}

DLF_T256 inline __m256i lane_mask(int lanes) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

template <int W>
DLF_T256 void pack_avx2(int64_t k, const float* src, int64_t s_i, int64_t s_p, int64_t n_i,
                        float* dst) {
  if (s_i == 1) {
    // Contiguous along the panel width: a (masked) copy per k step.
    if (n_i == W) {
      for (int64_t p = 0; p < k; p++) {
        const float* s = src + p * s_p;
        float* d = dst + p * W;
        int i = 0;
        for (; i + 8 <= W; i += 8) _mm256_storeu_ps(d + i, _mm256_loadu_ps(s + i));
        for (; i < W; i++) d[i] = s[i];
      }
    } else {
      for (int64_t p = 0; p < k; p++) {
        const float* s = src + p * s_p;
        float* d = dst + p * W;
        for (int i = 0; i < W; i += 8) {
          int lanes = W - i < 8 ? W - i : 8;
          int valid = static_cast<int>(n_i - i);
          valid = valid < 0 ? 0 : (valid > lanes ? lanes : valid);
          __m256 x = _mm256_maskload_ps(s + i, lane_mask(valid));
          if (lanes == 8) _mm256_storeu_ps(d + i, x);
          else _mm256_maskstore_ps(d + i, lane_mask(lanes), x);
        }
      }
    }
    return;
  }
  if (s_p == 1) {
    // Contiguous along k: 8 x 8 register transposes.
    for (int i = 0; i < W; i += 8) {
      const int lanes = W - i < 8 ? W - i : 8;
      int valid = static_cast<int>(n_i - i);
      valid = valid < 0 ? 0 : (valid > lanes ? lanes : valid);
      const __m256i smask = lane_mask(lanes);
      const float* s = src + i * s_i;
      float* d = dst + i;
      int64_t p = 0;
      if (valid <= 0) {
        // lanes past the panel's columns: zeros, a vector per k step (not lane by lane)
        for (; p < k; p++) {
          if (lanes == 8) _mm256_storeu_ps(d + p * W, _mm256_setzero_ps());
          else _mm256_maskstore_ps(d + p * W, smask, _mm256_setzero_ps());
        }
        continue;
      }
      if (valid == 8) {
        for (; p + 8 <= k; p += 8) {
          __m256 r0 = _mm256_loadu_ps(s + 0 * s_i + p), r1 = _mm256_loadu_ps(s + 1 * s_i + p);
          __m256 r2 = _mm256_loadu_ps(s + 2 * s_i + p), r3 = _mm256_loadu_ps(s + 3 * s_i + p);
          __m256 r4 = _mm256_loadu_ps(s + 4 * s_i + p), r5 = _mm256_loadu_ps(s + 5 * s_i + p);
          __m256 r6 = _mm256_loadu_ps(s + 6 * s_i + p), r7 = _mm256_loadu_ps(s + 7 * s_i + p);
          transpose8(r0, r1, r2, r3, r4, r5, r6, r7);
          _mm256_storeu_ps(d + (p + 0) * W, r0);
          _mm256_storeu_ps(d + (p + 1) * W, r1);
          _mm256_storeu_ps(d + (p + 2) * W, r2);
          _mm256_storeu_ps(d + (p + 3) * W, r3);
          _mm256_storeu_ps(d + (p + 4) * W, r4);
          _mm256_storeu_ps(d + (p + 5) * W, r5);
          _mm256_storeu_ps(d + (p + 6) * W, r6);
          _mm256_storeu_ps(d + (p + 7) * W, r7);
        }
      } else if (valid > 0) {
        for (; p + 8 <= k; p += 8) {
          __m256 r[8];
          for (int q = 0; q < 8; q++)
            r[q] = q < valid ? _mm256_loadu_ps(s + q * s_i + p) : _mm256_setzero_ps();
          transpose8(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]);
          for (int q = 0; q < 8; q++) {
            if (lanes == 8) _mm256_storeu_ps(d + (p + q) * W, r[q]);
            else _mm256_maskstore_ps(d + (p + q) * W, smask, r[q]);
          }
        }
      }
      for (; p < k; p++) {
        for (int q = 0; q < lanes; q++) d[p * W + q] = q < valid ? s[q * s_i + p] : 0.0f;
      }
    }
    return;
  }
  // General strides.
  for (int64_t p = 0; p < k; p++) {
    float* d = dst + p * W;
    const float* s = src + p * s_p;
    for (int64_t i = 0; i < n_i; i++) d[i] = s[i * s_i];
    for (int64_t i = n_i; i < W; i++) d[i] = 0.0f;
  }
}

// ============================== AVX2 + FMA: 6 x 16 ===========================================
constexpr int k2MR = 6, k2NV = 2, k2NR = 8 * k2NV;

// R rows x V ymm vectors; `last` = valid columns in the last vector (1..8).
// DA / DB: read A / B in place instead of packed (see the AVX-512 kernel below).
template <int R, int V, bool DA, bool DB>
DLF_T256 void k_avx2(int64_t k, const float* __restrict a, int64_t a_rs, int64_t a_cs,
                     const float* __restrict b, int64_t b_rs, float* __restrict c, int64_t ldc,
                     int last, bool acc) {
  const __m256i m = lane_mask(last);
  __m256 t[R][V];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < V; v++) t[r][v] = _mm256_setzero_ps();
  if (!DA && !DB) {
#pragma GCC unroll 2
    for (int64_t p = 0; p < k; p++) {
      __m256 bv[V];
#pragma GCC unroll 4
      for (int v = 0; v < V; v++) bv[v] = _mm256_load_ps(b + v * 8);
#pragma GCC unroll 8
      for (int r = 0; r < R; r++) {
        const __m256 ar = _mm256_broadcast_ss(a + r);
#pragma GCC unroll 4
        for (int v = 0; v < V; v++) t[r][v] = _mm256_fmadd_ps(ar, bv[v], t[r][v]);
      }
      a += k2MR;
      b += k2NR;
    }
  } else {
    const float* ap[R];
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) ap[r] = DA ? a + r * a_rs : a + r;
    const int64_t a_step = DA ? a_cs : k2MR;
    const int64_t b_step = DB ? b_rs : k2NR;
    const bool last_full = last == 8;
    int64_t off = 0;
#pragma GCC unroll 2
    for (int64_t p = 0; p < k; p++) {
      __m256 bv[V];
#pragma GCC unroll 4
      for (int v = 0; v < V; v++) {
        if (!DB) bv[v] = _mm256_load_ps(b + v * 8);
        else if (v < V - 1 || last_full) bv[v] = _mm256_loadu_ps(b + v * 8);
        else bv[v] = _mm256_maskload_ps(b + v * 8, m);  // never reads past column n
      }
#pragma GCC unroll 8
      for (int r = 0; r < R; r++) {
        const __m256 ar = _mm256_broadcast_ss(ap[r] + off);
#pragma GCC unroll 4
        for (int v = 0; v < V; v++) t[r][v] = _mm256_fmadd_ps(ar, bv[v], t[r][v]);
      }
      off += a_step;
      b += b_step;
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; r++) {
    float* cr = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < V; v++) {
      __m256 x = t[r][v];
      if (v < V - 1 || last == 8) {
        if (acc) x = _mm256_add_ps(x, _mm256_loadu_ps(cr + v * 8));
        _mm256_storeu_ps(cr + v * 8, x);
      } else {
        if (acc) x = _mm256_add_ps(x, _mm256_maskload_ps(cr + v * 8, m));
        _mm256_maskstore_ps(cr + v * 8, m, x);
      }
    }
  }
}

using K2Fn = void (*)(int64_t, const float*, int64_t, int64_t, const float*, int64_t, float*,
                      int64_t, int, bool);

template <bool DA, bool DB, int R, size_t... Vs>
constexpr void fill_row2(K2Fn* row, std::index_sequence<Vs...>) {
  ((row[Vs] = &k_avx2<R, int(Vs) + 1, DA, DB>), ...);
}
template <bool DA, bool DB, size_t... Rs>
constexpr void fill2(K2Fn (*t)[k2NV], std::index_sequence<Rs...>) {
  (fill_row2<DA, DB, int(Rs) + 1>(t[Rs], std::make_index_sequence<k2NV>{}), ...);
}
template <bool DA, bool DB>
struct Table2 {
  K2Fn f[k2MR][k2NV];
  Table2() { fill2<DA, DB>(f, std::make_index_sequence<k2MR>{}); }
};

void kernel_avx2(int m, int n, int64_t k, const float* a, const float* b, float* c, int64_t ldc,
                 bool acc) {
  if (m == k2MR && n == k2NR) {
    k_avx2<k2MR, k2NV, false, false>(k, a, 1, k2MR, b, k2NR, c, ldc, 8, acc);
    return;
  }
  static const Table2<false, false> table;
  const int nv = (n + 7) / 8;
  table.f[m - 1][nv - 1](k, a, 1, k2MR, b, k2NR, c, ldc, n - (nv - 1) * 8, acc);
}

void kernel_avx2_direct(int m, int n, int64_t k, const float* a, int64_t a_rs, int64_t a_cs,
                        bool direct_a, const float* b, int64_t b_rs, bool direct_b, float* c,
                        int64_t ldc, bool acc) {
  static const Table2<true, false> t_a;
  static const Table2<false, true> t_b;
  static const Table2<true, true> t_ab;
  const int nv = (n + 7) / 8;
  K2Fn f;
  if (direct_a && direct_b) f = t_ab.f[m - 1][nv - 1];
  else if (direct_a) f = t_a.f[m - 1][nv - 1];
  else if (direct_b) f = t_b.f[m - 1][nv - 1];
  else {
    kernel_avx2(m, n, k, a, b, c, ldc, acc);
    return;
  }
  f(k, a, a_rs, a_cs, b, b_rs, c, ldc, n - (nv - 1) * 8, acc);
}

const KernelSet kAvx2 = {"avx2", k2MR, k2NR, 192, 256, &kernel_avx2, &pack_avx2<k2MR>,
                         &pack_avx2<k2NR>, &kernel_avx2_direct};

// ============================== AVX-512: MR x (16 * NV) ======================================
#ifndef DLF_GEMM_MR512
#define DLF_GEMM_MR512 8
#endif
#ifndef DLF_GEMM_NV512
#define DLF_GEMM_NV512 3
#endif
#ifndef DLF_GEMM_MC512
#define DLF_GEMM_MC512 256
#endif
#ifndef DLF_GEMM_KC512
#define DLF_GEMM_KC512 192
#endif
constexpr int k5MR = DLF_GEMM_MR512, k5NV = DLF_GEMM_NV512, k5NR = 16 * k5NV;

// R rows x V zmm vectors; `last` = lane mask of the last vector.
// DA (direct A): A is read in place, element (i, p) at a[i * a_rs + p * a_cs], instead of from
// a packed panel; used when each A block would be used only once (N fits one panel).
// DB (direct B): B is read in place with row stride b_rs and unit column stride; used when
// each B panel would be used only once (the thread's rows fit one MR panel, e.g. M = 1).
template <int R, int V, bool DA, bool DB>
DLF_T512 void k_avx512(int64_t k, const float* __restrict a, int64_t a_rs, int64_t a_cs,
                       const float* __restrict b, int64_t b_rs, float* __restrict c,
                       int64_t ldc, unsigned last, bool acc) {
  const __mmask16 m = static_cast<__mmask16>(last);
  __m512 t[R][V];
#pragma GCC unroll 16
  for (int r = 0; r < R; r++)
#pragma GCC unroll 4
    for (int v = 0; v < V; v++) t[r][v] = _mm512_setzero_ps();
  // Prefetch the whole C tile; it is needed only after the k loop.
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
#pragma GCC unroll 4
    for (int v = 0; v < V; v++)
      _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + v * 16), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(c + r * ldc + V * 16 - 1), _MM_HINT_T0);
  }
  if (!DA && !DB) {
#pragma GCC unroll 4
    for (int64_t p = 0; p < k; p++) {
      __m512 bv[V];
#pragma GCC unroll 4
      for (int v = 0; v < V; v++) bv[v] = _mm512_load_ps(b + v * 16);
#pragma GCC unroll 16
      for (int r = 0; r < R; r++) {
        const __m512 ar = _mm512_set1_ps(a[r]);
#pragma GCC unroll 4
        for (int v = 0; v < V; v++) t[r][v] = _mm512_fmadd_ps(ar, bv[v], t[r][v]);
      }
      a += k5MR;
      b += k5NR;
    }
  } else {
    const float* ap[R];
#pragma GCC unroll 16
    for (int r = 0; r < R; r++) ap[r] = DA ? a + r * a_rs : a + r;
    const int64_t a_step = DA ? a_cs : k5MR;
    const int64_t b_step = DB ? b_rs : k5NR;
    const bool last_full = last == 0xFFFFu;
    int64_t off = 0;
#pragma GCC unroll 2
    for (int64_t p = 0; p < k; p++) {
      __m512 bv[V];
#pragma GCC unroll 4
      for (int v = 0; v < V; v++) {
        if (!DB) bv[v] = _mm512_load_ps(b + v * 16);
        else if (v < V - 1 || last_full) bv[v] = _mm512_loadu_ps(b + v * 16);
        else bv[v] = _mm512_maskz_loadu_ps(m, b + v * 16);  // never reads past column n
      }
#pragma GCC unroll 16
      for (int r = 0; r < R; r++) {
        const __m512 ar = _mm512_set1_ps(ap[r][off]);
#pragma GCC unroll 4
        for (int v = 0; v < V; v++) t[r][v] = _mm512_fmadd_ps(ar, bv[v], t[r][v]);
      }
      off += a_step;
      b += b_step;
    }
  }
#pragma GCC unroll 16
  for (int r = 0; r < R; r++) {
    float* cr = c + r * ldc;
#pragma GCC unroll 4
    for (int v = 0; v < V; v++) {
      __m512 x = t[r][v];
      if (v < V - 1 || last == 0xFFFFu) {
        if (acc) x = _mm512_add_ps(x, _mm512_loadu_ps(cr + v * 16));
        _mm512_storeu_ps(cr + v * 16, x);
      } else {
        if (acc) x = _mm512_add_ps(x, _mm512_maskz_loadu_ps(m, cr + v * 16));
        _mm512_mask_storeu_ps(cr + v * 16, m, x);
      }
    }
  }
}

using K5Fn = void (*)(int64_t, const float*, int64_t, int64_t, const float*, int64_t, float*,
                      int64_t, unsigned, bool);

template <bool DA, bool DB, int R, size_t... Vs>
constexpr void fill_row5(K5Fn* row, std::index_sequence<Vs...>) {
  ((row[Vs] = &k_avx512<R, int(Vs) + 1, DA, DB>), ...);
}
template <bool DA, bool DB, size_t... Rs>
constexpr void fill5(K5Fn (*t)[k5NV], std::index_sequence<Rs...>) {
  (fill_row5<DA, DB, int(Rs) + 1>(t[Rs], std::make_index_sequence<k5NV>{}), ...);
}
template <bool DA, bool DB>
struct Table5 {
  K5Fn f[k5MR][k5NV];
  Table5() { fill5<DA, DB>(f, std::make_index_sequence<k5MR>{}); }
};

inline unsigned last_mask16(int n, int* nv) {
  *nv = (n + 15) / 16;
  const int rem = n - (*nv - 1) * 16;
  return rem == 16 ? 0xFFFFu : ((1u << rem) - 1u);
}

void kernel_avx512(int m, int n, int64_t k, const float* a, const float* b, float* c,
                   int64_t ldc, bool acc) {
  if (m == k5MR && n == k5NR) {
    k_avx512<k5MR, k5NV, false, false>(k, a, 1, k5MR, b, k5NR, c, ldc, 0xFFFFu, acc);
    return;
  }
  static const Table5<false, false> table;
  int nv;
  const unsigned mask = last_mask16(n, &nv);
  table.f[m - 1][nv - 1](k, a, 1, k5MR, b, k5NR, c, ldc, mask, acc);
}

void kernel_avx512_direct(int m, int n, int64_t k, const float* a, int64_t a_rs, int64_t a_cs,
                          bool direct_a, const float* b, int64_t b_rs, bool direct_b, float* c,
                          int64_t ldc, bool acc) {
  static const Table5<true, false> t_a;
  static const Table5<false, true> t_b;
  static const Table5<true, true> t_ab;
  int nv;
  const unsigned mask = last_mask16(n, &nv);
  K5Fn f;
  if (direct_a && direct_b) f = t_ab.f[m - 1][nv - 1];
  else if (direct_a) f = t_a.f[m - 1][nv - 1];
  else if (direct_b) f = t_b.f[m - 1][nv - 1];
  else {
    kernel_avx512(m, n, k, a, b, c, ldc, acc);
    return;
  }
  f(k, a, a_rs, a_cs, b, b_rs, c, ldc, mask, acc);
}

const KernelSet kAvx512 = {"avx512",          k5MR,           k5NR,
                           DLF_GEMM_MC512,    DLF_GEMM_KC512, &kernel_avx512,
                           &pack_avx2<k5MR>,  &pack_avx2<k5NR>, &kernel_avx512_direct};

bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool has_avx512() {
  return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
}
#endif  // DLF_X86

const KernelSet* auto_select() {
#if DLF_X86
  __builtin_cpu_init();
  if (has_avx512()) return &kAvx512;
  if (has_avx2()) return &kAvx2;
#endif
  return &kPortable;
}

const KernelSet* g_forced = nullptr;

}  // namespace

const KernelSet& active_kernels() {
  static const KernelSet* chosen = auto_select();
  return g_forced ? *g_forced : *chosen;
}

bool force_kernels(const char* name) {
  if (name == nullptr) {
    g_forced = nullptr;
    return true;
  }
  if (std::strcmp(name, "portable") == 0) {
    g_forced = &kPortable;
    return true;
  }
#if DLF_X86
  if (std::strcmp(name, "avx2") == 0 && has_avx2()) {
    g_forced = &kAvx2;
    return true;
  }
  if (std::strcmp(name, "avx512") == 0 && has_avx512()) {
    g_forced = &kAvx512;
    return true;
  }
#endif
  return false;
}

}  // namespace gemm_detail
}  // namespace dlflow
