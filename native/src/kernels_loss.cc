// Fused softmax cross-entropy over class indices (op kinds crossEntropy and
// crossEntropyBackward): the common case of CrossEntropyLoss as one pass over the logits
// forward and one backward, instead of log-softmax, gather, mean and their gradients.
//
// Per row i of x [N, C] with target t_i, using the row max m_i:
//   forward   loss_i = m_i + log Σ_c exp(x_ic − m_i) − x_i,t_i          (double, stored float)
//   backward  out_ic = (exp(x_ic − m_i) / Σ_c exp(x_ic − m_i) − [c = t_i]) · g_i
// The softmax is recomputed in the backward pass (C is small next to the GEMMs around it),
// so nothing but the logits is kept between the passes.
#include <cmath>
#include <string>
#include <vector>

#include "kernels.h"
#include "kernels_f32.h"
#include "loops.h"
#include "op_codes.h"

namespace dlflow {
namespace {

int64_t target_at(const View& t, int64_t i) {
  const int64_t off = i * t.strides[0];
  return t.dtype == kI32 ? t.ptr<int32_t>()[off] : t.ptr<int64_t>()[off];
}

// Every target inside [0, C), checked before anything is written.
void check_targets(const View& target, int64_t C) {
  for (int64_t i = 0; i < target.shape[0]; i++) {
    const int64_t v = target_at(target, i);
    if (v < 0 || v >= C)
      throw RangeError("cross entropy: target " + std::to_string(v) + " is out of bounds for " +
                       std::to_string(C) + " classes");
  }
}

// Shapes, dtypes and the reduction code shared by both passes; false when this is not a
// native case.
bool check_operands(const View& x, const View& target, int reduction, const char* what) {
  if (reduction < 0 || reduction >= kNumLossReductions) throw std::runtime_error(std::string(what) + ": bad reduction code");
  if (x.dtype != kF32 || (target.dtype != kI64 && target.dtype != kI32)) return false;
  if (x.ndim != 2 || target.ndim != 1 || target.shape[0] != x.shape[0])
    throw std::runtime_error(std::string(what) + ": expected logits [N, C] and targets [N]");
  return true;
}

// Row i of x as a contiguous array (gathered into `scratch` when strided).
const float* row_of(const View& x, int64_t i, std::vector<float>& scratch) {
  const int64_t C = x.shape[1], sc = x.strides[1];
  const float* p = x.ptr<float>() + i * x.strides[0];
  if (sc == 1) return p;
  scratch.resize(static_cast<size_t>(C));
  for (int64_t c = 0; c < C; c++) scratch[c] = p[c * sc];
  return scratch.data();
}

}  // namespace

// crossEntropy: x, target, out (sub = LossReduction)
bool supports_cross_entropy(int /*reduction*/, int dtype) { return dtype == kF32; }

bool run_cross_entropy(ArgReader& r, int reduction) {
  View x = r.view("x"), target = r.view("target"), out = r.view("out");
  if (!check_operands(x, target, reduction, "crossEntropy") || out.dtype != kF32) return false;
  const int64_t N = x.shape[0], C = x.shape[1];
  if (reduction == kReduceNone ? (out.ndim != 1 || out.shape[0] != N) : out.numel != 1)
    throw std::runtime_error("crossEntropy: output shape does not match the reduction");
  check_targets(target, C);
  const F32Kernels& k = f32_kernels();
  std::vector<double> losses(static_cast<size_t>(N));
  parallel_elements(N, C * 4, [&](int64_t begin, int64_t end) {
    std::vector<float> scratch;
    for (int64_t i = begin; i < end; i++) {
      const float* row = row_of(x, i, scratch);
      const float m = k.max(row, C);
      const double lse = static_cast<double>(m) + std::log(k.sum_exp(row, C, m, nullptr));
      losses[i] = lse - static_cast<double>(row[target_at(target, i)]);
    }
  });
  float* o = out.ptr<float>();
  if (reduction == kReduceNone) {
    for (int64_t i = 0; i < N; i++) o[i * out.strides[0]] = static_cast<float>(losses[i]);
    return true;
  }
  double total = 0;
  for (int64_t i = 0; i < N; i++) total += losses[i];
  // The mean of no rows is NaN (0/0), as in PyTorch.
  o[0] = static_cast<float>(reduction == kReduceMean ? total / static_cast<double>(N) : total);
  return true;
}

// crossEntropyBackward: x, target, grad, out (sub = LossReduction)
bool supports_cross_entropy_backward(int /*reduction*/, int dtype) { return dtype == kF32; }

bool run_cross_entropy_backward(ArgReader& r, int reduction) {
  View x = r.view("x"), target = r.view("target"), grad = r.view("grad"), out = r.view("out");
  if (!check_operands(x, target, reduction, "crossEntropyBackward") || grad.dtype != kF32 || out.dtype != kF32) return false;
  const int64_t N = x.shape[0], C = x.shape[1];
  require_same_shape(x, out, "crossEntropyBackward");
  if (out.strides[1] != 1 || out.strides[0] != C) throw std::runtime_error("crossEntropyBackward: out must be contiguous");
  if (reduction == kReduceNone ? (grad.ndim != 1 || grad.shape[0] != N) : grad.numel != 1)
    throw std::runtime_error("crossEntropyBackward: gradient shape does not match the reduction");
  check_targets(target, C);
  const F32Kernels& k = f32_kernels();
  const float* g = grad.ptr<float>();
  const double whole = reduction == kReduceMean ? static_cast<double>(g[0]) / static_cast<double>(N) : g[0];
  parallel_elements(N, C * 4, [&](int64_t begin, int64_t end) {
    std::vector<float> scratch;
    for (int64_t i = begin; i < end; i++) {
      const float* row = row_of(x, i, scratch);
      float* o = out.ptr<float>() + i * C;
      const double gi = reduction == kReduceNone ? static_cast<double>(g[i * grad.strides[0]]) : whole;
      const float m = k.max(row, C);
      const double s = k.sum_exp(row, C, m, o);  // o = exp(x - m)
      k.scale(o, C, static_cast<float>(gi / s));
      const int64_t t = target_at(target, i);
      o[t] = static_cast<float>(static_cast<double>(o[t]) - gi);
    }
  });
  return true;
}

}  // namespace dlflow
