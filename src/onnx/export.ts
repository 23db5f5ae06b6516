/**
 * `dl.onnx.export(model, exampleInput, file, options)`: torch.onnx.export for dlflow modules.
 * The model runs `forward` on the example in eval mode without gradients while the tracer
 * (trace.ts) turns each op into ONNX nodes; parameters and buffers become initializers under
 * their state-dict names. With `dynamicBatch` (the default) the first dim of every input and
 * output is the symbolic `batch`: the model first runs at the example's batch size + 1 to
 * learn which sizes follow it.
 */
import * as fs from 'node:fs';
import { noGrad } from '../autograd/grad_mode.js';
import { defineOptions, isPlainObject, option, type OptionsInput, type ResolvedOptions } from '../base/options.js';
import { Tensor, tidy } from '../core/tensor.js';
import { writeFileAtomic } from '../io/atomic_write.js';
import type { Module } from '../nn/module.js';
import { setOpObserver } from '../ops/apply.js';
import { cat } from '../ops/join.js';
import { emitKernel } from './emit_kernels.js';
import { selfEmitterOf } from './emit_modules.js';
import { emitView } from './emit_views.js';
import { OnnxExportError } from './errors.js';
import { GraphBuilder, type Value } from './graph.js';
import { encodeModel, type ModelProto } from './proto.js';
import { symShape, type BatchSizes } from './shapes.js';
import { Tracer, untraced, viewOfTensor, withModuleHooks } from './trace.js';

/** The opset written (ONNX 1.12's checker knows up to 17; onnxruntime 1.30 runs it). */
export const ONNX_OPSET = 17;
/** IR version 8 (ONNX 1.10–1.12). */
export const ONNX_IR_VERSION = 8;

const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '');

export const EXPORT_OPTIONS = defineOptions('onnx.export', {
  /** The ONNX opset (default 17, the only one written). */
  opset: option.number({ default: ONNX_OPSET, integer: true, min: ONNX_OPSET, max: ONNX_OPSET }),
  /** First dim of inputs and outputs symbolic (`batch`), as torch's dynamic_axes {0: 'batch'} (default true). */
  dynamicBatch: option.boolean(true),
  /** Graph input names (default `input`, or `input_0`, `input_1`, … for several). */
  inputNames: option.custom<string[]>('a list of non-empty strings', isNames),
  /** Graph output names (default `output`, or `output_0`, …). */
  outputNames: option.custom<string[]>('a list of non-empty strings', isNames),
  /** Extra metadata_props entries. */
  metadata: option.custom<Record<string, string>>('an object of string values',
    (v): v is Record<string, string> => isPlainObject(v) && Object.values(v).every((s) => typeof s === 'string')),
  /** The graph's name (default the model's class name). */
  graphName: option.string(),
});

export type ExportOptions = OptionsInput<typeof EXPORT_OPTIONS>;

/** What tracing a model gives: the graph, with its inputs and outputs declared. */
export interface TracedGraph {
  graph: GraphBuilder;
  inputs: Value[];
  outputs: Value[];
}

/** The tensors of a forward's result (a tensor, or nested arrays of them: an LSTM's [out, [h, c]]). */
function flattenTensors(out: unknown, what: string): Tensor[] {
  if (out instanceof Tensor) return [out];
  if (Array.isArray(out)) return out.flatMap((o) => flattenTensors(o, what));
  throw new OnnxExportError(`${what} returned ${out === null ? 'null' : typeof out}; an exported forward returns tensors (or arrays of them)`);
}

/** The example batch with one more row (its first row repeated) for the recording run. */
function oneMore(t: Tensor): Tensor {
  if (t.ndim === 0) throw new OnnxExportError('a 0-d example input has no batch dim; export with dynamicBatch: false');
  return cat([t, t.narrow(0, 0, 1)], 0);
}

/**
 * Traces `model.forward(...inputs)` into a graph (eval mode, no gradients): the inputs become
 * graph inputs, the results graph outputs. Used by `export` and by run export (preprocessing
 * in front of the network).
 *
 * @example
 * const { graph, outputs } = traceToGraph(model, [dl.randn([2, 4])], new GraphBuilder(), { dynamicBatch: true });
 */
export function traceToGraph(model: Module, inputs: readonly Tensor[], graph: GraphBuilder,
  o: { dynamicBatch: boolean; inputNames?: readonly string[]; outputNames?: readonly string[]; inputValues?: readonly Value[] }): TracedGraph {
  const batch: BatchSizes = o.dynamicBatch ? { main: inputs[0].shape[0], alt: inputs[0].shape[0] + 1 } : { main: 1, alt: 1 };
  if (o.dynamicBatch && inputs.some((t) => t.ndim === 0 || t.shape[0] !== batch.main)) {
    throw new OnnxExportError(`every example input needs the same batch size as the first (${batch.main}) in dim 0 for dynamicBatch; got ${inputs.map((t) => `[${t.shape.join(', ')}]`).join(', ')}`);
  }
  const wasTraining = model.training;
  model.eval();
  let current: Tracer | null = null;
  try {
    return noGrad(() => tidy(() => withModuleHooks(model, () => current, selfEmitterOf, () => {
      let alt: { events: Tracer['recorded']; outputs: Tensor[] } | null = null;
      const altInputs = o.dynamicBatch ? untraced(() => inputs.map(oneMore)) : null;
      if (altInputs !== null) {
        const recorder = new Tracer(null, null, batch, emitKernel, emitView);
        current = recorder;
        setOpObserver(recorder);
        try {
          alt = { outputs: flattenTensors(model.forward(...altInputs), 'forward'), events: recorder.recorded };
        } finally {
          setOpObserver(null);
          current = null;
        }
      }
      const tracer = new Tracer(graph, alt?.events ?? null, batch, emitKernel, emitView);
      for (const [name, t] of [...model.namedParameters(), ...model.namedBuffers()]) {
        tracer.defineLazy(t, () => graph.initializer(name, t.dtype, t.shape, initializerData(t)));
      }
      const names = o.inputNames ?? (inputs.length === 1 ? ['input'] : inputs.map((_, i) => `input_${i}`));
      if (names.length !== inputs.length) throw new OnnxExportError(`inputNames has ${names.length} names for ${inputs.length} inputs`);
      const inputValues = inputs.map((t, i) => {
        const given = o.inputValues?.[i];
        if (given !== undefined) {
          tracer.define(viewOfTensor(t), given);
          return given;
        }
        return tracer.defineInput(names[i], t, altInputs?.[i] ?? null);
      });
      current = tracer;
      setOpObserver(tracer);
      let results: Tensor[];
      try {
        results = flattenTensors(model.forward(...inputs), 'forward');
      } finally {
        setOpObserver(null);
        current = null;
      }
      tracer.finish();
      const outNames = o.outputNames ?? (results.length === 1 ? ['output'] : results.map((_, i) => `output_${i}`));
      if (outNames.length !== results.length) throw new OnnxExportError(`outputNames has ${outNames.length} names for the ${results.length} outputs of forward`);
      const outputs = results.map((t, i) => {
        const altView = alt === null ? viewOfTensor(t) : viewOfTensor(alt.outputs[i]);
        const value = tracer.resolve(viewOfTensor(t), altView, [t], `output ${outNames[i]}`);
        const shape = symShape(t.shape, altView.shape, batch, `output ${outNames[i]}`);
        return graph.output({ ...value, shape }, outNames[i]);
      });
      return { graph, inputs: inputValues, outputs };
    })));
  } finally {
    model.train(wasTraining);
  }
}

function initializerData(t: Tensor): Float32Array | Int32Array | BigInt64Array | Uint8Array {
  const data = t.contiguous().dataSync();
  return t.dtype === 'bool' ? Uint8Array.from(data as Uint8Array) : data as Float32Array;
}

let version: string | undefined;

/** dlflow's version from package.json (next to src/ or dist/). */
export function producerVersion(): string {
  if (version === undefined) {
    try {
      version = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
    } catch {
      version = 'unknown';
    }
  }
  return version;
}

/** The ModelProto around a graph: IR 8, opset 17 (and ai.onnx.ml 3 when used), metadata. */
export function modelProto(graph: GraphBuilder, name: string, metadata: Readonly<Record<string, string>>, docString?: string): ModelProto {
  const opsets = [{ domain: '', version: ONNX_OPSET }];
  if (graph.domains.has('ai.onnx.ml')) opsets.push({ domain: 'ai.onnx.ml', version: 3 });
  return {
    ir_version: ONNX_IR_VERSION, opset_import: opsets, producer_name: 'dlflow', producer_version: producerVersion(),
    graph: graph.build(name, docString), metadata_props: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  };
}

function inputList(input: Tensor | readonly Tensor[]): Tensor[] {
  const list = input instanceof Tensor ? [input] : Array.isArray(input) ? [...input] : null;
  if (list === null || list.length === 0 || list.some((t) => !(t instanceof Tensor))) {
    throw new TypeError('onnx.export: the example input must be a tensor or a non-empty list of tensors');
  }
  return list;
}

function resolved(options: ExportOptions | undefined): ResolvedOptions<typeof EXPORT_OPTIONS> {
  return EXPORT_OPTIONS.parse(options);
}

/**
 * The ONNX bytes of `model` traced on `input` (see `export`).
 *
 * @example
 * const bytes = dl.onnx.exportBytes(new nn.Linear(4, 2), dl.randn([3, 4]));
 */
export function exportBytes(model: Module, input: Tensor | readonly Tensor[], options?: ExportOptions): Uint8Array {
  const o = resolved(options);
  const graph = new GraphBuilder();
  traceToGraph(model, inputList(input), graph, o);
  return encodeModel(modelProto(graph, o.graphName ?? model.constructor.name, { dlflow_version: producerVersion(), ...o.metadata }));
}

/**
 * Writes `model` as an ONNX file (atomically), traced on the example `input`, like
 * torch.onnx.export. Every op must have an ONNX equivalent; one that has none stops the export
 * with an `OnnxExportError` naming the op and the module path.
 *
 * @example
 * const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 3));
 * await dl.onnx.export(model, dl.randn([2, 4]), 'model.onnx', { opset: 17, dynamicBatch: true });
 */
export async function exportModel(model: Module, input: Tensor | readonly Tensor[], file: string, options?: ExportOptions): Promise<void> {
  await writeFileAtomic(file, exportBytes(model, input, options));
}
