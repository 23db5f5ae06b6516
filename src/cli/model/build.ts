/**
 * Building the model of a config: `auto` (the CNN for images `[C, H, W]` and volumes
 * `[C, D, H, W]`, the GRU forecaster for
 * series windows `[steps, inputs]`, the MLP otherwise), `mlp`, `cnn`, `gru`, a `layers` list, or a TypeScript/JavaScript Module file (loaded with a dynamic
 * import; tsx compiles .ts files).
 * The architecture is returned as JSON for model.json so evaluate/predict rebuild the same model.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as dl from '../../index.js';
import { Module } from '../../nn/module.js';
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { cnnLayers, cnnRank, gruLayers, mlpLayers } from './architectures.js';
import { resolveLayerList } from './layer_list.js';
import { buildSequential, type LayerSpec } from './layers.js';

/** What a model file receives. */
export interface ModelSpec {
  /** Values per example (the product of `inputShape`). */
  inputs: number;
  /** Shape of one example: `[C, H, W]` for images, `[C, D, H, W]` for volumes, `[features]` for tables. */
  inputShape: number[];
  outputs: number;
  hidden: number[];
  dropout: number;
  activation: string;
  batchNorm: boolean;
}

export type Architecture =
  | { kind: 'sequential'; layers: LayerSpec[] }
  | { kind: 'file'; file: string; spec: ModelSpec };

/** Default hidden sizes: wider for images (many inputs), small for tables. */
export function defaultHidden(inputs: number): number[] {
  return inputs >= 256 ? [256, 128] : [64, 32];
}

/** True when `v` is a class extending dlflow's Module. */
const isModuleClass = (v: unknown): v is new (spec: ModelSpec) => Module =>
  typeof v === 'function' && v.prototype instanceof Module;

/**
 * Loads a model file. Its default export is either a function `(dl, spec) => Module` (the form
 * `dlflow init` writes: no runtime import of dlflow needed) or a Module subclass constructed
 * with `spec`.
 */
export async function loadModelFile(file: string, spec: ModelSpec): Promise<Module> {
  const abs = path.resolve(file);
  if (!fs.existsSync(abs)) throw new UsageError(`model file not found: ${file}`);
  let mod: Record<string, unknown>;
  try {
    const url = pathToFileURL(abs).href;
    // tsx compiles TypeScript files whatever the package type around them (a .ts file outside an
    // ESM package is compiled as CommonJS: its exports then sit under `default`).
    mod = (/\.[cm]?ts$/.test(abs) ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url)) as Record<string, unknown>;
    const inner = mod.default as Record<string, unknown> | undefined;
    if (inner !== null && typeof inner === 'object' && 'default' in inner) mod = inner;
  } catch (e) {
    throw new UsageError(`cannot load model file ${file}: ${(e as Error).message.split('\n')[0]}`);
  }
  const exp = mod.default ?? mod.createModel;
  let model: unknown;
  if (isModuleClass(exp)) model = new exp(spec);
  else if (typeof exp === 'function') model = await (exp as (d: typeof dl, s: ModelSpec) => unknown)(dl, spec);
  else throw new UsageError(`model file ${file}: export default a function (dl, spec) => Module, or a Module class`);
  if (!(model instanceof Module)) {
    throw new UsageError(`model file ${file}: the default export did not produce an nn.Module (got ${model === null ? 'null' : typeof model}); did it import a second copy of dlflow? Use the (dl, spec) form`);
  }
  return model;
}

/** Builds a model from saved architecture JSON; `dir` resolves a copied model file. */
export async function modelFromArchitecture(arch: Architecture, dir = '.'): Promise<Module> {
  if (arch.kind === 'sequential') return buildSequential(arch.layers);
  return loadModelFile(path.resolve(dir, arch.file), arch.spec);
}

/** The layer list of a built-in architecture (`auto`, `mlp`, `cnn`, `layers`), or null for a model file. */
function builtInLayers(config: DlflowConfig, inputShape: readonly number[], outputs: number): LayerSpec[] | null {
  const m = config.model;
  const dropout = config.hyperparameters.dropout;
  const spatial = cnnRank(inputShape) !== null; // images or volumes
  const windows = inputShape.length === 2;
  const mlp = (): LayerSpec[] => mlpLayers(inputShape, m.hidden ?? defaultHidden(inputShape.reduce((a, b) => a * b, 1)), outputs, m.activation, dropout, m.batchNorm);
  const cnn = (): LayerSpec[] => cnnLayers(inputShape, outputs, { ...m.cnn, dropout: m.cnn.dropout ?? dropout });
  const gru = (): LayerSpec[] => gruLayers(inputShape, outputs, m.gru ?? { hidden: 32, layers: 1 });
  switch (m.arch) {
    case 'auto': return spatial ? cnn() : windows ? gru() : mlp();
    case 'mlp': return mlp();
    case 'gru':
      if (!windows) throw new UsageError(`model.arch 'gru' needs time-series windows [steps, inputs], but each example of this data is [${inputShape.join(', ')}]; use 'auto' or 'mlp'`);
      return gru();
    case 'cnn':
      if (!spatial) throw new UsageError(`model.arch 'cnn' needs images [C, H, W], but each example of this data is [${inputShape.join(', ')}]; use 'auto' or 'mlp' (a CNN also takes volumes [C, D, H, W])`);
      return cnn();
    case 'layers': return resolveLayerList(m.layers ?? [], inputShape, outputs);
    default: return null;
  }
}

/**
 * The model of a config for examples of `inputShape` and `outputs` units.
 *
 * @example
 * const { model, architecture } = await buildModel(config, [7], 3); // penguins: an MLP
 * await buildModel(config, [1, 28, 28], 10); // Fashion-MNIST: a CNN
 */
export async function buildModel(config: DlflowConfig, inputShape: readonly number[], outputs: number): Promise<{ model: Module; architecture: Architecture }> {
  const layers = builtInLayers(config, inputShape, outputs);
  if (layers !== null) return { model: buildSequential(layers), architecture: { kind: 'sequential', layers } };
  const m = config.model;
  if (!/\.(m?[jt]s)$/.test(m.arch)) {
    throw new UsageError(`invalid config: model.arch: expected 'auto', 'mlp', 'cnn', 'gru', 'layers' or a path to a .ts/.js Module file, found ${JSON.stringify(m.arch)}`);
  }
  const inputs = inputShape.reduce((a, b) => a * b, 1);
  const spec: ModelSpec = {
    inputs, inputShape: [...inputShape], outputs, hidden: m.hidden ?? defaultHidden(inputs), dropout: config.hyperparameters.dropout,
    activation: m.activation, batchNorm: m.batchNorm,
  };
  return { model: await loadModelFile(m.arch, spec), architecture: { kind: 'file', file: m.arch, spec } };
}
