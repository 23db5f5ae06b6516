// Contiguous float32 row kernels, one table per instruction set, chosen once at run time.
// The strided/broadcast machinery (kernels_elementwise.cc, kernels_reduce.cc, ...) feeds
// them contiguous rows or tiles.
#pragma once
#include <cstdint>
#include <string>

#include "views.h"

namespace dlflow {

struct F32Kernels {
  const char* isa;  // "avx512", "avx2" or "portable"
  // Entries are null where the op has the other output type (bool predicates/comparisons).
  void (*unary[kNumUnary])(const float* x, float* y, int64_t n);
  void (*predicate[kNumUnary])(const float* x, uint8_t* y, int64_t n);
  void (*binary[kNumBinary])(const float* a, const float* b, float* y, int64_t n);
  void (*compare[kNumBinary])(const float* a, const float* b, uint8_t* y, int64_t n);
  void (*clamp)(const float* x, float* y, int64_t n, float lo, float hi);
  double (*sum)(const float* x, int64_t n);                 // accumulated in double
  float (*max)(const float* x, int64_t n);                  // NaN wins; n >= 1
  float (*min)(const float* x, int64_t n);
  // Σ exp(x - shift) in double; also stores exp(x - shift) to y when y is not null.
  double (*sum_exp)(const float* x, int64_t n, float shift, float* y);
  void (*scale)(float* y, int64_t n, float s);              // y *= s
};

// The table for this CPU (AVX-512 if available, else AVX2+FMA, else portable).
const F32Kernels& f32_kernels();

// A kernel table of another family for the instruction set f32_kernels() chose: filled by
// `portable`, then by `avx2` or `avx512` (null where not compiled) over it. Used through
// isa_regions.inc's DLF_ISA_TABLE.
template <class Table>
Table isa_table(void (*portable)(Table&), void (*avx2)(Table&), void (*avx512)(Table&)) {
  Table t{};
  portable(t);
  const std::string isa = f32_kernels().isa;
  if (isa == "avx512" && avx512 != nullptr) avx512(t);
  else if (isa == "avx2" && avx2 != nullptr) avx2(t);
  return t;
}

// Relative cost of a float32 unary/binary op per element (for the threading threshold).
int64_t f32_unary_cost(int op);
int64_t f32_binary_cost(int op);

}  // namespace dlflow
