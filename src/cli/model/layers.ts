/**
 * Architectures as data: a resolved list of layers (`linear` with in/out units, activations,
 * `dropout`, `batchnorm`) that model.json stores and that rebuilds the same `nn.Sequential`.
 */
import * as nn from '../../nn/index.js';
import { didYouMean } from '../config/levenshtein.js';
import { UsageError } from '../errors.js';

/** One resolved layer. */
export type LayerSpec =
  | { type: 'linear'; in: number; out: number }
  | { type: 'dropout'; p: number }
  | { type: 'batchnorm'; features: number }
  | { type: 'activation'; name: string };

const ACTIVATIONS: Record<string, () => nn.Module> = {
  relu: () => new nn.ReLU(), gelu: () => new nn.GELU(), silu: () => new nn.SiLU(), tanh: () => new nn.Tanh(),
  sigmoid: () => new nn.Sigmoid(), leaky_relu: () => new nn.LeakyReLU(), elu: () => new nn.ELU(), selu: () => new nn.SELU(),
  mish: () => new nn.Mish(),
};

/** Builds the Sequential of a layer list. */
export function buildSequential(layers: readonly LayerSpec[]): nn.Sequential {
  return new nn.Sequential(...layers.map((l): nn.Module => {
    switch (l.type) {
      case 'linear': return new nn.Linear(l.in, l.out);
      case 'dropout': return new nn.Dropout(l.p);
      case 'batchnorm': return new nn.BatchNorm1d(l.features);
      case 'activation': return ACTIVATIONS[l.name]();
    }
  }));
}

/** The `auto` MLP: [linear, (batchnorm), activation, (dropout)] per hidden size, then the output layer. */
export function mlpLayers(inputs: number, hidden: readonly number[], outputs: number, activation: string, dropout: number, batchNorm: boolean): LayerSpec[] {
  const out: LayerSpec[] = [];
  let width = inputs;
  for (const h of hidden) {
    out.push({ type: 'linear', in: width, out: h });
    if (batchNorm) out.push({ type: 'batchnorm', features: h });
    out.push({ type: 'activation', name: activation });
    if (dropout > 0) out.push({ type: 'dropout', p: dropout });
    width = h;
  }
  out.push({ type: 'linear', in: width, out: outputs });
  return out;
}

const LAYER_TYPES = ['linear', 'dense', 'dropout', 'batchnorm', ...Object.keys(ACTIVATIONS)];

/**
 * Resolves a config `model.layers` list: `linear`/`dense` take `units` (the last one defaults to
 * the output units), input sizes are chained, activations are named by type.
 *
 * @example
 * resolveLayerList([{ type: 'linear', units: 32 }, 'relu', { type: 'dropout', p: 0.1 }, { type: 'linear' }], 7, 3);
 */
export function resolveLayerList(list: readonly unknown[], inputs: number, outputs: number): LayerSpec[] {
  const out: LayerSpec[] = [];
  let width = inputs;
  let lastLinear = -1;
  list.forEach((raw, i) => {
    const item = (typeof raw === 'string' ? { type: raw } : raw) as Record<string, unknown> | null;
    const where = `model.layers[${i}]`;
    if (item === null || typeof item !== 'object' || typeof item.type !== 'string') {
      throw new UsageError(`invalid config: ${where}: expected a layer name or a mapping with 'type', found ${JSON.stringify(raw)}`);
    }
    const type = item.type.toLowerCase();
    if (!LAYER_TYPES.includes(type)) throw new UsageError(`invalid config: ${where}.type: unknown layer '${item.type}'${didYouMean(type, LAYER_TYPES)}; known: ${LAYER_TYPES.join(', ')}`);
    if (type === 'linear' || type === 'dense') {
      const units = item.units ?? item.out;
      if (units !== undefined && units !== 'auto' && !(Number.isInteger(units) && (units as number) > 0)) {
        throw new UsageError(`invalid config: ${where}.units: expected an integer > 0 or 'auto', found ${JSON.stringify(units)}`);
      }
      out.push({ type: 'linear', in: width, out: typeof units === 'number' ? units : -1 });
      lastLinear = out.length - 1;
      width = typeof units === 'number' ? units : outputs;
    } else if (type === 'dropout') {
      const p = item.p ?? 0.5;
      if (typeof p !== 'number' || p < 0 || p >= 1) throw new UsageError(`invalid config: ${where}.p: expected a number in [0, 1), found ${JSON.stringify(p)}`);
      out.push({ type: 'dropout', p });
    } else if (type === 'batchnorm') {
      out.push({ type: 'batchnorm', features: width });
    } else {
      out.push({ type: 'activation', name: type });
    }
  });
  if (lastLinear < 0) throw new UsageError('invalid config: model.layers needs at least one linear layer');
  const last = out[lastLinear] as Extract<LayerSpec, { type: 'linear' }>;
  if (last.out === -1) last.out = outputs;
  out.forEach((l, i) => { if (l.type === 'linear' && l.out === -1) throw new UsageError(`invalid config: model.layers[${i}].units is required (only the last linear layer defaults to the output units)`); });
  if (last.out !== outputs) throw new UsageError(`invalid config: the last linear layer has ${last.out} units but the task needs ${outputs} outputs`);
  return out;
}
