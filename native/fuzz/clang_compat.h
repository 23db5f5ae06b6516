// Force-included (-include) into every source of the fuzz build, which uses Debian's clang (the
// addon itself is built by g++). The 2×2 pooling row kernels (native/src/kernels_pool_body.inc)
// call GCC's two-vector __builtin_shuffle with a mask vector, which clang does not have; this
// gives clang the same meaning, lane by lane (mask elements taken modulo twice the lane count,
// as GCC does). Speed does not matter here: the fuzz build runs under AddressSanitizer.
#pragma once
#if defined(__clang__)

namespace dlflow_fuzz_compat {

template <class V, class M>
inline V shuffle2(V a, V b, M mask) {
  constexpr int kLanes = static_cast<int>(sizeof(V) / sizeof(a[0]));
  V out;
  for (int i = 0; i < kLanes; i++) {
    const int k = static_cast<int>(mask[i]) & (2 * kLanes - 1);
    out[i] = k < kLanes ? a[k] : b[k - kLanes];
  }
  return out;
}

}  // namespace dlflow_fuzz_compat

#define __builtin_shuffle(a, b, mask) ::dlflow_fuzz_compat::shuffle2((a), (b), (mask))

#endif
