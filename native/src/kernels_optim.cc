// The fused optimizer update (op kind optimizerStep): one pass over a parameter, its gradient
// and its state buffers, with the float32 arithmetic of PyTorch 1.13's single-tensor
// optimizers operation by operation (the same order as src/backends/reference/optimizer_step.ts).
// Each algorithm's scalars arrive in the order of its <Algo>Scalar enum (op_codes.h, generated from
// OPTIMIZER_SCALAR_FIELDS of src/backends/ops.ts). Per-step scalars (bias corrections,
// step sizes) come from TypeScript in double precision; they are rounded to float where torch's
// kernels round them. Loop-invariant branches are unswitched by the compiler, leaving simple
// loops that vectorise.
//
// Arguments: param, grad, nstate, state[nstate], nscalars, scalars[nscalars]; all views
// contiguous float32 of the same size (the front end guarantees it; checked here).
#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels.h"
#include "op_codes.h"
#include "parallel.h"

namespace dlflow {
namespace {

// Each update loop is compiled for AVX-512, AVX2+FMA and baseline x86-64, and the loader picks
// the widest the CPU supports (GCC function multiversioning), so the loops vectorise to the
// machine's width without ISA flags on the command line.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define DLF_MULTIVERSION __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define DLF_MULTIVERSION
#endif

inline float decay_grad(float g, float p, float wd, bool maximize) {
  float d = maximize ? -g : g;
  return wd != 0.0f ? d + wd * p : d;
}

struct Step {
  float* p;
  const float* g;
  float* s[3];
  const double* k;  // scalars as passed
  float kf(int i) const { return static_cast<float>(k[i]); }
  float one_minus(int i) const { return static_cast<float>(1.0 - k[i]); }
  bool flag(int i) const { return k[i] != 0; }
};

DLF_MULTIVERSION void sgd(const Step& a, int64_t b, int64_t e) {
  using S = SgdScalar;
  const float lr = a.kf(S::kLr), wd = a.kf(S::kWeightDecay), mom = a.kf(S::kMomentum), keep = a.one_minus(S::kDampening);
  const bool nesterov = a.flag(S::kNesterov), maximize = a.flag(S::kMaximize), first = a.flag(S::kFirstStep);
  float* buf = a.s[0];
  for (int64_t i = b; i < e; i++) {
    float d = decay_grad(a.g[i], a.p[i], wd, maximize);
    if (buf != nullptr) {
      const float v = first ? d : buf[i] * mom + keep * d;
      buf[i] = v;
      d = nesterov ? d + mom * v : v;
    }
    a.p[i] = a.p[i] + (-lr) * d;
  }
}

DLF_MULTIVERSION void adam(const Step& a, int64_t b, int64_t e) {
  using S = AdamScalar;
  const float b1 = a.kf(S::kBeta1), b2 = a.kf(S::kBeta2), eps = a.kf(S::kEps), wd = a.kf(S::kWeightDecay);
  const float step = a.kf(S::kStepSize), bc2 = a.kf(S::kBiasCorrection2Sqrt), pdecay = a.kf(S::kParamDecay);
  const float c1 = a.one_minus(S::kBeta1), c2 = a.one_minus(S::kBeta2);
  const bool maximize = a.flag(S::kMaximize), decay = pdecay != 1.0f;
  float *m = a.s[0], *v = a.s[1], *vmax = a.s[2];
  for (int64_t i = b; i < e; i++) {
    float p = a.p[i];
    if (decay) p = p * pdecay;
    const float g = decay_grad(a.g[i], p, wd, maximize);
    const float mi = m[i] * b1 + c1 * g;
    const float vi = v[i] * b2 + (c2 * g) * g;
    m[i] = mi;
    v[i] = vi;
    float second = vi;
    if (vmax != nullptr) {
      second = vmax[i] > vi ? vmax[i] : vi;
      vmax[i] = second;
    }
    const float denom = std::sqrt(second) / bc2 + eps;
    a.p[i] = p + ((-step) * mi) / denom;
  }
}

DLF_MULTIVERSION void adamax(const Step& a, int64_t b, int64_t e) {
  using S = AdamaxScalar;
  const float b1 = a.kf(S::kBeta1), b2 = a.kf(S::kBeta2), eps = a.kf(S::kEps), wd = a.kf(S::kWeightDecay);
  const float clr = a.kf(S::kStepSize), c1 = a.one_minus(S::kBeta1);
  const bool maximize = a.flag(S::kMaximize);
  float *m = a.s[0], *u = a.s[1];
  for (int64_t i = b; i < e; i++) {
    const float g = decay_grad(a.g[i], a.p[i], wd, maximize);
    const float mi = m[i] * b1 + c1 * g;
    const float decayed = u[i] * b2, fresh = std::fabs(g) + eps;
    const float ui = (std::isnan(decayed) || std::isnan(fresh)) ? NAN : (decayed > fresh ? decayed : fresh);
    m[i] = mi;
    u[i] = ui;
    a.p[i] = a.p[i] + ((-clr) * mi) / ui;
  }
}

DLF_MULTIVERSION void nadam(const Step& a, int64_t b, int64_t e) {
  using S = NadamScalar;
  const float b1 = a.kf(S::kBeta1), b2 = a.kf(S::kBeta2), eps = a.kf(S::kEps), wd = a.kf(S::kWeightDecay);
  const float bc2 = a.kf(S::kBiasCorrection2), cg = a.kf(S::kGradCoef), cm = a.kf(S::kExpAvgCoef);
  const float c1 = a.one_minus(S::kBeta1), c2 = a.one_minus(S::kBeta2);
  float *m = a.s[0], *v = a.s[1];
  for (int64_t i = b; i < e; i++) {
    const float g = decay_grad(a.g[i], a.p[i], wd, false);
    const float mi = m[i] * b1 + c1 * g;
    const float vi = v[i] * b2 + (c2 * g) * g;
    m[i] = mi;
    v[i] = vi;
    const float denom = std::sqrt(vi / bc2) + eps;
    const float p1 = a.p[i] + (cg * g) / denom;
    a.p[i] = p1 + (cm * mi) / denom;
  }
}

DLF_MULTIVERSION void radam(const Step& a, int64_t b, int64_t e) {
  using S = RadamScalar;
  const float b1 = a.kf(S::kBeta1), b2 = a.kf(S::kBeta2), eps = a.kf(S::kEps), wd = a.kf(S::kWeightDecay);
  const float bc1 = a.kf(S::kBiasCorrection1), lr = a.kf(S::kLr), bc2 = a.kf(S::kBiasCorrection2Sqrt);
  const float rect = a.kf(S::kRectification), c1 = a.one_minus(S::kBeta1), c2 = a.one_minus(S::kBeta2);
  const bool rectify = a.flag(S::kRectify);
  float *m = a.s[0], *v = a.s[1];
  for (int64_t i = b; i < e; i++) {
    const float g = decay_grad(a.g[i], a.p[i], wd, false);
    const float mi = m[i] * b1 + c1 * g;
    const float vi = v[i] * b2 + (c2 * g) * g;
    m[i] = mi;
    v[i] = vi;
    float update = (mi / bc1) * lr;
    if (rectify) {
      const float adaptive = (1.0f / (std::sqrt(vi) + eps)) * bc2;  // torch: reciprocal() * scalar
      update = (update * adaptive) * rect;
    }
    a.p[i] = a.p[i] - update;
  }
}

DLF_MULTIVERSION void rmsprop(const Step& a, int64_t b, int64_t e) {
  using S = RmspropScalar;
  const float lr = a.kf(S::kLr), alpha = a.kf(S::kAlpha), eps = a.kf(S::kEps), wd = a.kf(S::kWeightDecay);
  const float mom = a.kf(S::kMomentum), c = a.one_minus(S::kAlpha);
  const bool centered = a.flag(S::kCentered), maximize = a.flag(S::kMaximize), has_mom = a.k[S::kMomentum] > 0;
  float* sq = a.s[0];
  float* buf = has_mom ? a.s[1] : nullptr;
  float* avg_state = centered ? a.s[has_mom ? 2 : 1] : nullptr;
  for (int64_t i = b; i < e; i++) {
    const float g = decay_grad(a.g[i], a.p[i], wd, maximize);
    const float s = sq[i] * alpha + (c * g) * g;
    sq[i] = s;
    float avg;
    if (avg_state != nullptr) {
      const float ga = avg_state[i] * alpha + c * g;
      avg_state[i] = ga;
      avg = std::sqrt(s + (-ga) * ga);
    } else {
      avg = std::sqrt(s);
    }
    avg = avg + eps;
    if (buf != nullptr) {
      const float bv = buf[i] * mom + g / avg;
      buf[i] = bv;
      a.p[i] = a.p[i] + (-lr) * bv;
    } else {
      a.p[i] = a.p[i] + ((-lr) * g) / avg;
    }
  }
}

DLF_MULTIVERSION void adagrad(const Step& a, int64_t b, int64_t e) {
  using S = AdagradScalar;
  const float clr = a.kf(S::kDecayedLr), wd = a.kf(S::kWeightDecay), eps = a.kf(S::kEps);
  const bool maximize = a.flag(S::kMaximize);
  float* sum = a.s[0];
  for (int64_t i = b; i < e; i++) {
    const float g = decay_grad(a.g[i], a.p[i], wd, maximize);
    const float s = sum[i] + g * g;
    sum[i] = s;
    a.p[i] = a.p[i] + ((-clr) * g) / (std::sqrt(s) + eps);
  }
}

DLF_MULTIVERSION void adadelta(const Step& a, int64_t b, int64_t e) {
  using S = AdadeltaScalar;
  const float lr = a.kf(S::kLr), rho = a.kf(S::kRho), eps = a.kf(S::kEps), wd = a.kf(S::kWeightDecay);
  const float c = a.one_minus(S::kRho);
  const bool maximize = a.flag(S::kMaximize);
  float *sq = a.s[0], *acc = a.s[1];
  for (int64_t i = b; i < e; i++) {
    const float g = decay_grad(a.g[i], a.p[i], wd, maximize);
    const float s = sq[i] * rho + (c * g) * g;
    sq[i] = s;
    const float delta = (std::sqrt(acc[i] + eps) / std::sqrt(s + eps)) * g;
    acc[i] = acc[i] * rho + (c * delta) * delta;
    a.p[i] = a.p[i] + (-lr) * delta;
  }
}

using Rule = void (*)(const Step&, int64_t, int64_t);
constexpr Rule kRules[kNumAlgos] = {sgd, adam, adamax, nadam, radam, rmsprop, adagrad, adadelta};
constexpr int kMinState[kNumAlgos] = {0, 2, 2, 2, 2, 1, 1, 2};

float* contiguous_f32(const View& v, int64_t n, const char* what) {
  if (v.dtype != kF32) return nullptr;
  int64_t expect = 1;
  for (int d = v.ndim - 1; d >= 0; d--) {
    if (v.shape[d] != 1 && v.strides[d] != expect) throw std::runtime_error(std::string("optimizerStep: ") + what + " is not contiguous");
    expect *= v.shape[d];
  }
  if (v.numel != n) throw std::runtime_error(std::string("optimizerStep: ") + what + " size differs from the parameter's");
  return reinterpret_cast<float*>(v.data);
}

}  // namespace

// optimizerStep: arguments in the comment at the top of this file (sub = OptimizerAlgo)
bool supports_optimizer_step(int /*algo*/, int dtype) { return dtype == kF32; }

bool run_optimizer_step(ArgReader& r, int algo) {
  if (algo < 0 || algo >= kNumAlgos) throw std::runtime_error("optimizerStep: unknown algorithm code " + std::to_string(algo));
  View param = r.view("param"), grad = r.view("grad");
  const int64_t nstate = r.i64("state count");
  if (nstate < kMinState[algo] || nstate > 3) throw std::runtime_error("optimizerStep: bad number of state buffers");
  View state[3];
  for (int64_t i = 0; i < nstate; i++) state[i] = r.view("state");
  const int64_t nscalars = r.i64("scalar count");
  if (nscalars != kOptimizerScalarCounts[algo]) throw std::runtime_error("optimizerStep: bad number of scalars");
  double k[kMaxOptimizerScalars];
  for (int64_t i = 0; i < nscalars; i++) k[i] = r.f64();
  const int64_t n = param.numel;
  Step s{};
  s.p = contiguous_f32(param, n, "param");
  s.g = contiguous_f32(grad, n, "grad");
  if (s.p == nullptr || s.g == nullptr) return false;
  for (int64_t i = 0; i < nstate; i++) {
    s.s[i] = contiguous_f32(state[i], n, "state");
    if (s.s[i] == nullptr) return false;
  }
  s.k = k;
  const Rule rule = kRules[algo];
  parallel_elements(n, 4, [&](int64_t b, int64_t e) { rule(s, b, e); });
  return true;
}

}  // namespace dlflow
