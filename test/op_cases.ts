/**
 * The op table shared by the backend conformance suite and the gradchecks: every op of the
 * engine, on odd and broadcast shapes, non-contiguous views, size-0 and size-1 dims, and large
 * values where stability matters.
 */
import * as dl from '../src/index.js';

/** How to fill an input. */
/**
 * 'ties' rounds to halves (equal values on purpose); 'distinct' is a shuffled grid of values
 * 0.01 apart, so no two are within a gradcheck's ±eps of each other (max and sort kinks).
 */
export type InputKind = 'normal' | 'positive' | 'unit' | 'large' | 'index' | 'mask' | 'ties' | 'distinct';

export interface InputSpec {
  shape: number[];
  kind?: InputKind;
  /** For index inputs: the exclusive upper bound of values. */
  high?: number;
  /** Inputs that require grad (float only). Defaults to true for float kinds. */
  grad?: boolean;
}

export interface OpCase {
  name: string;
  inputs: InputSpec[];
  fn: (...xs: dl.Tensor[]) => dl.Tensor | dl.Tensor[];
  /** Relative tolerance vs the reference backend (default 1e-5). */
  rtol?: number;
  /** Skip the finite-difference check (non-differentiable or kinked at random points). */
  noGradcheck?: boolean;
}

/** Deterministic input data for a spec. */
export function makeInput(spec: InputSpec, seed: number): dl.Tensor {
  const gen = new dl.Generator(seed);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const kind = spec.kind ?? 'normal';
  if (kind === 'index') {
    const v = new BigInt64Array(n);
    for (let i = 0; i < n; i++) v[i] = BigInt(gen.nextInt(0, spec.high ?? 2));
    return dl.tensor(v, { shape: spec.shape });
  }
  if (kind === 'mask') {
    const v = new Uint8Array(n);
    for (let i = 0; i < n; i++) v[i] = gen.nextFloat() < 0.5 ? 1 : 0;
    return dl.tensor(v, { shape: spec.shape, dtype: 'bool' });
  }
  const v = new Float32Array(n);
  if (kind === 'distinct') {
    for (let i = 0; i < n; i++) v[i] = (i - n / 2) * 0.01;
    for (let i = n - 1; i > 0; i--) {
      const j = gen.nextInt(0, i + 1);
      [v[i], v[j]] = [v[j], v[i]];
    }
    return dl.tensor(v, { shape: spec.shape, requiresGrad: spec.grad ?? true });
  }
  for (let i = 0; i < n; i++) {
    const z = gen.nextNormal();
    v[i] = kind === 'positive' ? 0.5 + Math.abs(z) : kind === 'unit' ? gen.nextFloat() * 1.8 - 0.9
      : kind === 'large' ? z * 1e4 : kind === 'ties' ? Math.round(z * 2) / 2 : z;
  }
  return dl.tensor(v, { shape: spec.shape, requiresGrad: spec.grad ?? true });
}

const f = (shape: number[], kind: InputKind = 'normal', grad = true): InputSpec => ({ shape, kind, grad });
const idx = (shape: number[], high: number): InputSpec => ({ shape, kind: 'index', high, grad: false });
const mask = (shape: number[]): InputSpec => ({ shape, kind: 'mask', grad: false });

const unaryNames = ['neg', 'abs', 'exp', 'expm1', 'sin', 'cos', 'tanh', 'sigmoid', 'relu', 'silu', 'softplus', 'erf', 'square'] as const;
const positiveUnary = ['log', 'log1p', 'sqrt', 'rsqrt', 'reciprocal'] as const;

export const OP_CASES: OpCase[] = [
  ...unaryNames.map((name): OpCase => ({
    name, inputs: [f([3, 7])], fn: (x) => x[name](), noGradcheck: name === 'abs' || name === 'relu',
  })),
  ...unaryNames.map((name): OpCase => ({
    name: `${name} (transposed view)`, inputs: [f([5, 4])], fn: (x) => x.t()[name](), noGradcheck: true,
  })),
  ...positiveUnary.map((name): OpCase => ({ name, inputs: [f([4, 5], 'positive')], fn: (x) => x[name]() })),
  { name: 'gelu', inputs: [f([6, 5])], fn: (x) => x.gelu() },
  { name: 'gelu tanh', inputs: [f([6, 5])], fn: (x) => x.gelu('tanh') },
  { name: 'sign/floor/ceil/round/trunc', inputs: [f([4, 6], 'normal', false)], fn: (x) => [x.sign(), x.floor(), x.ceil(), x.round(), x.trunc()], noGradcheck: true },
  { name: 'predicates', inputs: [f([3, 3], 'normal', false)], fn: (x) => [x.div(0).isnan(), x.div(0).isinf(), x.isfinite(), x.gt(0).logicalNot()], noGradcheck: true },
  { name: 'softplus large', inputs: [f([3, 4], 'large', false)], fn: (x) => x.softplus(), noGradcheck: true },
  { name: 'sigmoid/tanh large', inputs: [f([3, 4], 'large', false)], fn: (x) => [x.sigmoid(), x.tanh()], noGradcheck: true },
  // binary with broadcasting
  { name: 'add broadcast', inputs: [f([3, 1, 5]), f([4, 1])], fn: (a, b) => a.add(b) },
  { name: 'sub broadcast', inputs: [f([2, 3]), f([3])], fn: (a, b) => a.sub(b, 2) },
  { name: 'mul broadcast', inputs: [f([4, 1]), f([1, 5])], fn: (a, b) => a.mul(b) },
  { name: 'div broadcast', inputs: [f([3, 4]), f([4], 'positive')], fn: (a, b) => a.div(b) },
  { name: 'pow tensor', inputs: [f([3, 4], 'positive'), f([3, 4], 'unit')], fn: (a, b) => a.pow(b) },
  { name: 'pow scalar', inputs: [f([3, 4], 'positive')], fn: (a) => a.pow(2.5) },
  { name: 'scalar ops both orders', inputs: [f([5], 'positive')], fn: (a) => [a.add(2), a.sub(3), a.mul(-1.5), a.div(4), a.mul(0).add(7).sub(a), a.pow(3)] },
  { name: 'reverse scalar div', inputs: [f([5], 'positive')], fn: (a) => a.reciprocal().mul(3) },
  { name: 'maximum/minimum', inputs: [f([4, 5]), f([5])], fn: (a, b) => [a.maximum(b), a.minimum(b)], noGradcheck: true },
  { name: 'maximum ties', inputs: [f([6], 'ties'), f([6], 'ties')], fn: (a, b) => a.maximum(b), noGradcheck: true },
  { name: 'atan2', inputs: [f([3, 3]), f([3, 3], 'positive')], fn: (a, b) => a.atan2(b) },
  { name: 'remainder', inputs: [f([3, 3], 'normal', false), f([3, 3], 'positive', false)], fn: (a, b) => a.remainder(b), noGradcheck: true },
  { name: 'comparisons', inputs: [f([3, 4], 'ties', false), f([4], 'ties', false)], fn: (a, b) => [a.eq(b), a.ne(b), a.lt(b), a.le(b), a.gt(b), a.ge(b)], noGradcheck: true },
  { name: 'logical', inputs: [mask([3, 4]), mask([4])], fn: (a, b) => [a.logicalAnd(b), a.logicalOr(b), a.logicalXor(b), a.logicalNot()], noGradcheck: true },
  { name: 'clamp both', inputs: [f([4, 4])], fn: (x) => x.clamp(-0.5, 0.5), noGradcheck: true },
  { name: 'clamp min', inputs: [f([4, 4])], fn: (x) => x.clamp(0.1) , noGradcheck: true },
  { name: 'where', inputs: [mask([3, 4]), f([3, 4]), f([4])], fn: (c, a, b) => dl.where(c, a, b) },
  { name: 'maskedFill', inputs: [f([3, 4]), mask([4])], fn: (x, m) => x.maskedFill(m, -2) },
  // reductions
  { name: 'sum all', inputs: [f([3, 5])], fn: (x) => x.sum() },
  { name: 'sum dims keepdim', inputs: [f([2, 3, 4])], fn: (x) => x.sum([0, 2], { keepdim: true }) },
  { name: 'sum transposed', inputs: [f([4, 6])], fn: (x) => x.t().sum(1) },
  { name: 'sum size-0 dim', inputs: [f([0, 3])], fn: (x) => x.sum(0), noGradcheck: true },
  { name: 'mean', inputs: [f([3, 5])], fn: (x) => [x.mean(), x.mean(1), x.mean(0, { keepdim: true })] },
  { name: 'prod with zeros', inputs: [f([3, 4])], fn: (x) => x.mul(x.gt(0.8).logicalNot().float()).prod(1), noGradcheck: true },
  { name: 'prod', inputs: [f([3, 4], 'positive')], fn: (x) => x.prod(1) },
  { name: 'max/min dim', inputs: [f([4, 6])], fn: (x) => [x.max(1).values, x.max(1).indices, x.min(0).values, x.min(0).indices] },
  { name: 'max/min all', inputs: [f([4, 6])], fn: (x) => [x.max(), x.min()] },
  { name: 'amax ties', inputs: [f([3, 4], 'ties')], fn: (x) => x.amax(1), noGradcheck: true },
  { name: 'argmax/argmin', inputs: [f([5, 3], 'normal', false)], fn: (x) => [x.argmax(), x.argmax(0), x.argmin(1, { keepdim: true })], noGradcheck: true },
  { name: 'var/std', inputs: [f([4, 5])], fn: (x) => [x.var(), x.var(1), x.std(0, { unbiased: false }), x.var(1, { keepdim: true, correction: 0 })] },
  { name: 'logsumexp', inputs: [f([3, 6])], fn: (x) => x.logsumexp(1) },
  { name: 'logsumexp large', inputs: [f([3, 6], 'large')], fn: (x) => x.logsumexp(1), noGradcheck: true },
  { name: 'any/all', inputs: [mask([3, 4])], fn: (m) => [m.any(), m.all(1), m.any(0, { keepdim: true })], noGradcheck: true },
  // softmax
  { name: 'softmax', inputs: [f([3, 5])], fn: (x) => [x.softmax(1), x.softmax(0)] },
  { name: 'logSoftmax', inputs: [f([3, 5])], fn: (x) => [x.logSoftmax(1), x.logSoftmax(0)] },
  { name: 'softmax large', inputs: [f([3, 5], 'large')], fn: (x) => [x.softmax(1), x.logSoftmax(1)], noGradcheck: true },
  { name: 'softmax size-1 dim', inputs: [f([4, 1])], fn: (x) => x.softmax(1), noGradcheck: true },
  // linear algebra
  { name: 'matmul 2D', inputs: [f([5, 7]), f([7, 3])], fn: (a, b) => a.matmul(b) },
  { name: 'matmul transposed operands', inputs: [f([7, 5]), f([3, 7])], fn: (a, b) => a.t().matmul(b.t()) },
  { name: 'matmul vector cases', inputs: [f([4]), f([4, 3]), f([3])], fn: (v, m, w) => [v.matmul(m), m.matmul(w), w.matmul(w)] },
  { name: 'matmul batched broadcast', inputs: [f([2, 1, 3, 4]), f([5, 4, 2])], fn: (a, b) => a.matmul(b) },
  { name: 'matmul larger', inputs: [f([33, 65]), f([65, 17])], fn: (a, b) => a.matmul(b), rtol: 1e-4, noGradcheck: true },
  { name: 'bmm', inputs: [f([3, 2, 4]), f([3, 4, 5])], fn: (a, b) => a.bmm(b) },
  { name: 'matmul k=0', inputs: [f([3, 0], 'normal', false), f([0, 2], 'normal', false)], fn: (a, b) => a.matmul(b), noGradcheck: true },
  // shape and views
  { name: 'reshape/view/permute', inputs: [f([2, 3, 4])], fn: (x) => [x.reshape([4, 6]), x.permute([2, 0, 1]).reshape([-1]), x.view([6, 4]).t()] },
  { name: 'narrow/slice/select', inputs: [f([5, 6])], fn: (x) => [x.narrow(1, 1, 3), x.slice(0, 1, 5, 2), x.select(1, -1), x.index(null, [1, 6, 2])] },
  { name: 'expand/squeeze/unsqueeze/flatten', inputs: [f([3, 1])], fn: (x) => [x.expand([2, 3, 4]), x.squeeze(), x.unsqueeze(0).flatten()] },
  { name: 'contiguous of transposed', inputs: [f([3, 5])], fn: (x) => x.t().contiguous() },
  { name: 'cat/stack', inputs: [f([2, 3]), f([4, 3]), f([2, 3])], fn: (a, b, c) => [dl.cat([a, b, c], 0), dl.stack([a, c], 1)] },
  { name: 'split/chunk', inputs: [f([7, 2])], fn: (x) => [...x.split(3), ...x.chunk(2, 0), ...x.split([1, 6])] },
  // indexing
  { name: 'gather', inputs: [f([4, 5]), idx([4, 3], 5)], fn: (x, i) => x.gather(1, i) },
  { name: 'scatterAdd', inputs: [f([3, 5]), idx([3, 4], 5), f([3, 4])], fn: (x, i, s) => x.scatterAdd(1, i, s) },
  { name: 'indexSelect', inputs: [f([5, 3]), idx([7], 5)], fn: (x, i) => [x.indexSelect(0, i), x.indexSelect(1, i.remainder(3))] },
  { name: 'oneHot', inputs: [idx([6], 4)], fn: (i) => dl.oneHot(i, 4), noGradcheck: true },
  { name: 'sort/argsort/topk', inputs: [f([4, 6])], fn: (x) => [x.sort(1).values, x.sort(1).indices, x.sort(0, true).values, x.argsort(1), x.topk(3, 1).values, x.topk(2, 0, false).indices] },
  // composites
  { name: 'mlp step', inputs: [f([8, 6]), f([6, 5]), f([5])], fn: (x, w, b) => x.matmul(w).add(b).relu().square().mean(), noGradcheck: true },
  { name: 'cross entropy', inputs: [f([6, 4]), idx([6], 4)], fn: (x, y) => x.logSoftmax(1).gather(1, y.unsqueeze(1)).mean().neg() },
  {
    name: 'cross entropy fused (every reduction)', inputs: [f([6, 4]), idx([6], 4)],
    fn: (x, y) => (['none', 'sum', 'mean'] as const).map((reduction) => dl.nn.F.crossEntropy(x, y, { reduction })),
  },
  { name: 'linear fused', inputs: [f([5, 3]), f([4, 3]), f([4])], fn: (x, w, b) => [dl.nn.F.linear(x, w, b), dl.nn.F.linear(x, w)] },
  { name: 'linear fused, 3-D input', inputs: [f([2, 5, 3]), f([4, 3]), f([4])], fn: (x, w, b) => dl.nn.F.linear(x, w, b) },
  {
    name: 'linear + relu fused', inputs: [f([5, 3]), f([4, 3]), f([4])], noGradcheck: true,
    fn: (x, w, b) => [dl.nn.F.linearRelu(x, w, b), dl.nn.F.linearRelu(x, w), dl.nn.F.linearRelu(x.reshape([5, 1, 3]), w, b)],
  },
  // pooling (1-3 spatial dims, odd sizes, strides, padding, dilation, ceil mode, strided inputs)
  {
    name: 'maxPool2d k3 s2 p1 ceil (values, indices)', inputs: [f([2, 3, 7, 9])],
    fn: (x) => { const [y, i] = dl.nn.F.maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true }); return [y, i]; },
  },
  { name: 'maxPool1d k3 s2 p1 d2', inputs: [f([2, 3, 11])], fn: (x) => dl.nn.F.maxPool1d(x, 3, { stride: 2, padding: 1, dilation: 2 }) },
  { name: 'maxPool3d k2 s[1,2,2] ceil', inputs: [f([1, 2, 5, 4, 5])], fn: (x) => dl.nn.F.maxPool3d(x, 2, { stride: [1, 2, 2], ceilMode: true }) },
  { name: 'maxPool2d channels-last', inputs: [f([2, 7, 9, 3])], fn: (x) => dl.nn.F.maxPool2d(x.permute([0, 3, 1, 2]), [3, 2], { stride: [2, 1], padding: [1, 0] }) },
  // 'distinct' inputs: on normal ones this case once failed its gradcheck at a window whose two
  // largest values were 3e-4 apart, closer than the ±1e-3 probe (a kink, not a wrong gradient)
  { name: 'maxPool2d sliced view', inputs: [f([2, 3, 8, 10], 'distinct')], fn: (x) => dl.nn.F.maxPool2d(x.slice(3, 1, 10, 2), 2, { ceilMode: true }) },
  // the 2×2 stride-2 row kernels: 16-window blocks and their tail, odd sizes, ceil mode's
  // partial windows, floor mode's dropped row and column, strided and broadcast gradients
  {
    name: 'maxPool2d 2x2 odd sizes, ceil and floor (values, indices)', inputs: [f([2, 3, 9, 37], 'distinct')],
    fn: (x) => [...dl.nn.F.maxPool2d(x, 2, { ceilMode: true, returnIndices: true }), ...dl.nn.F.maxPool2d(x, 2, { returnIndices: true })],
  },
  {
    name: 'maxPool2d 2x2 transposed and broadcast gradients', inputs: [f([2, 2, 6, 35], 'distinct')],
    fn: (x) => [dl.nn.F.maxPool2d(x, 2).transpose(2, 3), dl.nn.F.maxPool2d(x, 2, { ceilMode: true }).mean()],
  },
  { name: 'maxPool2d 2x2 channels-last', inputs: [f([2, 7, 33, 3], 'distinct')], fn: (x) => dl.nn.F.maxPool2d(x.permute([0, 3, 1, 2]), 2, { ceilMode: true }) },
  {
    name: 'maxPool2d 2x2 NaN (log of negatives) and -inf', inputs: [f([2, 3, 6, 34], 'normal', false)], noGradcheck: true,
    fn: (x) => [...dl.nn.F.maxPool2d(x.log(), 2, { returnIndices: true }), ...dl.nn.F.maxPool2d(x.clamp(0, 1).log(), 2, { ceilMode: true, returnIndices: true })],
  },
  {
    // channels-last blocks of 16 channels (the 3 after the block run plane by plane)
    name: 'pooling channels-last, 16-channel blocks', inputs: [f([2, 7, 9, 19], 'distinct')],
    fn: (x) => {
      const xc = x.permute([0, 3, 1, 2]);
      return [...dl.nn.F.maxPool2d(xc, 3, { stride: 2, padding: 1, ceilMode: true, returnIndices: true }), dl.nn.F.avgPool2d(xc, 3, { stride: 2, padding: 1, countIncludePad: false }),
        dl.nn.F.adaptiveMaxPool2d(xc, [4, 3]), dl.nn.F.adaptiveAvgPool2d(xc, 1), dl.nn.F.maxPool1d(x.reshape([2, 63, 19]).permute([0, 2, 1]), 2)];
    },
  },
  {
    name: 'avgPool2d 2x2 odd sizes, ceil, divisor override', inputs: [f([2, 3, 9, 37])],
    fn: (x) => [dl.nn.F.avgPool2d(x, 2, { ceilMode: true }), dl.nn.F.avgPool2d(x, 2, { ceilMode: true, countIncludePad: false }),
      dl.nn.F.avgPool2d(x, 2, { divisorOverride: 3 }), dl.nn.F.avgPool2d(x.permute([0, 1, 3, 2]), 2).transpose(2, 3)],
  },
  { name: 'maxPool2d ties', inputs: [f([1, 2, 6, 6], 'ties')], fn: (x) => dl.nn.F.maxPool2d(x, 2, { stride: 1, returnIndices: true }), noGradcheck: true },
  { name: 'maxPool2d values only (no grad: no indices)', inputs: [f([2, 3, 7, 9], 'normal', false)], fn: (x) => [dl.nn.F.maxPool2d(x, 3, { stride: 2, padding: 1 }), dl.nn.F.adaptiveMaxPool2d(x, 4)], noGradcheck: true },
  {
    name: 'avgPool2d k3 s2 p1 ceil, with and without pad', inputs: [f([2, 3, 7, 9])],
    fn: (x) => [dl.nn.F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), dl.nn.F.avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
  },
  { name: 'avgPool1d k4 s3 p2', inputs: [f([2, 3, 13])], fn: (x) => dl.nn.F.avgPool1d(x, 4, { stride: 3, padding: 2 }) },
  { name: 'avgPool3d divisor override, channels-last', inputs: [f([1, 4, 5, 6, 2])], fn: (x) => dl.nn.F.avgPool3d(x.permute([0, 4, 1, 2, 3]), 2, { padding: 1, divisorOverride: 3 }) },
  {
    name: 'adaptive avg/max pooling 1d/2d/3d', inputs: [f([2, 3, 7, 9])],
    fn: (x) => [dl.nn.F.adaptiveAvgPool2d(x, [3, 5]), dl.nn.F.adaptiveMaxPool2d(x, [4, null]), dl.nn.F.adaptiveAvgPool1d(x.reshape([2, 3, 63]), 10),
      dl.nn.F.adaptiveMaxPool3d(x.reshape([2, 3, 7, 3, 3]), [2, 2, 3]), dl.nn.F.adaptiveAvgPool2d(x.permute([0, 1, 3, 2]), 1)],
  },
  // normalisation and resampling
  { name: 'batchNorm 4D training', inputs: [f([3, 4, 3, 5]), f([4]), f([4])], fn: (x, w, b) => dl.nn.F.batchNorm(x, null, null, { training: true, weight: w, bias: b }), rtol: 1e-4 },
  {
    // the fused kernel's layouts: unit-step rows with a tail after the 16-lane blocks, channels-last
    // (step C), [N, C], and a sliced input whose spatial dims do not merge (declined: reference)
    name: 'batchNorm training layouts', inputs: [f([2, 3, 11, 29]), f([2, 11, 29, 3]), f([6, 5]), f([3])], rtol: 1e-4,
    fn: (x, xl, a, w) => [dl.nn.F.batchNorm(x, null, null, { training: true, weight: w }), dl.nn.F.batchNorm(xl.permute([0, 3, 1, 2]), null, null, { training: true }),
      dl.nn.F.batchNorm(a, null, null, { training: true }), dl.nn.F.batchNorm(x.slice(3, 0, 29, 2), null, null, { training: true, bias: w })],
  },
  { name: 'groupNorm / instanceNorm', inputs: [f([2, 6, 3, 4]), f([6]), f([6])], fn: (x, w, b) => [dl.nn.F.groupNorm(x, 3, w, b), dl.nn.F.instanceNorm(x, { weight: w, bias: b })], rtol: 1e-4 },
  {
    name: 'interpolate nearest / bilinear', inputs: [f([1, 2, 4, 5])],
    fn: (x) => [dl.nn.F.interpolate(x, { scaleFactor: 2 }), dl.nn.F.interpolate(x, { size: [7, 3], mode: 'bilinear', alignCorners: true }), dl.nn.F.interpolate(x, { scaleFactor: 1.5, mode: 'bilinear' })],
  },
  // convolution (odd sizes, stride, dilation, groups, strided and channels-last inputs)
  {
    name: 'conv2d stride, padding, dilation', inputs: [f([2, 3, 7, 6]), f([4, 3, 3, 2]), f([4])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.conv2d(x, w, b, { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }),
  },
  { name: 'conv1d same, even kernel', inputs: [f([2, 3, 9]), f([2, 3, 4])], rtol: 1e-4, fn: (x, w) => dl.nn.F.conv1d(x, w, null, { padding: 'same' }) },
  {
    name: 'conv3d groups 2', inputs: [f([1, 4, 4, 3, 5]), f([2, 2, 2, 2, 3]), f([2])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.conv3d(x, w, b, { groups: 2, padding: 1, stride: [1, 2, 1] }),
  },
  { name: 'conv2d depthwise, multiplier 2', inputs: [f([2, 3, 6, 5]), f([6, 1, 3, 3])], rtol: 1e-4, fn: (x, w) => dl.nn.F.conv2d(x, w, null, { groups: 3, padding: 1 }) },
  {
    name: 'conv2d channels-last input', inputs: [f([2, 6, 5, 3]), f([4, 3, 3, 3]), f([4])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.conv2d(x.permute([0, 3, 1, 2]), w, b, { padding: 1 }),
  },
  {
    name: 'conv2d 1x1, channels-last input', inputs: [f([2, 4, 5, 3]), f([5, 3, 1, 1]), f([5])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.conv2d(x.permute([0, 3, 1, 2]), w, b),
  },
  {
    name: 'conv2d sliced, transposed input and permuted weight', inputs: [f([2, 5, 6, 7]), f([3, 2, 2, 3])], rtol: 1e-4,
    fn: (x, w) => dl.nn.F.conv2d(x.transpose(2, 3).narrow(1, 1, 3), w.permute([1, 0, 2, 3]), null, { stride: 2 }),
  },
  {
    name: 'conv2d + relu fused (Sequential)', inputs: [f([2, 3, 6, 5])], rtol: 1e-4, noGradcheck: true,
    fn: (x) => {
      dl.manualSeed(5);
      return new dl.nn.Sequential(new dl.nn.Conv2d(3, 4, 3, { padding: 1 }), new dl.nn.ReLU()).forward(x) as dl.Tensor;
    },
  },
  {
    name: 'convTranspose2d stride 2, output padding', inputs: [f([2, 4, 3, 4]), f([4, 3, 3, 3]), f([3])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
  },
  {
    name: 'convTranspose1d groups, dilation, stride 3', inputs: [f([2, 4, 5]), f([4, 2, 3])], rtol: 1e-4,
    fn: (x, w) => dl.nn.F.convTranspose1d(x, w, null, { groups: 2, dilation: 2, stride: 3 }),
  },
  {
    // 1080-term sums with outputs of size ~33: float32 accumulation error is ~1e-5 absolute
    name: 'conv2d over several column tiles', inputs: [f([1, 120, 10, 9]), f([4, 120, 3, 3])], rtol: 1e-3, noGradcheck: true,
    fn: (x, w) => dl.nn.F.conv2d(x, w, null, { padding: 1 }),
  },
  // the packed-panel paths of the native kernels (kernels_conv.cc): Cin = 1 with a 9-term K, the
  // stride-1 backward data run as a forward of the transposed problem (dilation, asymmetric
  // 'same', groups, channels-last, 3-d), padding wider than the kernel span (col2im instead),
  // and several row panels, K blocks and column panels over one image
  {
    name: 'conv2d Cin 1, 3×3 kernel, bias', inputs: [f([3, 1, 9, 11]), f([10, 1, 3, 3]), f([10])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.conv2d(x, w, b, { padding: 1 }),
  },
  {
    name: 'conv2d stride 1, dilation 2, 4 channels', inputs: [f([1, 4, 7, 6]), f([3, 4, 3, 3])], rtol: 1e-4,
    fn: (x, w) => dl.nn.F.conv2d(x, w, null, { padding: [2, 1], dilation: 2 }),
  },
  {
    name: 'conv2d same, even kernel, groups 2 of 4 channels', inputs: [f([2, 8, 7, 6]), f([6, 4, 2, 4]), f([6])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.conv2d(x, w, b, { padding: 'same', groups: 2 }),
  },
  {
    name: 'conv2d channels-last, 8 channels', inputs: [f([2, 5, 4, 8]), f([6, 8, 3, 3]), f([6])], rtol: 1e-4,
    fn: (x, w, b) => dl.nn.F.conv2d(x.permute([0, 3, 1, 2]), w, b, { padding: 1 }),
  },
  {
    name: 'conv2d padding wider than the kernel span', inputs: [f([2, 5, 4, 5]), f([4, 5, 1, 2])], rtol: 1e-4,
    fn: (x, w) => dl.nn.F.conv2d(x, w, null, { padding: [1, 2] }),
  },
  {
    name: 'conv3d stride 1, 4 channels', inputs: [f([1, 4, 3, 4, 5]), f([5, 4, 2, 3, 2])], rtol: 1e-4,
    fn: (x, w) => dl.nn.F.conv3d(x, w, null, { padding: 1 }),
  },
  {
    name: 'conv2d one image, several row panels, K blocks and column panels', inputs: [f([1, 24, 13, 12]), f([20, 24, 3, 3]), f([20])],
    rtol: 1e-3, noGradcheck: true,
    fn: (x, w, b) => dl.nn.F.conv2d(x, w, b, { padding: 1 }),
  },
  // recurrent layers (one recurrentSequence kernel per layer and direction): 19 units, one
  // 16-lane block and a tail; weights scaled so the gates are not saturated
  {
    name: 'lstm over a sequence: output, hN, cN from given h0, c0', inputs: [f([5, 3, 4]), f([76, 4]), f([76, 19]), f([76]), f([76]), f([1, 3, 19]), f([1, 3, 19])],
    rtol: 1e-4,
    fn: (x, wi, wh, bi, bh, h0, c0) => {
      const r = dl.nn.F.recurrent('lstm', x, [h0, c0], [[{ weightIh: wi.mul(0.3), weightHh: wh.mul(0.2), biasIh: bi, biasHh: bh }]]);
      return [r.output, ...r.state];
    },
  },
  {
    name: 'gru bidirectional, batchFirst, padded lengths', inputs: [f([3, 6, 4]), f([57, 4]), f([57, 19]), f([57]), f([57]), f([57, 4]), f([57, 19]), f([57]), f([57])],
    rtol: 1e-4,
    fn: (x, wi, wh, bi, bh, wi2, wh2, bi2, bh2) => {
      const w = (a: dl.Tensor, b: dl.Tensor, c: dl.Tensor, d: dl.Tensor) => ({ weightIh: a.mul(0.3), weightHh: b.mul(0.2), biasIh: c, biasHh: d });
      const r = dl.nn.F.recurrent('gru', x, null, [[w(wi, wh, bi, bh), w(wi2, wh2, bi2, bh2)]], { batchFirst: true, lengths: [6, 2, 4] });
      return [r.output, ...r.state];
    },
  },
  {
    name: 'rnn tanh and relu, two layers, a transposed input, no biases', inputs: [f([3, 7, 4]), f([5, 4]), f([5, 5]), f([5, 5]), f([5, 5])],
    rtol: 1e-4,
    fn: (x, wi, wh, wi2, wh2) => {
      const layers = [[{ weightIh: wi, weightHh: wh.mul(0.3), biasIh: null, biasHh: null }], [{ weightIh: wi2, weightHh: wh2.mul(0.3), biasIh: null, biasHh: null }]];
      const input = x.transpose(0, 1);
      return [dl.nn.F.recurrent('rnnTanh', input, null, layers).output, dl.nn.F.recurrent('rnnRelu', input, null, layers).output];
    },
  },
  {
    name: 'pad in every mode', inputs: [f([2, 3, 4, 5])],
    fn: (x) => [dl.nn.F.pad(x, [2, 1, 0, 3], 'reflect'), dl.nn.F.pad(x, [1, 2], 'replicate'), dl.nn.F.pad(x, [3, 5, 1, 1], 'circular'), dl.nn.F.pad(x, [1, -2, 2, 0], 'constant', 0.5)],
  },
];
