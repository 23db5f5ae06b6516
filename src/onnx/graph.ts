/**
 * Building an ONNX graph: unique value names, nodes with typed attributes, initializers and
 * constants, graph inputs and outputs with symbolic batch dims, and pruning of whatever the
 * outputs do not need (tracing records ops that only a backward pass or a discarded view used).
 */
import { ATTRIBUTE_TYPE, ONNX_DTYPE, type AttributeProto, type DimProto, type ElemType, type GraphProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.js';

/** A dim of a traced value: fixed, or `k` times the batch size (`{ k: 1 }` is the batch dim). */
export type Dim = number | { readonly k: number };

/** A value of the graph: its name, element type and (symbolic) shape. */
export interface Value {
  readonly name: string;
  readonly dtype: ElemType;
  readonly shape: readonly Dim[];
}

/** A node attribute, tagged with its ONNX type. */
export type Attr =
  | { readonly i: number } | { readonly f: number } | { readonly s: string }
  | { readonly ints: readonly number[] } | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] } | { readonly t: TensorProto };

export const int = (i: number): Attr => ({ i });
export const float = (f: number): Attr => ({ f });
export const str = (s: string): Attr => ({ s });
export const ints = (v: readonly number[]): Attr => ({ ints: v });
export const floats = (v: readonly number[]): Attr => ({ floats: v });
export const strs = (v: readonly string[]): Attr => ({ strings: v });

/** Data of a constant or initializer, by element type. */
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | readonly string[];

const utf8 = new TextEncoder();

/** The symbolic dim's name in graph inputs and outputs. */
export const BATCH_DIM_NAME = 'batch';

const isFixed = (d: Dim): d is number => typeof d === 'number';

/** A TensorProto of `dtype` and `dims` holding `data` (raw little-endian bytes; strings as string_data). */
export function tensorProto(name: string, dtype: ElemType, dims: readonly number[], data: TensorData): TensorProto {
  const t: TensorProto = { name, dims: [...dims], data_type: ONNX_DTYPE[dtype] };
  if (dtype === 'string') t.string_data = (data as readonly string[]).map((s) => utf8.encode(s));
  else {
    const view = data as Exclude<TensorData, readonly string[]>;
    t.raw_data = new Uint8Array(view.buffer, view.byteOffset, view.byteLength).slice();
  }
  return t;
}

function attributeProto(name: string, a: Attr): AttributeProto {
  if ('i' in a) return { name, type: ATTRIBUTE_TYPE.INT, i: a.i };
  if ('f' in a) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: a.f };
  if ('s' in a) return { name, type: ATTRIBUTE_TYPE.STRING, s: utf8.encode(a.s) };
  if ('ints' in a) return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...a.ints] };
  if ('floats' in a) return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: [...a.floats] };
  if ('strings' in a) return { name, type: ATTRIBUTE_TYPE.STRINGS, strings: a.strings.map((s) => utf8.encode(s)) };
  return { name, type: ATTRIBUTE_TYPE.TENSOR, t: a.t };
}

/** The typed array for numbers of an element type (constants). */
export function typedData(dtype: ElemType, values: readonly number[]): TensorData {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int32': return Int32Array.from(values);
    case 'int64': return BigInt64Array.from(values, (v) => BigInt(v));
    case 'bool': case 'uint8': return Uint8Array.from(values, (v) => (dtype === 'bool' ? (v !== 0 ? 1 : 0) : v));
    case 'string': throw new Error('typedData: strings are not numbers');
  }
}

/** Output spec of a node: element type and shape. */
export interface ValueSpec {
  readonly dtype: ElemType;
  readonly shape: readonly Dim[];
}

/**
 * One graph under construction. Nodes are added in execution order; `build` keeps those the
 * outputs need.
 *
 * @example
 * const g = new GraphBuilder();
 * const x = g.input('x', 'float32', [{ k: 1 }, 4]);
 * const [y] = g.node('Relu', [x], [{ dtype: 'float32', shape: x.shape }]);
 * g.output(y, 'y');
 */
export class GraphBuilder {
  readonly #names = new Set<string>();
  readonly #nodes: NodeProto[] = [];
  readonly #initializers = new Map<string, TensorProto>();
  readonly #inputs: ValueInfoProto[] = [];
  readonly #outputs: ValueInfoProto[] = [];
  readonly #constants = new Map<string, Value>();
  /** The batch size as an int64 [1] tensor, built once from the first graph input with a batch dim. */
  #batch: Value | null = null;
  #batchSource: { value: Value; axis: number } | null = null;
  /** Opset domains used besides the default one (ai.onnx.ml). */
  readonly domains = new Set<string>();

  /** A fresh name starting with `base` (names are ONNX's value identities, so never reused). */
  unique(base: string): string {
    const clean = base.replace(/[^A-Za-z0-9_.:/-]/g, '_') || 'v';
    let name = clean;
    for (let i = 1; this.#names.has(name); i++) name = `${clean}_${i}`;
    this.#names.add(name);
    return name;
  }

  /** A graph input; its `{ k }` dims become the symbolic `batch` dim. */
  input(name: string, dtype: ElemType, shape: readonly Dim[]): Value {
    if (this.#names.has(name)) throw new Error(`ONNX graph: duplicate input name ${JSON.stringify(name)}`);
    this.#names.add(name);
    const v: Value = { name, dtype, shape };
    this.#inputs.push(valueInfo(v));
    const axis = shape.findIndex((d) => !isFixed(d) && d.k === 1);
    if (axis >= 0 && this.#batchSource === null) this.#batchSource = { value: v, axis };
    return v;
  }

  /** Marks `v` as a graph output named `name` (through an Identity when the name differs). */
  output(v: Value, name: string): Value {
    let out = v;
    if (v.name !== name || this.#inputs.some((i) => i.name === name) || this.#initializers.has(name)) {
      if (this.#names.has(name)) throw new Error(`ONNX graph: output name ${JSON.stringify(name)} is already used`);
      this.#names.add(name);
      out = { name, dtype: v.dtype, shape: v.shape };
      this.#nodes.push({ name: `${name}_identity`, op_type: 'Identity', input: [v.name], output: [name], attribute: [] });
    }
    this.#outputs.push(valueInfo(out));
    return out;
  }

  /** An initializer named after `name` (state-dict names are kept when free). */
  initializer(name: string, dtype: ElemType, dims: readonly number[], data: TensorData): Value {
    const unique = this.unique(name);
    this.#initializers.set(unique, tensorProto(unique, dtype, dims, data));
    return { name: unique, dtype, shape: [...dims] };
  }

  /** A constant tensor (an initializer; small ones are shared by value). */
  constant(dtype: ElemType, dims: readonly number[], values: readonly number[] | TensorData, hint = 'const'): Value {
    const data = Array.isArray(values) && dtype !== 'string' ? typedData(dtype, values as number[]) : values as TensorData;
    const small = data.length <= 16;
    const key = small ? `${dtype}:${dims.join('x')}:${Array.from(data as ArrayLike<unknown>, String).join(',')}` : '';
    if (small && this.#constants.has(key)) return this.#constants.get(key)!;
    const v = this.initializer(hint, dtype, dims, data);
    if (small) this.#constants.set(key, v);
    return v;
  }

  /** A scalar constant of `dtype` (a 0-d tensor, which broadcasts). */
  scalar(dtype: ElemType, value: number): Value {
    return this.constant(dtype, [], [value], 'scalar');
  }

  /** Adds a node; returns its outputs as values of the given specs. */
  node(opType: string, inputs: readonly (Value | null)[], outputs: readonly ValueSpec[], attrs: Readonly<Record<string, Attr | undefined>> = {}, domain?: string): Value[] {
    const outs = outputs.map((o) => ({ name: this.unique(opType.toLowerCase()), dtype: o.dtype, shape: o.shape }));
    const attribute = Object.entries(attrs).filter((e): e is [string, Attr] => e[1] !== undefined).map(([k, a]) => attributeProto(k, a));
    if (domain !== undefined) this.domains.add(domain);
    this.#nodes.push({
      name: this.unique(`${opType}_node`), op_type: opType, ...(domain === undefined ? {} : { domain }),
      input: inputs.map((v) => (v === null ? '' : v.name)), output: outs.map((o) => o.name), attribute,
    });
    return outs;
  }

  /** A one-output node whose output has `spec`. */
  op(opType: string, inputs: readonly (Value | null)[], spec: ValueSpec, attrs: Readonly<Record<string, Attr | undefined>> = {}, domain?: string): Value {
    return this.node(opType, inputs, [spec], attrs, domain)[0];
  }

  /** The batch size as int64 [1], read from the graph input that has the batch dim. */
  batchSize(): Value {
    if (this.#batch !== null) return this.#batch;
    const src = this.#batchSource;
    if (src === null) throw new Error('ONNX graph: a batch-dependent shape without a graph input that has a batch dim');
    const shape = this.op('Shape', [src.value], { dtype: 'int64', shape: [src.value.shape.length] });
    this.#batch = this.op('Gather', [shape, this.constant('int64', [1], [src.axis])], { dtype: 'int64', shape: [1] }, { axis: int(0) });
    return this.#batch;
  }

  /**
   * A shape as an int64 1-D tensor: a constant when fixed, else assembled from the batch size.
   * With `inferOne`, a shape with a single batch-dependent dim writes it as -1 (Reshape infers it).
   */
  shapeTensor(shape: readonly Dim[], inferOne = false): Value {
    const symbolic = shape.filter((d) => !isFixed(d)).length;
    if (symbolic === 0 || (inferOne && symbolic === 1)) return this.constant('int64', [shape.length], shape.map((d) => (isFixed(d) ? d : -1)), 'shape');
    const parts = shape.map((d) => isFixed(d) ? this.constant('int64', [1], [d]) : d.k === 1 ? this.batchSize()
      : this.op('Mul', [this.batchSize(), this.constant('int64', [1], [d.k])], { dtype: 'int64', shape: [1] }));
    return this.op('Concat', parts, { dtype: 'int64', shape: [shape.length] }, { axis: int(0) });
  }

  /** The GraphProto with only the nodes and initializers the outputs depend on. */
  build(name: string, docString?: string): GraphProto {
    const needed = new Set(this.#outputs.map((o) => o.name));
    const kept: NodeProto[] = [];
    for (let i = this.#nodes.length - 1; i >= 0; i--) {
      const n = this.#nodes[i];
      if (!n.output.some((o) => needed.has(o))) continue;
      kept.push(n);
      for (const input of n.input) if (input !== '') needed.add(input);
    }
    kept.reverse();
    return {
      name, node: kept, initializer: [...this.#initializers.values()].filter((t) => needed.has(t.name!)),
      input: this.#inputs, output: this.#outputs, ...(docString === undefined ? {} : { doc_string: docString }),
    };
  }
}

function valueInfo(v: Value): ValueInfoProto {
  const dim: DimProto[] = v.shape.map((d) => (isFixed(d) ? { dim_value: d } : { dim_param: d.k === 1 ? BATCH_DIM_NAME : `${d.k}*${BATCH_DIM_NAME}` }));
  return { name: v.name, type: { tensor_type: { elem_type: ONNX_DTYPE[v.dtype], shape: { dim } } } };
}
