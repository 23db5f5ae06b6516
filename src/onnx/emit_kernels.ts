/**
 * ONNX nodes for each kernel kind of the contract (backends/ops.ts), in a table typed by
 * `OpKind` — and, inside, by the unary and binary sub-ops — so a new kind or sub-op does not
 * compile until it says how it exports. `null`: no ONNX equivalent (gradient and optimizer
 * kernels, random fills), which stops the export with the op and module path.
 */
import type { BinaryOp, OpKind, PoolWindow, ReduceOp, UnaryOp, ViewField } from '../backends/ops.js';
import { int, ints, str, tensorProto, typedData, type Dim, type GraphBuilder, type Value, type ValueSpec } from './graph.js';
import type { KernelContext, KernelEmit } from './trace.js';

type Outs<K extends OpKind> = Partial<Record<ViewField<K>, Value>>;
type KernelEmitter<K extends OpKind> = (c: KernelContext<K>) => Outs<K>;

const like = (v: Value, shape: readonly Dim[] = v.shape): ValueSpec => ({ dtype: v.dtype, shape });
const boolSpec = (shape: readonly Dim[]): ValueSpec => ({ dtype: 'bool', shape });

function cast(g: GraphBuilder, v: Value, dtype: Value['dtype']): Value {
  if (v.dtype === dtype) return v;
  const to = { float32: 1, uint8: 2, int32: 6, int64: 7, string: 8, bool: 9, float64: 11 }[dtype];
  return g.op('Cast', [v], { dtype, shape: v.shape }, { to: int(to) });
}

/** One-input ops. */
const UNARY: { readonly [O in UnaryOp]: (g: GraphBuilder, x: Value) => Value } = {
  neg: (g, x) => g.op('Neg', [x], like(x)),
  abs: (g, x) => g.op('Abs', [x], like(x)),
  sign: (g, x) => g.op('Sign', [x], like(x)),
  square: (g, x) => g.op('Mul', [x, x], like(x)),
  reciprocal: (g, x) => g.op('Reciprocal', [x], like(x)),
  exp: (g, x) => g.op('Exp', [x], like(x)),
  expm1: (g, x) => g.op('Sub', [g.op('Exp', [x], like(x)), g.scalar(x.dtype, 1)], like(x)),
  log: (g, x) => g.op('Log', [x], like(x)),
  log1p: (g, x) => g.op('Log', [g.op('Add', [x, g.scalar(x.dtype, 1)], like(x))], like(x)),
  sqrt: (g, x) => g.op('Sqrt', [x], like(x)),
  rsqrt: (g, x) => g.op('Reciprocal', [g.op('Sqrt', [x], like(x))], like(x)),
  sin: (g, x) => g.op('Sin', [x], like(x)),
  cos: (g, x) => g.op('Cos', [x], like(x)),
  tanh: (g, x) => g.op('Tanh', [x], like(x)),
  sigmoid: (g, x) => g.op('Sigmoid', [x], like(x)),
  relu: (g, x) => g.op('Relu', [x], like(x)),
  // opset 17 has no Gelu (opset 20): x/2 · (1 + erf(x/√2))
  gelu: (g, x) => {
    const erf = g.op('Erf', [g.op('Mul', [x, g.scalar('float32', Math.SQRT1_2)], like(x))], like(x));
    return g.op('Mul', [g.op('Mul', [x, g.scalar('float32', 0.5)], like(x)), g.op('Add', [erf, g.scalar('float32', 1)], like(x))], like(x));
  },
  // x/2 · (1 + tanh(√(2/π) · (x + 0.044715 x³)))
  geluTanh: (g, x) => {
    const cube = g.op('Mul', [g.op('Mul', [x, x], like(x)), x], like(x));
    const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.scalar('float32', 0.044715)], like(x))], like(x)), g.scalar('float32', Math.sqrt(2 / Math.PI))], like(x));
    const t = g.op('Tanh', [inner], like(x));
    return g.op('Mul', [g.op('Mul', [x, g.scalar('float32', 0.5)], like(x)), g.op('Add', [t, g.scalar('float32', 1)], like(x))], like(x));
  },
  silu: (g, x) => g.op('Mul', [x, g.op('Sigmoid', [x], like(x))], like(x)),
  softplus: (g, x) => g.op('Softplus', [x], like(x)),
  erf: (g, x) => g.op('Erf', [x], like(x)),
  floor: (g, x) => g.op('Floor', [x], like(x)),
  ceil: (g, x) => g.op('Ceil', [x], like(x)),
  round: (g, x) => g.op('Round', [x], like(x)), // both round half to even
  trunc: (g, x) => g.op('Mul', [g.op('Sign', [x], like(x)), g.op('Floor', [g.op('Abs', [x], like(x))], like(x))], like(x)),
  isnan: (g, x) => (x.dtype === 'float32' ? g.op('IsNaN', [x], boolSpec(x.shape)) : g.op('Not', [g.op('Equal', [x, x], boolSpec(x.shape))], boolSpec(x.shape))),
  isinf: (g, x) => (x.dtype === 'float32' ? g.op('IsInf', [x], boolSpec(x.shape)) : g.op('Equal', [x, g.op('Add', [x, g.scalar(x.dtype, 1)], like(x))], boolSpec(x.shape))),
  isfinite: (g, x) => {
    if (x.dtype !== 'float32') return g.op('Equal', [x, x], boolSpec(x.shape));
    const bad = g.op('Or', [g.op('IsNaN', [x], boolSpec(x.shape)), g.op('IsInf', [x], boolSpec(x.shape))], boolSpec(x.shape));
    return g.op('Not', [bad], boolSpec(x.shape));
  },
  logicalNot: (g, x) => (x.dtype === 'bool' ? g.op('Not', [x], like(x)) : g.op('Equal', [x, g.scalar(x.dtype, 0)], boolSpec(x.shape))),
};

const asBool = (g: GraphBuilder, v: Value): Value => (v.dtype === 'bool' ? v : g.op('Not', [g.op('Equal', [v, g.scalar(v.dtype, 0)], boolSpec(v.shape))], boolSpec(v.shape)));

/** atan2(a, b) from Atan and the quadrant corrections (opset 17 has no Atan2). */
function atan2(g: GraphBuilder, a: Value, b: Value, spec: ValueSpec): Value {
  const f = (n: number): Value => g.scalar('float32', n);
  const base = g.op('Atan', [g.op('Div', [a, b], spec)], spec);
  const bNeg = g.op('Less', [b, f(0)], boolSpec(spec.shape));
  const aNeg = g.op('Less', [a, f(0)], boolSpec(spec.shape));
  const bZero = g.op('Equal', [b, f(0)], boolSpec(spec.shape));
  const aPos = g.op('Greater', [a, f(0)], boolSpec(spec.shape));
  const shifted = g.op('Where', [bNeg, g.op('Add', [base, g.op('Where', [aNeg, f(-Math.PI), f(Math.PI)], spec)], spec), base], spec);
  const onAxis = g.op('Where', [aPos, f(Math.PI / 2), g.op('Where', [aNeg, f(-Math.PI / 2), f(0)], spec)], spec);
  return g.op('Where', [bZero, onAxis, shifted], spec);
}

/** Two-input ops (a, b broadcast); null: gradient kernels. */
const BINARY: { readonly [O in BinaryOp]: ((g: GraphBuilder, a: Value, b: Value, out: ValueSpec) => Value) | null } = {
  add: (g, a, b, o) => g.op('Add', [a, b], o),
  sub: (g, a, b, o) => g.op('Sub', [a, b], o),
  mul: (g, a, b, o) => g.op('Mul', [a, b], o),
  div: (g, a, b, o) => g.op('Div', [a, b], o),
  pow: (g, a, b, o) => g.op('Pow', [a, b], o),
  maximum: (g, a, b, o) => g.op('Max', [a, b], o),
  minimum: (g, a, b, o) => g.op('Min', [a, b], o),
  atan2: (g, a, b, o) => atan2(g, a, b, o),
  // Python's remainder takes the divisor's sign: integers Mod (fmod 0); floats a − b·floor(a/b)
  remainder: (g, a, b, o) => (o.dtype === 'float32'
    ? g.op('Sub', [a, g.op('Mul', [b, g.op('Floor', [g.op('Div', [a, b], o)], o)], o)], o)
    : g.op('Mod', [a, b], o, { fmod: int(0) })),
  eq: (g, a, b, o) => g.op('Equal', [a, b], o),
  ne: (g, a, b, o) => g.op('Not', [g.op('Equal', [a, b], o)], o),
  lt: (g, a, b, o) => g.op('Less', [a, b], o),
  le: (g, a, b, o) => g.op('LessOrEqual', [a, b], o),
  gt: (g, a, b, o) => g.op('Greater', [a, b], o),
  ge: (g, a, b, o) => g.op('GreaterOrEqual', [a, b], o),
  logicalAnd: (g, a, b, o) => g.op('And', [asBool(g, a), asBool(g, b)], o),
  logicalOr: (g, a, b, o) => g.op('Or', [asBool(g, a), asBool(g, b)], o),
  logicalXor: (g, a, b, o) => g.op('Xor', [asBool(g, a), asBool(g, b)], o),
  reluBackward: null, sigmoidBackward: null, tanhBackward: null, geluBackward: null,
  geluTanhBackward: null, siluBackward: null, softplusBackward: null,
};

const REDUCE_NODE: { readonly [O in ReduceOp]: string } = {
  sum: 'ReduceSum', mean: 'ReduceMean', prod: 'ReduceProd', max: 'ReduceMax', min: 'ReduceMin',
  argmax: 'ArgMax', argmin: 'ArgMin', any: 'ReduceMax', all: 'ReduceMin', logsumexp: 'ReduceLogSumExp',
};

function reduce(g: GraphBuilder, op: ReduceOp, x: Value, dims: readonly number[], out: ValueSpec): Value {
  if (dims.length === 0) return cast(g, x, out.dtype);
  if (op === 'argmax' || op === 'argmin') return g.op(REDUCE_NODE[op], [x], out, { axis: int(dims[0]), keepdims: int(1), select_last_index: int(0) });
  if (op === 'any' || op === 'all') {
    const asInt = cast(g, asBool(g, x), 'int32');
    return cast(g, g.op(REDUCE_NODE[op], [asInt], { dtype: 'int32', shape: out.shape }, { axes: ints(dims), keepdims: int(1) }), 'bool');
  }
  // opset 13+: ReduceSum takes its axes as an input, the others (until opset 18) as an attribute
  if (op === 'sum') return g.op('ReduceSum', [x, g.constant('int64', [dims.length], dims, 'axes')], out, { keepdims: int(1) });
  return g.op(REDUCE_NODE[op], [x], out, { axes: ints(dims), keepdims: int(1) });
}

/** Pads after each spatial dim so that ONNX's floor-mode size formula gives the traced output size. */
function endPads(inSpatial: readonly Dim[], outSpatial: readonly Dim[], kernel: readonly number[], stride: readonly number[], padding: readonly number[], dilation: readonly number[]): number[] {
  return inSpatial.map((s, d) => {
    const o = outSpatial[d];
    if (typeof s !== 'number' || typeof o !== 'number') return padding[d];
    return Math.max(0, (o - 1) * stride[d] + dilation[d] * (kernel[d] - 1) + 1 - s - padding[d]);
  });
}

/**
 * Adaptive pooling whose windows differ in size (an input size not a multiple of the output
 * size): PyTorch's window i of a dim of size s pooled to o is [⌊i·s/o⌋, ⌈(i+1)·s/o⌉). A box's
 * max or mean is the max or mean over one dim after the other, so each dim becomes o slices
 * reduced and concatenated.
 */
function adaptiveWindows(g: GraphBuilder, x: Value, outSpatial: readonly number[], reduce: 'ReduceMax' | 'ReduceMean'): Value {
  let h = x;
  outSpatial.forEach((o, d) => {
    const axis = d + 2;
    const s = h.shape[axis] as number;
    const cells = Array.from({ length: o }, (_, i) => {
      const start = Math.floor((i * s) / o), end = Math.ceil(((i + 1) * s) / o);
      const shape = h.shape.map((n, a) => (a === axis ? end - start : n));
      const window = g.op('Slice', [h, g.constant('int64', [1], [start], 'starts'), g.constant('int64', [1], [end], 'ends'), g.constant('int64', [1], [axis], 'axes')], like(h, shape));
      return g.op(reduce, [window], like(h, shape.map((n, a) => (a === axis ? 1 : n))), { axes: ints([axis]), keepdims: int(1) });
    });
    h = o === 1 ? cells[0] : g.op('Concat', cells, like(h, h.shape.map((n, a) => (a === axis ? o : n))), { axis: int(axis) });
  });
  return h;
}

function pool(c: KernelContext<'pool'>): Outs<'pool'> {
  const { g, args } = c;
  const x = c.value('x');
  const outShape = c.shape('out');
  const spec = like(x, outShape);
  const w: PoolWindow = args.window;
  const inSpatial = x.shape.slice(2);
  const outSpatial = outShape.slice(2);
  const node = args.op === 'max' ? 'MaxPool' : 'AveragePool';
  if (w.type === 'adaptive') {
    if (outSpatial.every((o) => o === 1)) return { out: g.op(args.op === 'max' ? 'GlobalMaxPool' : 'GlobalAveragePool', [x], spec) };
    if (inSpatial.some((s, d) => typeof s !== 'number' || typeof outSpatial[d] !== 'number')) c.fail('adaptive pooling over a symbolic spatial size');
    const ins = inSpatial as number[], outs = outSpatial as number[];
    if (ins.every((s, d) => s % outs[d] === 0)) {
      const kernel = ins.map((s, d) => s / outs[d]);
      return { out: g.op(node, [x], spec, { kernel_shape: ints(kernel), strides: ints(kernel) }) };
    }
    return { out: adaptiveWindows(g, x, outs, args.op === 'max' ? 'ReduceMax' : 'ReduceMean') };
  }
  if (args.op === 'avg' && w.divisorOverride > 0) c.fail('average pooling with divisorOverride has no ONNX equivalent');
  if (args.op === 'avg' && w.dilation.some((d) => d !== 1)) c.fail('dilated average pooling needs opset 19');
  const end = endPads(inSpatial, outSpatial, w.kernel, w.stride, w.padding, w.dilation);
  if (args.op === 'avg' && w.countIncludePad && end.some((e, d) => e > w.padding[d])) {
    c.fail('ceil-mode average pooling that counts padding: ONNX would count the extra padding of the last window');
  }
  return {
    out: g.op(node, [x], spec, {
      kernel_shape: ints(w.kernel), strides: ints(w.stride), pads: ints([...w.padding, ...end]),
      ...(args.op === 'max' ? { dilations: ints(w.dilation) } : { count_include_pad: int(w.countIncludePad ? 1 : 0) }),
    }),
  };
}

/** Per-channel [C] → [1, C, 1, ...] for broadcasting over x [N, C, ...]. */
function perChannel(g: GraphBuilder, v: Value, rank: number): Value {
  const shape = [1, v.shape[0], ...new Array<number>(rank - 2).fill(1)];
  return g.op('Reshape', [v, g.constant('int64', [rank], shape as number[], 'shape')], like(v, shape));
}

/** Batch statistics normalisation (the kernel under layer, group and instance norm), composed. */
function batchNorm(c: KernelContext<'batchNorm'>): Outs<'batchNorm'> {
  const { g, args } = c;
  const x = c.value('x');
  const rank = x.shape.length;
  const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
  const statShape = x.shape.map((d, i) => (i === 1 ? d : 1));
  const mean = g.op('ReduceMean', [x], like(x, statShape), { axes: ints(axes), keepdims: int(1) });
  const centred = g.op('Sub', [x, mean], like(x));
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred], like(x))], like(x, statShape), { axes: ints(axes), keepdims: int(1) });
  const invstd = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [variance, g.scalar('float32', args.eps)], like(variance))], like(variance))], like(variance));
  let y = g.op('Mul', [centred, invstd], like(x));
  if (args.weight !== undefined) y = g.op('Mul', [y, perChannel(g, c.value('weight'), rank)], like(x));
  if (args.bias !== undefined) y = g.op('Add', [y, perChannel(g, c.value('bias'), rank)], like(x));
  const flat = (v: Value): Value => g.op('Reshape', [v, g.shapeTensor(c.shape('mean'), true)], like(v, c.shape('mean')));
  return { out: y, mean: flat(mean), variance: flat(variance) };
}

const notExportable = null;

/** Every kernel kind's emitter. */
export const KERNEL_EMITTERS: { readonly [K in OpKind]: KernelEmitter<K> | null } = {
  fill: (c) => {
    const dtype = c.dtype('out');
    const shape = c.shape('out');
    const value = tensorProto('value', dtype, [1], typedData(dtype, [c.args.value]));
    return { out: c.g.op('ConstantOfShape', [c.g.shapeTensor(shape)], { dtype, shape }, { value: { t: value } }) };
  },
  copy: (c) => ({ out: cast(c.g, c.value('x'), c.dtype('out')) }),
  unary: (c) => {
    const out = UNARY[c.args.op](c.g, c.value('x'));
    return { out: cast(c.g, out, c.dtype('out')) };
  },
  binary: (c) => {
    const rule = BINARY[c.args.op];
    if (rule === null) return c.fail(`${c.args.op} is a gradient kernel`);
    return { out: rule(c.g, c.operand('a'), c.operand('b'), { dtype: c.dtype('out'), shape: c.shape('out') }) };
  },
  binaryScalar: (c) => {
    const rule = BINARY[c.args.op];
    if (rule === null) return c.fail(`${c.args.op} is a gradient kernel`);
    const a = c.value('a');
    const s = c.g.scalar(a.dtype, c.args.scalar);
    const spec = { dtype: c.dtype('out'), shape: c.shape('out') };
    return { out: c.args.reverse ? rule(c.g, s, a, spec) : rule(c.g, a, s, spec) };
  },
  clamp: (c) => {
    const x = c.value('x');
    const bound = (v: number): Value | null => (Number.isFinite(v) || x.dtype === 'float32' ? (Number.isFinite(v) ? c.g.scalar(x.dtype, v) : null) : null);
    return { out: c.g.op('Clip', [x, bound(c.args.lo), bound(c.args.hi)], like(x)) };
  },
  where: (c) => ({ out: c.g.op('Where', [c.operand('cond'), c.operand('a'), c.operand('b')], { dtype: c.dtype('out'), shape: c.shape('out') }) }),
  reduce: (c) => ({ out: reduce(c.g, c.args.op, c.value('x'), c.args.dims, { dtype: c.dtype('out'), shape: c.shape('out') }) }),
  softmax: (c) => ({ out: c.g.op(c.args.log ? 'LogSoftmax' : 'Softmax', [c.value('x')], { dtype: 'float32', shape: c.shape('out') }, { axis: int(c.args.dim) }) }),
  matmul: (c) => {
    const spec: ValueSpec = { dtype: 'float32', shape: c.shape('out') };
    let y = c.g.op('MatMul', [c.operand('a'), c.operand('b')], spec);
    if (c.args.addend !== undefined) y = c.g.op('Add', [y, c.operand('addend')], spec);
    if (c.args.epilogue === 'relu') y = c.g.op('Relu', [y], spec);
    return { out: y };
  },
  gather: (c) => ({ out: c.g.op('GatherElements', [c.value('x'), c.value('index')], { dtype: c.dtype('out'), shape: c.shape('out') }, { axis: int(c.args.dim) }) }),
  scatterAdd: (c) => ({
    out: c.g.op('ScatterElements', [c.value('out'), c.value('index'), c.value('src')], { dtype: c.dtype('out'), shape: c.shape('out') }, { axis: int(c.args.dim), reduction: str('add') }),
  }),
  indexSelect: (c) => ({ out: c.g.op('Gather', [c.value('x'), c.value('index')], { dtype: c.dtype('out'), shape: c.shape('out') }, { axis: int(c.args.dim) }) }),
  indexAdd: notExportable,
  sort: (c) => {
    const x = c.value('x');
    const size = c.args.x.shape[c.args.dim];
    const [values, indices] = c.g.node('TopK', [x, c.g.constant('int64', [1], [size], 'k')], [like(x, c.shape('values')), { dtype: 'int64', shape: c.shape('indices') }],
      { axis: int(c.args.dim), largest: int(c.args.descending ? 1 : 0), sorted: int(1) });
    return { values, indices };
  },
  optimizerStep: notExportable,
  random: notExportable,
  crossEntropy: (c) => ({
    out: c.g.op('SoftmaxCrossEntropyLoss', [c.value('x'), cast(c.g, c.value('target'), 'int64')], { dtype: 'float32', shape: c.shape('out') }, { reduction: str(c.args.reduction) }),
  }),
  crossEntropyBackward: notExportable,
  conv: (c) => {
    const { g, args } = c;
    const x = c.value('x');
    const w = c.value('weight');
    const kernel = args.weight.shape.slice(2);
    const geo = args.geometry;
    const outShape = c.shape('out');
    const end = endPads(x.shape.slice(2), outShape.slice(2), kernel, geo.stride, geo.padding, geo.dilation);
    const spec = like(x, outShape);
    let y = g.op('Conv', [x, w, args.bias === undefined ? null : c.value('bias')], spec, {
      kernel_shape: ints(kernel), strides: ints(geo.stride), pads: ints([...geo.padding, ...end]), dilations: ints(geo.dilation), group: int(geo.groups),
    });
    if (args.epilogue === 'relu') y = g.op('Relu', [y], spec);
    return { out: y };
  },
  // the gradient of a convolution with respect to its input is a transposed convolution's forward
  convBackwardData: (c) => {
    const { g, args } = c;
    const x = c.value('grad');
    const kernel = args.weight.shape.slice(2);
    const geo = args.geometry;
    const inSpatial = args.grad.shape.slice(2);
    const outSpatial = args.out.shape.slice(2);
    const outputPadding = outSpatial.map((s, d) => s - ((inSpatial[d] - 1) * geo.stride[d] + geo.dilation[d] * (kernel[d] - 1) + 1 - 2 * geo.padding[d]));
    if (outputPadding.some((p) => p < 0)) c.fail('a transposed convolution whose output is cropped beyond its padding');
    return {
      out: g.op('ConvTranspose', [x, c.value('weight')], like(x, c.shape('out')), {
        kernel_shape: ints(kernel), strides: ints(geo.stride), pads: ints([...geo.padding, ...geo.padding]), dilations: ints(geo.dilation),
        group: int(geo.groups), output_padding: ints(outputPadding),
      }),
    };
  },
  convBackwardWeight: notExportable,
  pool,
  poolBackward: notExportable,
  batchNorm,
  batchNormBackward: notExportable,
  recurrentSequence: notExportable,
  recurrentSequenceBackward: notExportable,
};

/** Emits one kernel call (the tracer's entry point). */
export const emitKernel: KernelEmit = (c, kind) => {
  const emitter = KERNEL_EMITTERS[kind] as KernelEmitter<typeof kind> | null;
  if (emitter === null) return c.fail('it has no ONNX equivalent (a training, gradient or random kernel); export an eval-mode model');
  return emitter(c) as Partial<Record<string, Value>>;
};
