/**
 * ONNX nodes for the view ops of ops/views.ts (applyView's names), read from the geometry of
 * the input and of the view: reshapes, permutations, broadcasts, slices and selections. A view
 * op not listed here is an error naming it.
 */
import type { View } from '../backends/ops.js';
import { int, ints, type Value } from './graph.js';
import { symPosition } from './shapes.js';
import type { ViewContext, ViewEmit } from './trace.js';

/** INT64_MAX as ONNX's Slice reads "to the end" (exact as a double). */
const TO_END = 2 ** 63;

function reshape(c: ViewContext): Value {
  const shape = c.outShape();
  return c.g.op('Reshape', [c.x, c.g.shapeTensor(shape, true)], { dtype: c.x.dtype, shape });
}

function permute(c: ViewContext): Value {
  const x = c.xView;
  const o = c.outView;
  const used = new Set<number>();
  const perm = o.shape.map((d, i) => {
    const j = x.shape.findIndex((s, k) => !used.has(k) && s === d && (x.strides[k] === o.strides[i] || d === 1));
    if (j < 0) c.fail('a permutation whose dims cannot be matched');
    used.add(j);
    return j;
  });
  return c.g.op('Transpose', [c.x], { dtype: c.x.dtype, shape: perm.map((p) => c.x.shape[p]) }, { perm: ints(perm) });
}

function expand(c: ViewContext): Value {
  const shape = c.outShape();
  return c.g.op('Expand', [c.x, c.g.shapeTensor(shape)], { dtype: c.x.dtype, shape });
}

/** The dim a slice changed (size or stride), or -1 when it changed none. */
function slicedDim(x: View, o: View, c: ViewContext): number {
  const dims = x.shape.map((_, d) => d).filter((d) => x.shape[d] !== o.shape[d] || (o.shape[d] > 1 && x.strides[d] !== o.strides[d]));
  if (dims.length > 1) c.fail('a slice along several dims at once');
  return dims.length === 0 ? -1 : dims[0];
}

function slice(c: ViewContext): Value {
  const d = slicedDim(c.xView, c.outView, c);
  if (d < 0 && c.xView.offset === c.outView.offset) return c.x;
  const dim = d < 0 ? 0 : d;
  const startOf = (x: View, o: View): number => (x.strides[dim] === 0 || o.shape[dim] === 0 ? 0 : (o.offset - x.offset) / x.strides[dim]);
  const stepOf = (x: View, o: View): number => (o.shape[dim] > 1 && x.strides[dim] !== 0 ? o.strides[dim] / x.strides[dim] : 1);
  const s1 = startOf(c.xView, c.outView), s2 = startOf(c.xAlt, c.outAlt);
  const step = stepOf(c.xView, c.outView);
  const e1 = s1 + c.outView.shape[dim] * step, e2 = s2 + c.outAlt.shape[dim] * step;
  const size1 = c.xView.shape[dim], size2 = c.xAlt.shape[dim];
  const start = symPosition(s1, s2, size1, size2, c.describe);
  const end = e1 >= size1 && e2 >= size2 ? TO_END : symPosition(e1, e2, size1, size2, c.describe);
  const g = c.g;
  const shape = c.outShape();
  return g.op('Slice', [c.x, g.constant('int64', [1], [start], 'starts'), g.constant('int64', [1], [end], 'ends'),
    g.constant('int64', [1], [dim], 'axes'), g.constant('int64', [1], [step], 'steps')], { dtype: c.x.dtype, shape });
}

function select(c: ViewContext): Value {
  const x = c.xView;
  const o = c.outView;
  for (let d = 0; d < x.shape.length; d++) {
    const rest = (v: readonly number[]): number[] => v.filter((_, i) => i !== d);
    const same = rest(x.shape).every((n, i) => n === o.shape[i] && (n === 1 || rest(x.strides)[i] === o.strides[i]));
    if (!same) continue;
    const delta = o.offset - x.offset;
    const index = x.strides[d] === 0 ? 0 : delta / x.strides[d];
    if (!Number.isInteger(index) || index < 0 || index >= x.shape[d]) continue;
    const altIndex = c.xAlt.strides[d] === 0 ? 0 : (c.outAlt.offset - c.xAlt.offset) / c.xAlt.strides[d];
    const at = symPosition(index, altIndex, x.shape[d], c.xAlt.shape[d], c.describe);
    return c.g.op('Gather', [c.x, c.g.constant('int64', [], [at], 'index')], { dtype: c.x.dtype, shape: c.outShape() }, { axis: int(d) });
  }
  return c.fail('a selection whose dim cannot be found');
}

const VIEWS: Readonly<Record<string, (c: ViewContext) => Value>> = {
  View: reshape, Squeeze: reshape, Unsqueeze: reshape,
  Permute: permute, Transpose: (c) => c.x, Alias: (c) => c.x,
  Expand: expand, Narrow: slice, Slice: slice, Select: select,
};

/** Emits one view op (the tracer's entry point). */
export const emitView: ViewEmit = (c, name) => {
  const emitter = Object.hasOwn(VIEWS, name) ? VIEWS[name] : undefined;
  if (emitter === undefined) return c.fail(`the view op ${name} has no ONNX emitter`);
  return emitter(c);
};
