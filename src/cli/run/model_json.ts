/**
 * model.json: what evaluate, predict and summary need to rebuild and use a trained model. Read
 * back through a schema declared against the TypeScript types (a field added to `ModelInfo`, a
 * layer or a preprocessing kind does not compile until its schema entry exists), so a damaged
 * or hand-edited file is an error naming the file and the key, never a TypeError later on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { didYouMean } from '../../base/suggest.js';
import type { Tensor } from '../../core/tensor.js';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import type { Module } from '../../nn/module.js';
import type { LayerInfo } from '../../report/architecture_svg.js';
import type { TrainTask } from '../../train/types.js';
import type { Preprocessing } from '../../data/prepare/preprocessing.js';
import type { SeriesScaling } from '../../data/series/encode.js';
import type { TargetEncoding } from '../../data/prepare/target.js';
import type { DataSummary } from '../../data/prepare/types.js';
import type { DamagedFile, SkippedFiles } from '../../data/prepare/class_folder.js';
import type { FeatureTransform, PreprocessorJSON, Scaler, TargetTransform } from '../../data/preprocess/spec.js';
import { S, type Spec } from '../config/spec.js';
import { showValue, validate, type ConfigIssue } from '../config/validate.js';
import { readConfigFile } from '../config/load.js';
import { resolveConfig } from '../config/resolve.js';
import type { DlflowConfig } from '../config/types.js';
import { CliError, UsageError } from '../errors.js';
import type { Architecture, ModelSpec } from '../model/build.js';
import { ACTIVATIONS, type LayerSpec } from '../model/layers.js';
import { isPlainObject } from '../../base/options.js';

export interface ModelInfo {
  dlflow: string;
  /** `training` while running (a kill leaves this), then `complete`, `early_stopped`, `interrupted` or `nonfinite`. */
  status: 'training' | 'complete' | 'early_stopped' | 'interrupted' | 'nonfinite';
  message: string;
  created: string;
  task: TrainTask;
  loss: string;
  architecture: Architecture;
  /** Shape of one example (`[C, H, W]` for images, `[features]` for tables): evaluate and predict feed `[N, ...inputShape]`. */
  inputShape: number[];
  totalParams: number;
  /** Summary rows: layer name, type, output shape, parameters. */
  layers: LayerInfo[];
  /** Class names in output order (classification). */
  labels: string[] | null;
  target: string;
  preprocessing: Preprocessing;
  data: DataSummary;
  epochsCompleted: number;
  bestEpoch: number | null;
}

export function writeModelInfo(dir: string, info: ModelInfo): void {
  writeFileAtomicSync(path.join(dir, 'model.json'), `${JSON.stringify(info, null, 2)}\n`);
}

// ---- the schema ------------------------------------------------------------------------------

/** A check of one value: a config Spec, or a function for what Spec cannot say (tagged unions). */
type Checker = (value: unknown, at: string, out: ConfigIssue[]) => void;
type Check = Spec | Checker;
/** Every key of `T`, each with its check: all are required (model.json always writes them all). */
type Fields<T> = { readonly [K in keyof T]-?: Check };
/** One field set per variant of a union tagged by `type` (or `kind`), without the tag itself. */
type Variants<U, Tag extends keyof U> = { readonly [V in U[Tag] & string]: Fields<Omit<Extract<U, Record<Tag, V>>, Tag>> };

const join = (at: string, key: string): string => (at === '' ? key : `${at}.${key}`);

function run(check: Check, value: unknown, at: string, out: ConfigIssue[]): void {
  if (typeof check === 'function') check(value, at, out);
  else out.push(...validate(value, check, at));
}

/**
 * An object holding exactly `fields` (besides `extra` keys checked by the caller); the `optional`
 * ones may be absent (fields newer than some runs' model.json).
 */
function object<T>(fields: Fields<T>, extra: readonly string[] = [], optional: readonly (keyof T & string)[] = []): Checker {
  return (value, at, out) => {
    if (!isPlainObject(value)) { out.push({ path: at, message: `expected a mapping, found ${showValue(value)}` }); return; }
    const known = [...Object.keys(fields), ...extra];
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) out.push({ path: join(at, key), message: `unknown key${didYouMean(key, known)}; known keys here: ${known.join(', ')}` });
    }
    for (const [key, check] of Object.entries(fields) as [string, Check][]) {
      if (key in value) run(check, value[key], join(at, key), out);
      else if (!(optional as readonly string[]).includes(key)) out.push({ path: join(at, key), message: 'missing' });
    }
  };
}

/** A union tagged by `tag`: the tag picks the variant whose fields the rest must match. */
function tagged<U, Tag extends keyof U & string>(tag: Tag, variants: Variants<U, Tag>, extra: Readonly<Record<string, Check>> = {}): Checker {
  const names = Object.keys(variants);
  return (value, at, out) => {
    if (!isPlainObject(value)) { out.push({ path: at, message: `expected a mapping, found ${showValue(value)}` }); return; }
    const t = value[tag];
    if (typeof t !== 'string' || !names.includes(t)) {
      out.push({ path: join(at, tag), message: `expected one of ${names.map((n) => `'${n}'`).join(', ')}, found ${showValue(t)}${typeof t === 'string' ? didYouMean(t, names) : ''}` });
      return;
    }
    object({ ...(variants as Record<string, Fields<unknown>>)[t], ...extra }, [tag])(value, at, out);
  };
}

const list = (of: Check): Checker => (value, at, out) => {
  if (!Array.isArray(value)) { out.push({ path: at, message: `expected a list, found ${showValue(value)}` }); return; }
  value.forEach((v, i) => run(of, v, `${at}[${i}]`, out));
};

const size = S.int(1);
/** A shape: a list of `length` (or at least `min`) sizes >= 1. */
const sizes = (n: { length?: number; min?: number }): Checker => (value, at, out) => {
  const ok = Array.isArray(value) && (n.length === undefined || value.length === n.length) && value.length >= (n.min ?? 0);
  if (!ok) out.push({ path: at, message: `expected a list of ${n.length ?? `at least ${n.min ?? 0}`} integers >= 1, found ${showValue(value)}` });
  else list(size)(value, at, out);
};
const count = S.int(0);
const str = S.str();
const strings = S.list(S.str());
/** The names of a string union, declared as a record so a new member does not compile until listed here. */
const names = <T extends string>(members: { readonly [K in T]: true }): T[] => Object.keys(members) as T[];
const TASKS = names<TrainTask>({ binary: true, multiclass: true, regression: true });
const STATUSES = names<ModelInfo['status']>({ training: true, complete: true, early_stopped: true, interrupted: true, nonfinite: true });
const DATA_KINDS = names<DataSummary['kind']>({ table: true, idx: true, images: true, audio: true, volumes: true, series: true });
const IMPUTES = ['mean', 'median', 'constant', 'drop'] as const;

const probability = { p: S.num({ min: 0, max: 1 }) };
const conv = { in: size, out: size, kernelSize: size, stride: size, padding: count };
const pool = { kernelSize: size, stride: size };
const LAYER: Variants<LayerSpec, 'type'> = {
  linear: { in: size, out: size },
  dropout: probability, dropout2d: probability, dropout3d: probability,
  batchnorm: { features: size }, batchnorm2d: { features: size }, batchnorm3d: { features: size },
  activation: { name: S.oneOf(Object.keys(ACTIVATIONS)) },
  conv2d: conv, conv3d: conv,
  maxpool2d: pool, avgpool2d: pool, maxpool3d: pool, avgpool3d: pool,
  adaptiveavgpool2d: { outputSize: sizes({ length: 2 }) },
  adaptiveavgpool3d: { outputSize: sizes({ length: 3 }) },
  flatten: {},
  gru: { in: size, hidden: size, layers: size },
};

const MODEL_SPEC: Fields<ModelSpec> = {
  inputs: size, inputShape: sizes({ min: 1 }), outputs: size, hidden: sizes({}), dropout: S.num({ min: 0, max: 1 }),
  activation: str, batchNorm: S.bool(),
};

const ARCHITECTURE: Checker = tagged<Architecture, 'kind'>('kind', {
  sequential: { layers: list(tagged<LayerSpec, 'type'>('type', LAYER)) },
  file: { file: str, spec: object(MODEL_SPEC) },
});

const SCALER: Fields<Scaler> = { type: S.oneOf(['standard', 'minmax', 'robust', 'none']), center: S.num(), scale: S.num() };

const FEATURE: Checker = tagged<FeatureTransform, 'kind'>('kind', {
  numeric: { column: str, boolean: S.bool(), impute: S.oneOf(IMPUTES), fill: S.opt(S.num()), indicator: S.bool(), scaler: object(SCALER) },
  categorical: {
    column: str, encoding: S.oneOf(['onehot', 'ordinal']), categories: strings, impute: S.oneOf(['mode', 'constant', 'unknown', 'drop']),
    fill: S.opt(str), indicator: S.bool(),
  },
  datetime: {
    column: str, parts: S.list(S.oneOf(['year', 'month', 'day', 'dayofweek', 'hour'])), impute: S.oneOf(IMPUTES),
    fill: S.list(S.opt(S.num())), indicator: S.bool(), scalers: list(object(SCALER)),
  },
});

const TARGET_TRANSFORM: Checker = tagged<TargetTransform, 'kind'>('kind', {
  classes: { column: str, classes: strings },
  numeric: { column: str, scaler: object(SCALER) },
});

const PREPROCESSOR: Fields<PreprocessorJSON> = {
  format: S.oneOf(['dlflow.preprocessor']), version: S.int(1), features: list(FEATURE),
  target: (v, at, out) => { if (v !== null) TARGET_TRANSFORM(v, at, out); },
  droppedColumns: list(object<{ column: string; reason: string }>({ column: str, reason: str })),
};

const TARGET_ENCODING: Fields<TargetEncoding> = {
  column: str, task: S.oneOf(TASKS), classes: S.opt(strings), center: S.num(), scale: S.num(),
};

/** A Preprocessing variant without the target encoding every variant carries. */
type Untargeted<P> = P extends unknown ? Omit<P, 'target'> : never;

const SERIES_SCALING: Fields<SeriesScaling> = { centers: S.list(S.opt(S.num())), scales: S.list(S.num()), targetScale: S.num() };

const PREPROCESSING: Checker = tagged<Untargeted<Preprocessing>, 'type'>('type', {
  table: { preprocessor: object(PREPROCESSOR) },
  image: { source: S.oneOf(['idx', 'folder']), shape: sizes({ length: 3 }), mean: S.num(), std: S.num({ positive: true }) },
  audio: {
    sampleRate: size, nFft: size, hop: size, nMels: size, frames: size, mean: S.num(), std: S.num({ positive: true }),
  },
  volume: { shape: sizes({ length: 4 }), intensity: S.oneOf(['zscore']) },
  series: {
    time: str, timeFormat: S.oneOf(['datetime', 'yyyymmdd']), stepMs: S.num({ positive: true }), stepText: str, season: size,
    lookback: size, horizon: size, inputs: strings, scaling: object(SERIES_SCALING), fillLimit: count, maseScale: S.opt(S.num()),
  },
}, { target: object(TARGET_ENCODING) });

const LAYER_INFO: Fields<LayerInfo> = {
  name: str, type: str, outputShape: S.list(S.int(-1)), params: count, detail: str,
};

const DATA_SUMMARY: Fields<DataSummary> = {
  source: str, kind: S.oneOf(DATA_KINDS), rows: count, columns: count, task: S.oneOf(TASKS), target: str,
  classCounts: (v, at, out) => { if (v !== null) list(object<{ label: string; count: number }>({ label: str, count }))(v, at, out); },
  splits: S.obj({ train: count, val: count, test: count }), inputUnits: count, notes: strings,
  skipped: object<SkippedFiles>({ count, files: list(object<DamagedFile>({ file: str, reason: str })) }),
};

const MODEL_INFO: Fields<ModelInfo> = {
  dlflow: str, status: S.oneOf(STATUSES), message: str, created: str,
  task: S.oneOf(TASKS), loss: str, architecture: ARCHITECTURE, inputShape: sizes({ min: 1 }), totalParams: count,
  // `detail` is optional in a summary row
  layers: list((v, at, out) => object(LAYER_INFO)(isPlainObject(v) && !('detail' in v) ? { ...v, detail: '' } : v, at, out)),
  labels: S.opt(strings), target: str, preprocessing: PREPROCESSING, data: object(DATA_SUMMARY, [], ['skipped']),
  epochsCompleted: count, bestEpoch: S.opt(count),
};

// ---- reading ---------------------------------------------------------------------------------

/**
 * The problems of a parsed model.json against its schema (empty when valid), each with its key path.
 *
 * @example
 * modelInfoIssues({ ...info, inputShape: 'x' }); // [{ path: 'inputShape', message: 'expected a list of integers >= 1, found "x"' }]
 */
export function modelInfoIssues(value: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  object(MODEL_INFO)(value, '', out);
  return out;
}

/**
 * A model.json from its text, validated; `file` names it in errors.
 *
 * @throws CliError naming the file and each key at fault (at most 5 listed).
 * @example
 * const info = parseModelInfo(fs.readFileSync('runs/a/model.json', 'utf8'), 'runs/a/model.json');
 */
export function parseModelInfo(text: string, file: string): ModelInfo {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new CliError(`${file}: not valid JSON (${(e as Error).message}); the run's model.json is damaged`);
  }
  const issues = modelInfoIssues(value);
  if (issues.length > 0) {
    const shown = issues.slice(0, 5).map((i) => `  ${i.path === '' ? '(top level)' : i.path}: ${i.message}`);
    if (issues.length > 5) shown.push(`  ... and ${issues.length - 5} more`);
    throw new CliError(`${file}: not a valid dlflow model.json:\n${shown.join('\n')}`);
  }
  return value as ModelInfo;
}

/** Reads `<run>/model.json`; a folder that is not a run, or a damaged model.json, is a usage error naming the key. */
export function readModelInfo(dir: string): ModelInfo {
  const file = path.join(dir, 'model.json');
  if (!fs.existsSync(dir)) throw new UsageError(`run not found: ${dir}`);
  if (!fs.existsSync(file)) throw new UsageError(`${dir} is not a dlflow run (no model.json)`);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return parseModelInfo(text, file);
}

/**
 * `<run>/config.resolved.yaml`, checked as any config (YAML errors with line and column, keys by
 * path).
 *
 * @example
 * const config = readRunConfig('runs/penguins-20260101-120000');
 */
export function readRunConfig(dir: string): DlflowConfig {
  const file = path.join(dir, 'config.resolved.yaml');
  return resolveConfig({ raw: readConfigFile(file) });
}

/**
 * Loads a run's weights into the model rebuilt from its model.json; weights that do not fit it
 * (missing, unexpected or differently shaped tensors) are an error (exit 1) naming `file`.
 *
 * @example
 * loadRunWeights(model, dl.load('runs/a/model.safetensors'), 'runs/a/model.safetensors');
 */
export function loadRunWeights(model: Module, weights: Record<string, Tensor>, file: string): void {
  try {
    model.loadStateDict(weights);
  } catch (e) {
    throw new CliError(`${file} does not fit the model described by model.json: ${(e as Error).message.replace(/\s*\n\s*/g, '; ')}`);
  }
}
