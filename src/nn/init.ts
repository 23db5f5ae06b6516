/**
 * `nn.init`: in-place initialisers with PyTorch's formulas. Each fills a tensor (usually a
 * parameter) under `noGrad`, draws from the default generator (`dl.manualSeed` makes it
 * reproducible) and returns it.
 *
 * Fans follow PyTorch: for a tensor of shape [out, in, ...k], fanIn = in·∏k, fanOut = out·∏k.
 */
import { noGrad } from '../autograd/grad_mode.js';
import { defaultGenerator } from '../core/generator.js';
import { formatShape } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';
import { tensor } from '../ops/creation.js';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' |
  'conv_transpose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fanIn' | 'fanOut' | 'fan_in' | 'fan_out';

/**
 * The recommended gain for a nonlinearity (PyTorch's table): linear/conv/sigmoid 1, tanh 5/3,
 * relu √2, leaky_relu √(2/(1+slope²)) (slope defaults to 0.01), selu 3/4.
 *
 * @example
 * nn.init.calculateGain('leaky_relu', Math.sqrt(5)); // √(1/3)
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) throw new TypeError(`calculateGain: negative_slope ${slope} not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu': return 3 / 4;
    default: throw new Error(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * fan_in and fan_out of a weight of at least 2 dims.
 *
 * @example
 * nn.init.calculateFanInAndFanOut(dl.empty([256, 784])); // { fanIn: 784, fanOut: 256 }
 */
export function calculateFanInAndFanOut(t: Tensor): { fanIn: number; fanOut: number } {
  if (t.ndim < 2) throw new Error(`Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (shape ${formatShape(t.shape)})`);
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return { fanIn: t.shape[1] * receptive, fanOut: t.shape[0] * receptive };
}

function fanFor(t: Tensor, mode: FanMode): number {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  if (mode === 'fanIn' || mode === 'fan_in') return fanIn;
  if (mode === 'fanOut' || mode === 'fan_out') return fanOut;
  throw new Error(`Mode ${JSON.stringify(mode)} not supported, please use one of fanIn, fanOut`);
}

/** Write host values (row-major) into `t`. */
function writeHost(t: Tensor, values: ArrayLike<number>): Tensor {
  noGrad(() => {
    const src = tensor(Float32Array.from(values), { shape: t.shape });
    t.copy_(src);
    src.dispose();
  });
  return t;
}

/** Fill with U(a, b). @example nn.init.uniform_(w, -0.1, 0.1); */
export function uniform_(t: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => t.uniform_(a, b));
}

/** Fill with N(mean, std²). @example nn.init.normal_(w, 0, 0.02); */
export function normal_(t: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => t.normal_(mean, std));
}

/** Fill with `value`. @example nn.init.constant_(b, 0.1); */
export function constant_(t: Tensor, value: number): Tensor {
  return noGrad(() => t.fill_(value));
}

/** Fill with 0. @example nn.init.zeros_(bias); */
export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

/** Fill with 1. @example nn.init.ones_(gamma); */
export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/** Identity matrix (2-D only; rectangular allowed). @example nn.init.eye_(dl.empty([3, 5])); */
export function eye_(t: Tensor): Tensor {
  if (t.ndim !== 2) throw new Error(`eye_: only tensors with 2 dimensions are supported, got shape ${formatShape(t.shape)}`);
  const [rows, cols] = t.shape;
  const v = new Float32Array(rows * cols);
  for (let i = 0; i < Math.min(rows, cols); i++) v[i * cols + i] = 1;
  return writeHost(t, v);
}

/**
 * Glorot uniform: U(-a, a) with a = gain·√(6/(fanIn+fanOut)).
 *
 * @example
 * nn.init.xavierUniform_(w, nn.init.calculateGain('tanh'));
 */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  const a = Math.sqrt(3) * gain * Math.sqrt(2 / (fanIn + fanOut));
  return uniform_(t, -a, a);
}

/** Glorot normal: N(0, std²) with std = gain·√(2/(fanIn+fanOut)). @example nn.init.xavierNormal_(w); */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const { fanIn, fanOut } = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (leaky_relu only). Default 0. */
  a?: number;
  /** 'fanIn' (default) preserves the forward variance, 'fanOut' the backward one. */
  mode?: FanMode;
  /** Default 'leaky_relu' (with a = 0 that is ReLU's gain √2). */
  nonlinearity?: Nonlinearity;
}

function kaimingStd(t: Tensor, options: KaimingOptions): number {
  const fan = fanFor(t, options.mode ?? 'fanIn');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return gain / Math.sqrt(fan);
}

/**
 * He uniform: U(-b, b) with b = √3·gain/√fan.
 *
 * @example
 * nn.init.kaimingUniform_(w, { a: Math.sqrt(5) }); // Linear's default: b = 1/√fanIn
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  const bound = Math.sqrt(3) * kaimingStd(t, options);
  return uniform_(t, -bound, bound);
}

/** He normal: N(0, (gain/√fan)²). @example nn.init.kaimingNormal_(w, { mode: 'fanOut', nonlinearity: 'relu' }); */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.numel() === 0) return t;
  return normal_(t, 0, kaimingStd(t, options));
}

const normalCdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;

/** erf in double precision: Taylor series for |x| < 2.5, erfc continued fraction beyond. */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 100; n++) {
      term *= -ax * ax / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz), converges fast for |x| >= 2.5
  let f = ax;
  let c = ax;
  let d = 0;
  for (let n = 1; n < 200; n++) {
    const an = n / 2;
    d = ax + an * d;
    d = d === 0 ? 1e-300 : 1 / d;
    c = ax + an / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** Inverse of erf on (-1, 1): Giles' single-precision start refined by Newton steps in double. */
function erfinv(y: number): number {
  if (y <= -1) return -Infinity;
  if (y >= 1) return Infinity;
  let w = -Math.log((1 - y) * (1 + y));
  let x: number;
  if (w < 5) {
    w -= 2.5;
    let p = 2.81022636e-08;
    for (const c of [3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
    x = p * y;
  } else {
    w = Math.sqrt(w) - 3;
    let p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
    x = p * y;
  }
  for (let k = 0; k < 2; k++) x -= (erf(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
  return x;
}

/**
 * Truncated normal on [a, b] by PyTorch's inverse-CDF method: u ~ U(2Φ(α)-1, 2Φ(β)-1) with
 * α = (a-mean)/std, β = (b-mean)/std, then x = mean + std·√2·erfinv(u), clamped to [a, b].
 *
 * @example
 * nn.init.truncNormal_(w, 0, 0.02, -0.04, 0.04);
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  const lo = 2 * normalCdf((a - mean) / std) - 1;
  const hi = 2 * normalCdf((b - mean) / std) - 1;
  const n = t.numel();
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = lo + (hi - lo) * defaultGenerator.nextDouble();
    v[i] = Math.min(b, Math.max(a, mean + std * Math.SQRT2 * erfinv(u)));
  }
  return writeHost(t, v);
}

/**
 * A (semi-)orthogonal matrix times `gain` (Saxe et al.): QR of a standard-normal matrix by
 * Householder reflections in double precision on the host, with Q's columns signed so R has a
 * positive diagonal (the unique QR, as PyTorch makes it). Dims past the first are flattened.
 *
 * @example
 * const w = nn.init.orthogonal_(dl.empty([4, 4])); // w·wᵀ ≈ I
 */
export function orthogonal_(t: Tensor, gain = 1): Tensor {
  if (t.ndim < 2) throw new Error(`orthogonal_: only tensors with 2 or more dimensions are supported, got shape ${formatShape(t.shape)}`);
  if (t.numel() === 0) return t;
  const rows = t.shape[0];
  const cols = t.numel() / rows;
  // m × n with m >= n: the matrix we factor (transposed when rows < cols)
  const transposed = rows < cols;
  const m = transposed ? cols : rows;
  const n = transposed ? rows : cols;
  const A = new Float64Array(m * n);
  for (let i = 0; i < rows * cols; i++) A[i] = defaultGenerator.nextNormal();
  const a = (i: number, j: number): number => (transposed ? A[j * cols + i] : A[i * cols + j]);
  const R = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) R[i * n + j] = a(i, j);
  const Q = householderQ(R, m, n);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * Q[i * n + j];
      if (transposed) out[j * cols + i] = v;
      else out[i * cols + j] = v;
    }
  }
  return writeHost(t, out);
}

/** Thin Q (m × n, m >= n) of the QR of `R` (overwritten), with diag(R) made positive. */
function householderQ(R: Float64Array, m: number, n: number): Float64Array {
  const vs: Float64Array[] = [];
  for (let k = 0; k < n; k++) {
    const v = new Float64Array(m);
    let norm = 0;
    for (let i = k; i < m; i++) norm += R[i * n + k] ** 2;
    norm = Math.sqrt(norm);
    const alpha = R[k * n + k] > 0 ? -norm : norm;
    for (let i = k; i < m; i++) v[i] = R[i * n + k];
    v[k] -= alpha;
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i] * v[i];
    if (vnorm > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i] * R[i * n + j];
        const f = (2 * dot) / vnorm;
        for (let i = k; i < m; i++) R[i * n + j] -= f * v[i];
      }
    }
    vs.push(v);
  }
  // Q = H0 H1 ... H(n-1) applied to the first n columns of the identity
  const Q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) Q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    let vnorm = 0;
    for (let i = k; i < m; i++) vnorm += v[i] * v[i];
    if (vnorm === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * Q[i * n + j];
      const f = (2 * dot) / vnorm;
      for (let i = k; i < m; i++) Q[i * n + j] -= f * v[i];
    }
  }
  for (let j = 0; j < n; j++) {
    if (R[j * n + j] < 0) for (let i = 0; i < m; i++) Q[i * n + j] = -Q[i * n + j];
  }
  return Q;
}
