/**
 * Exporting a trained run (what `dlflow export` writes): the network with its preprocessing in
 * front (preprocessing.ts) and the outputs a user wants — `label` and `probabilities` for
 * classification (softmax over the logits, or a sigmoid for one logit, as train/outputs.ts
 * scores them), `prediction` for regression (in target units: the target scaling undone), and the
 * network's `logits` — or,
 * with `preprocessing: false`, the network alone (`input` → `output`, the logits). Metadata:
 * dlflow's version, task, target, classes, and the inputs with their column kinds.
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { writeFileAtomic } from '../io/atomic_write.js';
import type { Preprocessing } from '../data/prepare/preprocessing.js';
import type { Module } from '../nn/module.js';
import { zeros } from '../ops/creation.js';
import { untraced } from './trace.js';
import { modelProto, producerVersion, traceToGraph } from './export.js';
import { OnnxExportError } from './errors.js';
import { int, strs, type GraphBuilder, type Value } from './graph.js';
import { GraphBuilder as Builder } from './graph.js';
import { preprocessingGraph, type RunInput } from './preprocessing.js';
import { encodeModel } from './proto.js';

/** What run export needs of a loaded run (cli/run/setup.ts `loadRun` gives it). */
export interface RunForExport {
  model: Module;
  info: {
    task: 'binary' | 'multiclass' | 'regression';
    inputShape: readonly number[];
    labels: readonly string[] | null;
    target: string;
    preprocessing: Preprocessing;
  };
}

const RUN_EXPORT_OPTIONS = defineOptions('exportRun', {
  /** Raw columns (or pixels) in, with the saved preprocessing inside the graph (default true). */
  preprocessing: option.boolean(true),
});

export type RunExportOptions = OptionsInput<typeof RUN_EXPORT_OPTIONS>;

/** A graph output of the exported run. */
export interface RunOutput {
  name: string;
  dtype: 'float32' | 'string';
  shape: (number | 'batch')[];
}

/** The bytes of an exported run, and its inputs and outputs. */
export interface ExportedRun {
  bytes: Uint8Array;
  inputs: RunInput[];
  outputs: RunOutput[];
}

/** A value's shape as RunOutput writes it: the batch dim first, by name. */
const batchShape = (v: Value): RunOutput['shape'] => ['batch', ...v.shape.slice(1).map((d) => (typeof d === 'number' ? d : 'batch' as const))];

function heads(g: GraphBuilder, logits: Value, run: RunForExport): RunOutput[] {
  const info = run.info;
  const N = logits.shape[0];
  if (info.task === 'regression') {
    const t = info.preprocessing.target;
    const first = g.op('Slice', [logits, g.constant('int64', [1], [0], 'starts'), g.constant('int64', [1], [1], 'ends'), g.constant('int64', [1], [1], 'axes')],
      { dtype: 'float32', shape: [N, 1] });
    const value = g.op('Add', [g.op('Mul', [first, g.scalar('float32', t.scale)], { dtype: 'float32', shape: [N, 1] }), g.scalar('float32', t.center)], { dtype: 'float32', shape: [N, 1] });
    g.output(value, 'prediction');
    return [{ name: 'prediction', dtype: 'float32', shape: ['batch', 1] }];
  }
  const labels = info.labels;
  if (labels === null) throw new OnnxExportError('a classification run without class labels in model.json');
  const cols = logits.shape[1];
  let probs: Value;
  if (cols === 1) {
    const p = g.op('Sigmoid', [logits], { dtype: 'float32', shape: [N, 1] });
    probs = g.op('Concat', [g.op('Sub', [g.scalar('float32', 1), p], { dtype: 'float32', shape: [N, 1] }), p], { dtype: 'float32', shape: [N, 2] }, { axis: int(1) });
  } else {
    probs = g.op('Softmax', [logits], { dtype: 'float32', shape: logits.shape }, { axis: int(1) });
  }
  const k = probs.shape[1] as number;
  if (k !== labels.length) throw new OnnxExportError(`the model gives ${k} class scores but the run has ${labels.length} labels`);
  const best = g.op('ArgMax', [probs], { dtype: 'int64', shape: [N] }, { axis: int(1), keepdims: int(0) });
  const label = g.op('LabelEncoder', [best], { dtype: 'string', shape: [N] }, {
    keys_int64s: { ints: labels.map((_, i) => i) }, values_strings: strs([...labels]), default_string: { s: '' },
  }, 'ai.onnx.ml');
  g.output(label, 'label');
  g.output(probs, 'probabilities');
  return [{ name: 'label', dtype: 'string', shape: ['batch'] }, { name: 'probabilities', dtype: 'float32', shape: ['batch', k] }];
}

/**
 * The ONNX bytes of a trained run, with its preprocessing unless `preprocessing: false`.
 *
 * @example
 * const { bytes, inputs, outputs } = exportRunBytes(await loadRun('runs/p'), { preprocessing: true });
 */
export function exportRunBytes(run: RunForExport, options: RunExportOptions = {}): ExportedRun {
  const withPre = RUN_EXPORT_OPTIONS.parse(options).preprocessing;
  const info = run.info;
  const g = new Builder();
  const example = untraced(() => zeros([2, ...info.inputShape]));
  let inputs: RunInput[];
  let outputs: RunOutput[];
  if (withPre) {
    const { features, inputs: declared } = preprocessingGraph(g, info.preprocessing, info.inputShape);
    const { outputs: [logits] } = traceToGraph(run.model, [example], g, { dynamicBatch: true, inputValues: [features], outputNames: ['logits'] });
    inputs = declared;
    // The network's raw scores stay an output too (what --no-preprocessing calls `output`).
    outputs = [...heads(g, logits, run), { name: 'logits', dtype: 'float32', shape: batchShape(logits) }];
  } else {
    const { outputs: [out] } = traceToGraph(run.model, [example], g, { dynamicBatch: true, inputNames: ['input'], outputNames: ['output'] });
    inputs = [{ name: 'input', dtype: 'float32', shape: ['batch', ...info.inputShape], kind: 'features' }];
    outputs = [{ name: 'output', dtype: 'float32', shape: batchShape(out) }];
  }
  example.dispose();
  const metadata: Record<string, string> = {
    dlflow_version: producerVersion(),
    task: info.task,
    target: info.target,
    classes: JSON.stringify(info.labels),
    preprocessing: withPre ? info.preprocessing.type : 'none',
    inputs: JSON.stringify(inputs),
    outputs: JSON.stringify(outputs),
  };
  if (info.preprocessing.type === 'table') metadata.columns = JSON.stringify(inputs.map((i) => ({ name: i.name, kind: i.kind, dtype: i.dtype })));
  const name = withPre ? 'dlflow_run' : 'dlflow_network';
  const bytes = encodeModel(modelProto(g, name, metadata));
  return { bytes, inputs, outputs };
}

/**
 * Writes a trained run as an ONNX file (atomically); returns its inputs and outputs. The
 * library function behind `dlflow export`.
 *
 * @example
 * const run = await loadRun('runs/penguins');
 * const { inputs, outputs } = await dl.onnx.exportRun(run, 'model.onnx', { preprocessing: true });
 */
export async function exportRun(run: RunForExport, file: string, options: RunExportOptions = {}): Promise<Omit<ExportedRun, 'bytes'>> {
  const { bytes, inputs, outputs } = exportRunBytes(run, options);
  await writeFileAtomic(file, bytes);
  return { inputs, outputs };
}
