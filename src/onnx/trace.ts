/**
 * Tracing a model's forward into an ONNX graph. The op observer of ops/apply.ts reports every
 * kernel launch and every view while `forward` runs; each is turned into ONNX nodes at once (the
 * emitters of emit_kernels.ts and emit_views.ts), while the buffers it read are still alive.
 *
 * Kernels see buffer views, not tensors, so the tracer keeps, per buffer, the geometries it
 * knows a value for (outputs, views, parameters, graph inputs), and finds the value behind each
 * view a kernel reads: the same geometry, a broadcast or a permutation of one (a linear layer's
 * transposed weight), the concatenation of pieces copied into a fresh buffer (cat, stack), or a
 * tensor made outside any op (a constant). A view it cannot explain is an error naming the op
 * and the module path, never a guess.
 *
 * With a symbolic batch the model first runs at batch B + 1 with the tracer only recording;
 * the second, emitting run at batch B pairs each op with its twin to learn which sizes follow
 * the batch (shapes.ts).
 */
import type { OpArgs, OpKind, View } from '../backends/ops.js';
import { OP_SIGNATURES } from '../backends/ops.js';
import type { DType } from '../base/dtype.js';
import { contiguousStrides, numel } from '../base/shape.js';
import type { Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import { setOpObserver, type OpObserver } from '../ops/apply.js';
import { OnnxExportError } from './errors.js';
import { int, ints, type Dim, type GraphBuilder, type Value } from './graph.js';
import { symShape, viewShape, type BatchSizes } from './shapes.js';

/** What one run records of each op, to pair the emitting run's ops with. */
export type TraceEvent =
  | { readonly type: 'kernel'; readonly name: string; readonly kind: OpKind; readonly args: unknown }
  | { readonly type: 'view'; readonly name: string; readonly x: View; readonly out: View }
  | { readonly type: 'module'; readonly path: string; readonly inputs: readonly View[]; readonly outputs: readonly View[] };

interface Entry {
  readonly geo: View;
  /** The storage the value was written to (a freed buffer's handle can come back with new contents). */
  readonly storage?: object;
  value: Value | null;
  /** Makes the value on first use (parameters become initializers only when read). */
  readonly make?: () => Value;
}

/** Where an op ran, for errors: the module path and class. */
interface Frame {
  readonly path: string;
  readonly type: string;
}

const sameGeometry = (a: View, b: View): boolean => a.offset === b.offset && a.shape.length === b.shape.length &&
  a.shape.every((d, i) => d === b.shape[i] && (d === 1 || a.strides[i] === b.strides[i]));

/** The view of a tensor as kernels see it. */
export function viewOfTensor(t: Tensor): View {
  return { buffer: t.storage.handle, dtype: t.dtype, shape: t.shape, strides: t.strides, offset: t.offset };
}

/** Runs `fn` with no op observer (reading a constant's data must not be traced). */
export function untraced<T>(fn: () => T): T {
  const previous = setOpObserver(null);
  try {
    return fn();
  } finally {
    setOpObserver(previous);
  }
}

/**
 * The tracer: an OpObserver that records (first run) or emits (second run).
 * Emitters reach it through `KernelContext` and `ViewContext`.
 */
export class Tracer implements OpObserver {
  readonly #entries = new Map<number, Entry[]>();
  /** Pieces copied into buffers without a value yet (cat's output), by buffer. */
  readonly #pending = new Map<number, { geo: View; value: Value }[]>();
  readonly #frames: Frame[] = [];
  readonly recorded: TraceEvent[] = [];
  #next = 0;
  #paused = 0;

  /**
   * @param g the graph emitted into; null: only record (the batch + 1 run)
   * @param alt the events of the recording run, paired by position (null: static shapes)
   */
  constructor(readonly g: GraphBuilder | null, readonly alt: readonly TraceEvent[] | null, readonly batch: BatchSizes,
    readonly kernelEmitter: KernelEmit, readonly viewEmitter: ViewEmit) {}

  // ------------------------------------------------------------------ where

  enter(path: string, type: string): void {
    this.#frames.push({ path, type });
  }

  leave(): void {
    this.#frames.pop();
  }

  /** `layers.3 (Linear)`, the innermost module running. */
  where(): string {
    const f = this.#frames[this.#frames.length - 1];
    return f === undefined ? 'the model' : f.path === '' ? `the model (${f.type})` : `module ${f.path} (${f.type})`;
  }

  fail(what: string, reason: string): never {
    throw new OnnxExportError(`cannot export ${what} in ${this.where()}: ${reason}`);
  }

  /** Runs `fn` with ops not observed (a module that emits itself runs its own forward this way). */
  paused<T>(fn: () => T): T {
    this.#paused++;
    try {
      return fn();
    } finally {
      this.#paused--;
    }
  }

  /** The recording run's twin of the next event (checked to be the same op). */
  #pair<E extends TraceEvent>(event: E, describe: string): E {
    const i = this.#next++;
    if (this.g === null) {
      this.recorded.push(event);
      return event;
    }
    if (this.alt === null) return event;
    const twin = this.alt[i];
    const same = twin !== undefined && twin.type === event.type && ('name' in twin ? twin.name === (event as { name?: string }).name : true) &&
      (twin.type !== 'kernel' || twin.kind === (event as { kind?: OpKind }).kind) && (twin.type !== 'module' || twin.path === (event as { path?: string }).path);
    if (!same) {
      this.fail(describe, `the forward pass ran other ops at batch size ${this.batch.alt} than at ${this.batch.main} (op #${i}); ` +
        'a model whose ops depend on the batch size exports only with dynamicBatch: false');
    }
    return twin as E;
  }

  /** Checks the emitting run ran as many ops as the recording one. */
  finish(): void {
    if (this.g !== null && this.alt !== null && this.#next !== this.alt.length) {
      throw new OnnxExportError(`the forward pass ran ${this.#next} ops at batch size ${this.batch.main} and ${this.alt.length} at ${this.batch.alt}; ` +
        'a model whose ops depend on the batch size exports only with dynamicBatch: false');
    }
  }

  // ------------------------------------------------------------------ observer

  kernel<K extends OpKind>(name: string, kind: K, args: OpArgs[K], inputs: readonly (Tensor | null)[], written: readonly Tensor[], into: boolean): void {
    if (this.#paused > 0) return;
    const describe = `op ${name} (kernel ${kind})`;
    const twin = this.#pair({ type: 'kernel', name, kind, args }, describe);
    if (this.g === null) return;
    const c = new KernelContext<K>(this, describe, args, twin.args as OpArgs[K], inputs);
    const outs = this.kernelEmitter(c, kind);
    const roles = OP_SIGNATURES[kind].views as Record<string, string>;
    for (const [field, value] of Object.entries(outs) as [string, Value][]) {
      const v = (args as Record<string, View>)[field];
      const storage = written.find((t) => t.storage.handle === v.buffer)?.storage;
      if (into || roles[field] === 'inout') this.write(v, value, describe, storage);
      else this.define(v, value, storage);
    }
  }

  view(name: string, x: Tensor, out: Tensor): void {
    if (this.#paused > 0) return;
    const xv = viewOfTensor(x);
    const ov = viewOfTensor(out);
    const twin = this.#pair({ type: 'view', name, x: xv, out: ov }, `view ${name}`);
    if (this.g === null) return;
    // a view of something without a value yet (a window of cat's output) is left alone: a
    // kernel reading through it later fails by name if it still cannot be explained
    const value = this.#known(xv, twin.x, []);
    if (value === null) return;
    const c = new ViewContext(this, `view ${name}`, value, xv, ov, twin.x, twin.out);
    this.addView(ov, this.viewEmitter(c, name));
  }

  /** A module that emits itself: its inputs' values, the outputs it emitted registered for later ops. */
  module(path: string, inputs: readonly Tensor[], outputs: readonly Tensor[], emit: (ins: Value[], outShapes: Dim[][]) => Value[]): void {
    const ins = inputs.map(viewOfTensor);
    const outs = outputs.map(viewOfTensor);
    const twin = this.#pair({ type: 'module', path, inputs: ins, outputs: outs }, `module ${path}`);
    if (this.g === null) return;
    const values = ins.map((v, i) => this.resolve(v, twin.inputs[i], inputs, `the input ${i} of ${this.where()}`));
    const shapes = outs.map((v, i) => viewShape(v, twin.outputs[i], this.batch, this.where()));
    const results = emit(values, shapes);
    for (const o of outs) this.#entries.delete(o.buffer);
    outs.forEach((o, i) => this.addView(o, results[i]));
  }

  // ------------------------------------------------------------------ values of views

  /** A graph input, a parameter or a fresh output: the value of this buffer from now on. */
  define(v: View, value: Value, storage?: object): void {
    this.#entries.set(v.buffer, [{ geo: v, value, storage }]);
    this.#pending.delete(v.buffer);
  }

  /** Another geometry of a buffer that has a value. */
  addView(v: View, value: Value): void {
    const list = this.#entries.get(v.buffer);
    if (list === undefined) this.#entries.set(v.buffer, [{ geo: v, value }]);
    else list.push({ geo: v, value });
  }

  /** A parameter or buffer of the model: an initializer named `name`, made when first read. */
  defineLazy(t: Tensor, make: () => Value): void {
    this.#entries.set(t.storage.handle, [{ geo: viewOfTensor(t), value: null, make, storage: t.storage }]);
  }

  /** A kernel wrote `value` into `v` of an existing buffer (in-place ops, cat's windows). */
  write(v: View, value: Value, describe: string, storage?: object): void {
    let list = this.#entries.get(v.buffer);
    // entries of an earlier storage that had this handle are stale: this one is a fresh allocation
    if (list !== undefined && storage !== undefined && list[0].storage !== storage) {
      this.#entries.delete(v.buffer);
      list = undefined;
    }
    if (list === undefined) {
      const pieces = this.#pending.get(v.buffer) ?? [];
      pieces.push({ geo: v, value });
      this.#pending.set(v.buffer, pieces);
      return;
    }
    if (sameGeometry(list[0].geo, v)) {
      this.define(v, value, storage);
      return;
    }
    this.fail(describe, 'an in-place write into part of a tensor that already holds values (ONNX values are immutable); write the result to a new tensor instead');
  }

  #materialize(e: Entry): Value {
    if (e.value === null) e.value = untraced(e.make!);
    return e.value;
  }

  /** The value of exactly this geometry or a permutation of one; null when the buffer has none. */
  #known(v: View, alt: View, inputs: readonly (Tensor | null)[]): Value | null {
    // pieces still being written (a window of cat's output) are left pending; the whole is assembled
    if (this.#pending.has(v.buffer) && !this.#assemble(v.buffer, '', v)) return null;
    try {
      return this.resolve(v, alt, inputs, '');
    } catch {
      return null;
    }
  }

  /**
   * The value behind view `v` (its twin `alt` from the recording run gives its symbolic shape),
   * shaped exactly as `v`; with `broadcast`, a value that broadcasts to `v` (NumPy rules) may
   * come back as it is, for ops that broadcast themselves.
   */
  resolve(v: View, alt: View, inputs: readonly (Tensor | null)[], what: string, broadcast = false): Value {
    this.#assemble(v.buffer, what);
    let list = this.#entries.get(v.buffer);
    if (list === undefined) {
      const t = inputs.find((x): x is Tensor => x !== null && !x.isDisposed && x.storage.handle === v.buffer);
      if (t === undefined) this.fail(what, `a tensor of shape [${v.shape.join(', ')}] that no traced op produced`);
      this.#entries.set(v.buffer, [{ geo: viewOfTensor(t), value: null, make: () => constantOf(this.g!, t), storage: t.storage }]);
      list = this.#entries.get(v.buffer)!;
    }
    for (let i = list.length - 1; i >= 0; i--) if (sameGeometry(list[i].geo, v)) return this.#materialize(list[i]);
    for (let i = list.length - 1; i >= 0; i--) {
      const derived = this.#derive(list[i], v, alt, broadcast, what);
      if (derived !== null) return derived;
    }
    return this.fail(what, `a view (shape [${v.shape.join(', ')}], strides [${v.strides.join(', ')}], offset ${v.offset}) that is not a broadcast, permutation or reshape of a traced value`);
  }

  /** v as a broadcast, permutation or contiguous reshape of entry e; null when it is none of those. */
  #derive(e: Entry, v: View, alt: View, broadcast: boolean, what: string): Value | null {
    const b = e.geo;
    if (b.offset !== v.offset) return null;
    const target = (): Dim[] => viewShape(v, alt, this.batch, what);
    const g = this.g!;
    // broadcast: trailing dims aligned, stride 0 where v repeats
    const lead = v.shape.length - b.shape.length;
    if (lead >= 0 && v.shape.every((d, i) => {
      const j = i - lead;
      if (j < 0) return v.strides[i] === 0 || d === 1;
      return (b.shape[j] === d && (b.strides[j] === v.strides[i] || d === 1)) || (b.shape[j] === 1 && (v.strides[i] === 0 || d === 1));
    })) {
      const value = this.#materialize(e);
      if (broadcast) return value;
      return g.op('Expand', [value, g.shapeTensor(target())], { dtype: value.dtype, shape: target() });
    }
    // permutation of the same dims
    if (v.shape.length === b.shape.length) {
      const used = new Set<number>();
      const perm: number[] = [];
      for (let i = 0; i < v.shape.length; i++) {
        let j = -1;
        for (let k = 0; k < b.shape.length; k++) {
          if (used.has(k) || b.shape[k] !== v.shape[i]) continue;
          if (b.strides[k] === v.strides[i] || v.shape[i] === 1) { j = k; break; }
        }
        if (j < 0) break;
        used.add(j);
        perm.push(j);
      }
      if (perm.length === v.shape.length) {
        const value = this.#materialize(e);
        return g.op('Transpose', [value], { dtype: value.dtype, shape: perm.map((p) => value.shape[p]) }, { perm: ints(perm) });
      }
    }
    // the same memory, both row-major: a reshape
    const rowMajor = (x: View): boolean => x.shape.every((d, i) => d === 1 || x.strides[i] === contiguousStrides(x.shape)[i]);
    if (rowMajor(b) && rowMajor(v) && numel(b.shape) === numel(v.shape)) {
      const value = this.#materialize(e);
      return g.op('Reshape', [value, g.shapeTensor(target(), true)], { dtype: value.dtype, shape: target() });
    }
    return null;
  }

  /** Pieces copied into a fresh buffer along one dim, in order, become one Concat (cat, stack). */
  #assemble(buffer: number, what: string, only?: View): boolean {
    const pieces = this.#pending.get(buffer);
    if (pieces === undefined) return false;
    const sorted = [...pieces].sort((a, b) => a.geo.offset - b.geo.offset);
    const first = sorted[0].geo;
    const rank = first.shape.length;
    for (let d = 0; d < rank; d++) {
      let ok = sorted.every((p) => p.geo.shape.length === rank && p.geo.strides.every((s, i) => i === d || s === first.strides[i] || p.geo.shape[i] === 1) &&
        p.geo.shape.every((n, i) => i === d || n === first.shape[i]));
      for (let i = 1; ok && i < sorted.length; i++) {
        const prev = sorted[i - 1].geo;
        ok = sorted[i].geo.offset === prev.offset + prev.shape[d] * first.strides[d];
      }
      if (!ok) continue;
      const shape = [...first.shape];
      shape[d] = sorted.reduce((n, p) => n + p.geo.shape[d], 0);
      const geo: View = { ...first, shape, strides: contiguousStrides(shape).map((s, i) => (i === d ? first.strides[d] : first.strides[i])) };
      if (only !== undefined && !sameGeometry(geo, only)) return false;
      this.#pending.delete(buffer);
      const values = sorted.map((p) => p.value);
      const outShape = values[0].shape.map((x, i) => (i === d ? sumDims(values.map((v) => v.shape[d])) : x));
      const value = sorted.length === 1 ? values[0] : this.g!.op('Concat', values, { dtype: values[0].dtype, shape: outShape }, { axis: int(d) });
      this.define(geo, value);
      return true;
    }
    if (only !== undefined) return false;
    this.#pending.delete(buffer);
    this.fail(what, 'pieces written into one tensor that are not consecutive along one dim (only cat/stack-like writes export)');
  }

  /** Graph input `t`, with its symbolic shape (its twin from the recording run). */
  defineInput(name: string, t: Tensor, alt: Tensor | null): Value {
    const shape = symShape(t.shape, alt?.shape ?? t.shape, this.batch, `input ${name}`);
    const value = this.g!.input(name, t.dtype, shape);
    this.define(viewOfTensor(t), value, t.storage);
    return value;
  }
}

/** Sum of dims (symbolic when one is). */
function sumDims(dims: readonly Dim[]): Dim {
  let fixed = 0, k = 0;
  for (const d of dims) if (typeof d === 'number') fixed += d; else k += d.k;
  if (k === 0) return fixed;
  if (fixed !== 0) throw new OnnxExportError('a concatenation of batch-dependent and fixed sizes along one dim; export with dynamicBatch: false');
  return { k };
}

/** A tensor made outside the traced ops (a literal in forward): an initializer with its data. */
function constantOf(g: GraphBuilder, t: Tensor): Value {
  const data = t.contiguous().dataSync();
  const dtype: DType = t.dtype;
  return g.constant(dtype, t.shape, dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : data as Float32Array, 'constant');
}

/** Emits the nodes of one kernel call; returns the values of the views it writes, by argument name. */
export type KernelEmit = <K extends OpKind>(c: KernelContext<K>, kind: K) => Partial<Record<string, Value>>;
/** Emits one view op; returns the value of the view. */
export type ViewEmit = (c: ViewContext, name: string) => Value;

/** What a kernel's emitter works with: its arguments (and their twins), their values, the graph. */
export class KernelContext<K extends OpKind> {
  constructor(readonly tracer: Tracer, readonly describe: string, readonly args: OpArgs[K], readonly alt: OpArgs[K],
    readonly inputs: readonly (Tensor | null)[]) {}

  get g(): GraphBuilder {
    return this.tracer.g!;
  }

  #view(field: string): [View, View] {
    const v = (this.args as Record<string, View>)[field];
    const a = (this.alt as Record<string, View>)[field];
    return [v, a];
  }

  /** The value of a view argument, shaped exactly as the view. */
  value(field: keyof OpArgs[K] & string): Value {
    const [v, a] = this.#view(field);
    return this.tracer.resolve(v, a, this.inputs, this.describe);
  }

  /** The value of a view argument that the ONNX op broadcasts itself (it may have fewer or size-1 dims). */
  operand(field: keyof OpArgs[K] & string): Value {
    const [v, a] = this.#view(field);
    return this.tracer.resolve(v, a, this.inputs, this.describe, true);
  }

  /** The symbolic shape of a view argument. */
  shape(field: keyof OpArgs[K] & string): Dim[] {
    const [v, a] = this.#view(field);
    return viewShape(v, a, this.tracer.batch, this.describe);
  }

  /** The dtype of a view argument. */
  dtype(field: keyof OpArgs[K] & string): DType {
    return this.#view(field)[0].dtype;
  }

  fail(reason: string): never {
    return this.tracer.fail(this.describe, reason);
  }
}

/** What a view op's emitter works with: the input value and both geometries (and their twins). */
export class ViewContext {
  constructor(readonly tracer: Tracer, readonly describe: string, readonly x: Value, readonly xView: View, readonly outView: View,
    readonly xAlt: View, readonly outAlt: View) {}

  get g(): GraphBuilder {
    return this.tracer.g!;
  }

  /** The symbolic shape of the view's output. */
  outShape(): Dim[] {
    return viewShape(this.outView, this.outAlt, this.tracer.batch, this.describe);
  }

  fail(reason: string): never {
    return this.tracer.fail(this.describe, reason);
  }
}

/**
 * Wraps the `forward` of `model` and every submodule for the duration of `fn`: each call pushes
 * its module path (for errors), and a module with an entry in `selfEmitting` runs its forward
 * unobserved and emits itself. Nothing stays patched afterwards.
 */
export function withModuleHooks<T>(model: Module, tracer: () => Tracer | null, selfEmitting: (m: Module) => SelfEmitter | null, fn: () => T): T {
  const patched: [Module, PropertyDescriptor | undefined][] = [];
  for (const [path, m] of model.namedModules()) {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const original = m.forward;
    const emitter = selfEmitting(m);
    Object.defineProperty(m, 'forward', {
      configurable: true, enumerable: false, writable: true,
      value: (...args: unknown[]) => {
        const t = tracer();
        if (t === null) return original.apply(m, args);
        t.enter(path, m.constructor.name);
        try {
          if (emitter === null) return original.apply(m, args);
          return emitter(t, path, m, args, () => t.paused(() => original.apply(m, args)));
        } finally {
          t.leave();
        }
      },
    });
    patched.push([m, own]);
  }
  try {
    return fn();
  } finally {
    for (const [m, own] of patched) {
      if (own === undefined) delete (m as unknown as Record<string, unknown>).forward;
      else Object.defineProperty(m, 'forward', own);
    }
  }
}

/** A module that maps to its own ONNX ops (recurrent layers): runs `run` for the outputs, emits through `tracer.module`. */
export type SelfEmitter = (tracer: Tracer, path: string, m: Module, args: unknown[], run: () => unknown) => unknown;
