/**
 * A config's `model.layers` list resolved into layers: each entry is a layer name or a mapping
 * with `type` and that type's options (checked by the config schema, so an unknown key gets a
 * did-you-mean), sizes chained through the per-example shapes from the data's input shape.
 */
import { didYouMean } from '../../base/suggest.js';
import { S, type Spec } from '../config/spec.js';
import { validate } from '../config/validate.js';
import { UsageError } from '../errors.js';
import { ACTIVATIONS, outputShape, type LayerSpec } from './layers.js';

const units = S.opt(S.num({ int: true, positive: true }));
const p = S.num({ min: 0, max: 0.99 });
const size = S.num({ int: true, positive: true });

/** The options each layer type takes (beside `type`). */
const conv = { channels: size, out: size, kernelSize: size, stride: size, padding: S.num({ int: true, min: 0 }) };
const pool = { kernelSize: size, stride: size };
const LAYER_OPTIONS: Record<string, Record<string, Spec>> = {
  linear: { units, out: units }, dense: { units, out: units },
  dropout: { p }, dropout2d: { p }, dropout3d: { p },
  batchnorm: {}, batchnorm2d: {}, batchnorm3d: {}, flatten: {},
  conv2d: conv, conv3d: conv,
  maxpool2d: pool, avgpool2d: pool, maxpool3d: pool, avgpool3d: pool,
  adaptiveavgpool2d: { outputSize: size }, adaptiveavgpool3d: { outputSize: size },
  gru: { hidden: size, layers: size },
  ...Object.fromEntries(Object.keys(ACTIVATIONS).map((a) => [a, {}])),
};
const LAYER_TYPES = Object.keys(LAYER_OPTIONS);

type Item = Record<string, unknown> & { type: string };

/** The entry as a mapping with a known type and valid options. */
function checkedItem(raw: unknown, where: string): Item {
  const item = (typeof raw === 'string' ? { type: raw } : raw) as Record<string, unknown> | null;
  if (item === null || typeof item !== 'object' || Array.isArray(item) || typeof item.type !== 'string') {
    throw new UsageError(`invalid config: ${where}: expected a layer name or a mapping with 'type', found ${JSON.stringify(raw)}`);
  }
  const type = item.type.toLowerCase();
  if (!(type in LAYER_OPTIONS)) throw new UsageError(`invalid config: ${where}.type: unknown layer '${item.type}'${didYouMean(type, LAYER_TYPES)}; known: ${LAYER_TYPES.join(', ')}`);
  const { type: _, ...options } = item;
  const issues = validate(options, S.obj(LAYER_OPTIONS[type]), where);
  if (issues.length > 0) throw new UsageError(`invalid config: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  return { ...options, type };
}

/** The layer of an entry, given the shape it receives; `units: -1` marks a linear layer sized later. */
function layerOf(item: Item, shape: readonly number[]): LayerSpec {
  const n = (key: string, fallback: number): number => (item[key] as number | undefined) ?? fallback;
  switch (item.type) {
    case 'linear': case 'dense': return { type: 'linear', in: shape[0], out: (item.units ?? item.out ?? -1) as number };
    case 'dropout': case 'dropout2d': case 'dropout3d': return { type: item.type, p: n('p', 0.5) };
    case 'batchnorm': case 'batchnorm2d': case 'batchnorm3d': return { type: item.type, features: shape[0] };
    case 'flatten': return { type: 'flatten' };
    case 'conv2d': case 'conv3d': {
      const k = n('kernelSize', 3);
      return { type: item.type, in: shape[0], out: n('channels', n('out', 32)), kernelSize: k, stride: n('stride', 1), padding: n('padding', Math.floor(k / 2)) };
    }
    case 'maxpool2d': case 'avgpool2d': case 'maxpool3d': case 'avgpool3d': return { type: item.type, kernelSize: n('kernelSize', 2), stride: n('stride', n('kernelSize', 2)) };
    case 'adaptiveavgpool2d': return { type: 'adaptiveavgpool2d', outputSize: [n('outputSize', 1), n('outputSize', 1)] };
    case 'adaptiveavgpool3d': return { type: 'adaptiveavgpool3d', outputSize: [n('outputSize', 1), n('outputSize', 1), n('outputSize', 1)] };
    case 'gru': return { type: 'gru', in: shape[1] ?? shape[0], hidden: n('hidden', 32), layers: n('layers', 1) };
    default: return { type: 'activation', name: item.type };
  }
}

/**
 * Resolves a config `model.layers` list for examples of `inputShape`: `linear`/`dense` take
 * `units` (the last one defaults to the output units), `conv2d`/`conv3d` take `channels`, `kernelSize`
 * (3), `stride` (1) and `padding` (kernelSize / 2, keeping the size), pools a `kernelSize` (2);
 * sizes are chained, and a layer whose input does not fit is an error naming it.
 *
 * @example
 * resolveLayerList([{ type: 'conv2d', channels: 16 }, 'relu', 'maxpool2d', 'flatten', 'linear'], [1, 28, 28], 10);
 */
export function resolveLayerList(list: readonly unknown[], inputShape: readonly number[], outputs: number): LayerSpec[] {
  const out: LayerSpec[] = [];
  let shape: readonly number[] = inputShape;
  list.forEach((raw, i) => {
    const where = `model.layers[${i}]`;
    const layer = layerOf(checkedItem(raw, where), shape);
    const next = outputShape(layer.type === 'linear' && layer.out === -1 ? { ...layer, out: outputs } : layer, shape);
    if (typeof next === 'string') throw new UsageError(`invalid config: ${where} (${layer.type}): ${next}`);
    out.push(layer);
    shape = next;
  });
  const linears = out.flatMap((l, i) => (l.type === 'linear' ? [i] : []));
  if (linears.length === 0) throw new UsageError('invalid config: model.layers needs at least one linear layer');
  const last = out[linears[linears.length - 1]] as Extract<LayerSpec, { type: 'linear' }>;
  if (last.out === -1) last.out = outputs;
  for (const i of linears) if ((out[i] as { out: number }).out === -1) throw new UsageError(`invalid config: model.layers[${i}].units is required (only the last linear layer defaults to the output units)`);
  if (last.out !== outputs) throw new UsageError(`invalid config: the last linear layer has ${last.out} units but the task needs ${outputs} outputs`);
  if (shape.length !== 1) throw new UsageError(`invalid config: model.layers ends with output [${shape.join(', ')}] per example; end with a linear layer of ${outputs} units`);
  return out;
}
