// Float32 math on GCC vector extensions, 16 lanes wide.
//
// NOT a normal header: it has no include guard and is included once per instruction-set
// region (see kernels_f32.cc), inside an anonymous namespace and a `#pragma GCC target`
// region, so the same source compiles to AVX-512, AVX2+FMA and baseline SSE2 code. Callers
// include <cstdint> and <cstring> first. Accuracy targets: within ~2 ulp of the correctly
// rounded float32 result over the whole range, including subnormals, ±inf and NaN.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

typedef float vf __attribute__((vector_size(64)));
typedef int32_t vi __attribute__((vector_size(64)));
typedef float vf8 __attribute__((vector_size(32)));
typedef double vd8 __attribute__((vector_size(64)));
constexpr int kLanes = 16;

static inline vf splat(float c) { return vf{} + c; }
static inline vf vload(const float* p) { vf v; std::memcpy(&v, p, sizeof v); return v; }
static inline void vstore(float* p, vf v) { std::memcpy(p, &v, sizeof v); }
static inline vi as_int(vf v) { return (vi)v; }
static inline vf as_float(vi v) { return (vf)v; }
static inline vf sel(vi mask, vf a, vf b) { return mask ? a : b; }
static inline vi is_nan(vf x) { return x != x; }
static inline vf vabs(vf x) { return as_float(as_int(x) & 0x7fffffff); }
static inline vf copysign_from(vf mag, vf sign) {
  return as_float((as_int(mag) & 0x7fffffff) | (as_int(sign) & static_cast<int32_t>(0x80000000u)));
}
// 2^k for integer k in [-126, 127], by building the exponent field.
static inline vf pow2i(vi k) { return as_float((k + 127) << 23); }

// exp: x = n·ln2 + r with |r| <= ln2/2, degree-7 Taylor for e^r (truncation < 6e-9), and the
// scale 2^n applied in two halves so that subnormal results come out right.
static inline vf v_exp(vf x) {
  vf xc = sel(x > 89.0f, splat(89.0f), x);
  xc = sel(xc < -104.0f, splat(-104.0f), xc);
  const vf shifter = splat(12582912.0f);  // 1.5·2^23: adding it rounds to an integer
  vf n = (xc * 1.44269504088896341f + shifter) - shifter;
  vf r = xc - n * 0.693359375f;           // ln2 split: high part has few bits, so exact
  r = r - n * -2.12194440e-4f;
  vf p = splat(1.0f / 5040);
  p = p * r + 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  vi ni = __builtin_convertvector(n, vi);
  vi n1 = ni >> 1;
  vf y = p * pow2i(n1) * pow2i(ni - n1);
  return sel(is_nan(x), x, y);
}

// expm1: a degree-10 Taylor series near 0 (where exp(x) - 1 would cancel), exp(x) - 1 beyond.
static inline vf v_expm1(vf x) {
  vf p = splat(1.0f / 3628800);
  p = p * x + 1.0f / 362880;
  p = p * x + 1.0f / 40320;
  p = p * x + 1.0f / 5040;
  p = p * x + 1.0f / 720;
  p = p * x + 1.0f / 120;
  p = p * x + 1.0f / 24;
  p = p * x + 1.0f / 6;
  p = p * x + 0.5f;
  vf small = p * x * x + x;
  vf big = v_exp(x) - 1.0f;
  return sel(vabs(x) < 0.7f, small, big);
}

// log: x = m·2^e with m in [√½, √2), log(m) = 2·atanh(s), s = (m-1)/(m+1), |s| < 0.172.
static inline vf v_log(vf x) {
  vi sub = x < 1.17549435e-38f;           // subnormal (or zero/negative, fixed below)
  vf xs = sel(sub, x * 8388608.0f, x);
  vi bits = as_int(xs);
  vi e = ((bits >> 23) & 0xff) - 127;
  e = e - (sub & 23);                     // comparison masks are all ones or zero
  vf m = as_float((bits & 0x7fffff) | 0x3f800000);
  vi big = m > 1.41421356f;
  m = sel(big, m * 0.5f, m);
  e = e + (big & 1);
  vf f = m - 1.0f;
  vf s = f / (f + 2.0f);
  vf z = s * s;
  vf q = splat(1.0f / 13);
  q = q * z + 1.0f / 11;
  q = q * z + 1.0f / 9;
  q = q * z + 1.0f / 7;
  q = q * z + 1.0f / 5;
  q = q * z + 1.0f / 3;
  vf t = 2.0f * s;
  vf l1p = t + t * (z * q);
  vf ef = __builtin_convertvector(e, vf);
  vf y = ef * 0.693359375f + (ef * -2.12194440e-4f + l1p);
  y = sel(x == 0.0f, splat(-__builtin_inff()), y);
  y = sel(x == __builtin_inff(), x, y);
  y = sel(x < 0.0f, splat(__builtin_nanf("")), y);
  return sel(is_nan(x), x, y);
}

// log1p by Goldberg's correction: with u = 1 + x rounded, log(u)·x/(u-1) cancels u's error.
static inline vf v_log1p(vf x) {
  vf u = x + 1.0f;
  vf d = u - 1.0f;
  vf y = v_log(u) * (x / sel(d == 0.0f, splat(1.0f), d));
  y = sel(d == 0.0f, x, y);
  return sel(x == __builtin_inff(), x, y);
}

// sigmoid and 1 - sigmoid, each without cancellation: exp is only taken of -|x|.
static inline void v_sigmoid2(vf x, vf* s, vf* sm) {
  vf e = v_exp(-vabs(x));
  vf r = 1.0f / (1.0f + e);
  vi pos = x >= 0.0f;
  *s = sel(pos, r, e * r);
  *sm = sel(pos, e * r, r);
}
static inline vf v_sigmoid(vf x) {
  vf s, sm;
  v_sigmoid2(x, &s, &sm);
  return s;
}

// tanh(x) = expm1(2x)/(expm1(2x)+2), accurate near 0; |x| >= 9 rounds to ±1.
static inline vf v_tanh(vf x) {
  vf a = vabs(x);
  a = sel(a > 9.0f, splat(9.0f), a);
  vf e = v_expm1(a + a);
  vf t = e / (e + 2.0f);
  return sel(is_nan(x), x, copysign_from(t, x));
}

#pragma GCC diagnostic pop
