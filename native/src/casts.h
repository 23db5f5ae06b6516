// Dtype conversions with PyTorch-on-x86 semantics, matching src/backends/reference/cast.ts:
// float → int truncates, and NaN/±inf/out-of-range give the most negative integer (what x86's
// truncating conversion produces; C++ leaves it undefined, so it is spelled out here);
// int → int wraps; anything → bool is x != 0 (NaN is true).
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace dlflow {

template <class D, class S>
inline D cast_to(S s) {
  if constexpr (std::is_same<D, S>::value) {
    return s;
  } else if constexpr (std::is_same<D, uint8_t>::value) {
    return s != 0 ? 1 : 0;
  } else if constexpr (std::is_same<D, float>::value) {
    return static_cast<float>(s);  // int64 → float rounds once, to nearest even
  } else if constexpr (std::is_same<S, float>::value || std::is_same<S, double>::value) {
    const double t = std::trunc(static_cast<double>(s));
    const double lo = static_cast<double>(std::numeric_limits<D>::min());
    // -lo is 2^31 or 2^63 exactly; NaN fails the test.
    if (!(t >= lo && t < -lo)) return std::numeric_limits<D>::min();
    return static_cast<D>(t);
  } else {
    using U = typename std::make_unsigned<D>::type;
    return static_cast<D>(static_cast<U>(s));  // two's-complement wrap
  }
}

// A JavaScript number given for an element of type T (fill values, scalar operands), as the
// reference's numberToDType: float32 rounds; an integral number wraps like an integer
// literal; a fractional one truncates.
template <class T>
inline T number_to(double v) {
  if constexpr (std::is_same<T, float>::value) {
    return static_cast<float>(v);
  } else if constexpr (std::is_same<T, uint8_t>::value) {
    return v != 0 ? 1 : 0;
  } else {
    if (v != std::floor(v) || std::isinf(v)) return cast_to<T>(v);
    const double two64 = 18446744073709551616.0;
    double r = std::fmod(v, two64);  // exact for integral doubles
    if (r >= two64 / 2) r -= two64;
    if (r < -two64 / 2) r += two64;
    return static_cast<T>(static_cast<uint64_t>(static_cast<int64_t>(r)));
  }
}

}  // namespace dlflow
