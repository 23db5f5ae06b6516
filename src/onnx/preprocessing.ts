/**
 * A run's saved preprocessing as ONNX nodes in front of the network, so the exported model
 * takes raw data: one graph input per feature column of a table ([N, 1]: float for numeric
 * columns, with NaN for a missing value; string for categorical and boolean-word columns, with
 * '' for a missing value), imputation, scaling, indicators, one-hot and ordinal codes inside the
 * graph (ai.onnx.ml's LabelEncoder maps categories to codes); raw pixels [N, C, H, W] (0–255)
 * for image runs, scaled as in training; volumes [N, C, D, H, W] at the trained size for volume
 * runs, standardised per volume as in training (resampling to that size stays outside the graph,
 * as resizing does for images). The same arithmetic as data/preprocess/transform.ts and
 * data/prepare/volume_transform.ts.
 *
 * What ONNX cannot do the way dlflow does is refused by name: datetime columns (ONNX has no
 * date parsing), audio runs (their log-mel features) and forecasting runs (windows of a series,
 * not rows); export those with --no-preprocessing.
 * Rows dlflow would leave out (impute: drop with a missing value) get NaN features, so their
 * outputs are NaN instead of a prediction.
 */
import type { Preprocessing } from '../data/prepare/preprocessing.js';
import type { CategoricalTransform, FeatureTransform, NumericTransform, Scaler } from '../data/preprocess/spec.js';
import { OnnxExportError } from './errors.js';
import { float, int, ints, strs, type Dim, type GraphBuilder, type Value } from './graph.js';

const ML = 'ai.onnx.ml';
const BATCH: Dim = { k: 1 };
const col = (units: number): Dim[] => [BATCH, units];

/** A graph input of the exported run: its name, element type, shape and what it holds. */
export interface RunInput {
  name: string;
  dtype: 'float32' | 'string';
  shape: (number | 'batch')[];
  /** `numeric`, `boolean`, `categorical` (a feature column) or `image`/`volume`/`features` (one tensor). */
  kind: 'numeric' | 'boolean' | 'categorical' | 'image' | 'volume' | 'features';
}

/** Boolean words as data/preprocess/cells.ts reads them (after trimming and lower-casing). */
const TRUE_WORDS = ['true', 'yes', 't', 'y', '1'];
const FALSE_WORDS = ['false', 'no', 'f', 'n', '0'];

const f32 = (shape: readonly Dim[]): { dtype: 'float32'; shape: readonly Dim[] } => ({ dtype: 'float32', shape });
const f64 = (shape: readonly Dim[]): { dtype: 'float64'; shape: readonly Dim[] } => ({ dtype: 'float64', shape });
const bool = (shape: readonly Dim[]): { dtype: 'bool'; shape: readonly Dim[] } => ({ dtype: 'bool', shape });

function scaled(g: GraphBuilder, v: Value, s: Scaler): Value {
  const centred = g.op('Sub', [v, g.scalar('float64', s.center)], f64(v.shape));
  return g.op('Div', [centred, g.scalar('float64', s.scale)], f64(v.shape));
}

/**
 * Missing (NaN) numbers filled (or left NaN for impute: drop), scaled, with the indicator unit
 * after. In float64, as transform.ts computes before rounding: in float32 a year standardized
 * around 2008 loses four digits to the rounded centre.
 */
function numeric(g: GraphBuilder, f: NumericTransform, raw: Value): Value[] {
  const missing = g.op('IsNaN', [raw], bool(raw.shape));
  const wide = g.op('Cast', [raw], f64(raw.shape), { to: int(11) });
  const filled = f.impute === 'drop' ? wide : g.op('Where', [missing, g.scalar('float64', f.fill), wide], f64(raw.shape));
  const units = [g.op('Cast', [scaled(g, filled, f.scaler)], f32(raw.shape), { to: int(1) })];
  if (f.indicator) units.push(g.op('Cast', [missing], f32(raw.shape), { to: int(1) }));
  return units;
}

/** Boolean words → 1/0 (NaN for missing or unreadable), then as a numeric column. */
function booleanWords(g: GraphBuilder, f: NumericTransform, raw: Value): Value[] {
  const lower = g.op('StringNormalizer', [g.op('Reshape', [raw, g.constant('int64', [1], [-1], 'shape')], { dtype: 'string', shape: [BATCH] })],
    { dtype: 'string', shape: [BATCH] }, { case_change_action: { s: 'LOWER' }, locale: { s: 'C' } });
  const values = g.op('LabelEncoder', [lower], f32([BATCH]), {
    keys_strings: strs([...TRUE_WORDS, ...FALSE_WORDS]), values_floats: { floats: [...TRUE_WORDS.map(() => 1), ...FALSE_WORDS.map(() => 0)] }, default_float: float(NaN),
  }, ML);
  return numeric(g, f, g.op('Reshape', [values, g.constant('int64', [2], [-1, 1], 'shape')], f32(col(1))));
}

/** Category → code (LabelEncoder; unknown −1, missing '' the fill's code), then one-hot or ordinal. */
function categorical(g: GraphBuilder, f: CategoricalTransform, raw: Value): Value[] {
  const k = f.categories.length;
  // Equal has no string type before opset 19: '' → 1 through a LabelEncoder instead.
  const emptyFlag = g.op('LabelEncoder', [raw], { dtype: 'int64', shape: col(1) }, { keys_strings: strs(['']), values_int64s: ints([1]), default_int64: int(0) }, ML);
  const missing = g.op('Cast', [emptyFlag], bool(col(1)), { to: int(9) });
  const fillCode = f.fill === null ? -1 : f.categories.indexOf(f.fill);
  const keys = [...f.categories];
  const codes = f.categories.map((_, i) => i);
  if (!f.categories.includes('')) { keys.push(''); codes.push(fillCode); }
  const code = g.op('LabelEncoder', [raw], { dtype: 'int64', shape: col(1) }, { keys_strings: strs(keys), values_int64s: ints(codes), default_int64: int(-1) }, ML);
  const nan = g.scalar('float32', NaN);
  const dropMissing = (v: Value): Value => (f.impute === 'drop' ? g.op('Where', [missing, nan, v], f32(v.shape)) : v);
  const units: Value[] = [];
  if (f.encoding === 'onehot') {
    const bucket = g.op('Where', [g.op('Less', [code, g.scalar('int64', 0)], bool(col(1))), g.scalar('int64', k), code], { dtype: 'int64', shape: col(1) });
    const range = g.constant('int64', [k + 1], Array.from({ length: k + 1 }, (_, i) => i), 'categories');
    const hot = g.op('Cast', [g.op('Equal', [bucket, range], bool(col(k + 1)))], f32(col(k + 1)), { to: int(1) });
    units.push(dropMissing(hot));
  } else {
    units.push(dropMissing(g.op('Cast', [code], f32(col(1)), { to: int(1) })));
  }
  if (f.indicator) units.push(g.op('Cast', [missing], f32(col(1)), { to: int(1) }));
  return units;
}

/**
 * Volumes [N, C, D, H, W] standardised each by its own voxels, as standardizeVolume does:
 * `(v − mean) / std` over the finite voxels (std 0 divides by 1), non-finite voxels set to 0.
 */
function standardizedVolumes(g: GraphBuilder, shape: readonly number[]): { features: Value; inputs: RunInput[] } {
  const dims: Dim[] = [BATCH, ...shape];
  const one: Dim[] = [BATCH, 1, 1, 1, 1];
  const x = g.input('volume', 'float32', dims);
  const finite = g.op('Not', [g.op('Or', [g.op('IsNaN', [x], bool(dims)), g.op('IsInf', [x], bool(dims))], bool(dims))], bool(dims));
  const zero = g.scalar('float32', 0);
  const axes = g.constant('int64', [4], [1, 2, 3, 4], 'axes');
  const total = (v: Value): Value => g.op('ReduceSum', [v, axes], f32(one), { keepdims: int(1) });
  const count = total(g.op('Cast', [finite], f32(dims), { to: int(1) }));
  const mean = g.op('Div', [total(g.op('Where', [finite, x, zero], f32(dims))), count], f32(one));
  const centred = g.op('Where', [finite, g.op('Sub', [x, mean], f32(dims)), zero], f32(dims));
  const std = g.op('Sqrt', [g.op('Div', [total(g.op('Mul', [centred, centred], f32(dims))), count], f32(one))], f32(one));
  const divisor = g.op('Where', [g.op('Greater', [std, zero], bool(one)), std, g.scalar('float32', 1)], f32(one));
  return { features: g.op('Div', [centred, divisor], f32(dims)), inputs: [{ name: 'volume', dtype: 'float32', shape: ['batch', ...shape], kind: 'volume' }] };
}

/** The graph input a feature column reads. */
function inputOf(f: FeatureTransform): RunInput {
  if (f.kind === 'datetime') throw new OnnxExportError(`column ${JSON.stringify(f.column)} is a datetime column: ONNX has no date parsing, so its preprocessing cannot be exported; export with --no-preprocessing`);
  if (f.kind === 'categorical') return { name: f.column, dtype: 'string', shape: ['batch', 1], kind: 'categorical' };
  return f.boolean ? { name: f.column, dtype: 'string', shape: ['batch', 1], kind: 'boolean' } : { name: f.column, dtype: 'float32', shape: ['batch', 1], kind: 'numeric' };
}

/**
 * Adds the graph inputs of a run's raw data and the preprocessing nodes; returns the network's
 * input (the features [N, F], or the scaled images) and the inputs declared.
 *
 * @example
 * const { features, inputs } = preprocessingGraph(g, info.preprocessing, info.inputShape);
 */
export function preprocessingGraph(g: GraphBuilder, pre: Preprocessing, inputShape: readonly number[]): { features: Value; inputs: RunInput[] } {
  if (pre.type === 'audio') {
    throw new OnnxExportError('audio runs compute log-mel spectrograms from WAV files, which this export does not build in ONNX; export with --no-preprocessing');
  }
  if (pre.type === 'series') {
    throw new OnnxExportError(`forecasting runs read windows of the series ${JSON.stringify(pre.time)}, not rows; export with --no-preprocessing (the network takes the scaled window)`);
  }
  if (pre.type === 'image') {
    const shape: Dim[] = [BATCH, ...pre.shape];
    const pixels = g.input('image', 'float32', shape);
    // (byte / 255 − mean) / std, as scaleImages
    const a = 1 / (255 * pre.std);
    const b = -pre.mean / pre.std;
    const x = g.op('Add', [g.op('Mul', [pixels, g.scalar('float32', a)], f32(shape)), g.scalar('float32', b)], f32(shape));
    return { features: x, inputs: [{ name: 'image', dtype: 'float32', shape: ['batch', ...pre.shape], kind: 'image' }] };
  }
  if (pre.type === 'volume') return standardizedVolumes(g, pre.shape);
  const features = pre.preprocessor.features;
  const inputs = features.map(inputOf);
  const names = new Set<string>();
  for (const i of inputs) {
    if (names.has(i.name)) throw new OnnxExportError(`two features read column ${JSON.stringify(i.name)}; ONNX inputs need distinct names`);
    names.add(i.name);
  }
  const units: Value[] = [];
  features.forEach((f, i) => {
    const raw = g.input(inputs[i].name, inputs[i].dtype, col(1));
    if (f.kind === 'categorical') units.push(...categorical(g, f, raw));
    else if (f.kind === 'numeric') units.push(...(f.boolean ? booleanWords(g, f, raw) : numeric(g, f, raw)));
  });
  const width = units.reduce((n, u) => n + (u.shape[1] as number), 0);
  if (width !== inputShape[0]) throw new OnnxExportError(`the preprocessing makes ${width} features but the model takes ${inputShape[0]}`);
  const x = units.length === 1 ? units[0] : g.op('Concat', units, f32(col(width)), { axis: int(1) });
  return { features: x, inputs };
}

