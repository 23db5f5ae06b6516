/**
 * Adapters over loaders of different shapes: a batch as `[x, y]` or `{ x, y }` (also
 * `{ input, target }`), the number of batches when the loader knows it, and its random state
 * (a `stateDict()`/`loadStateDict()` pair, or a `generator` with getState/setState) so that
 * resumed training sees the same data order.
 */
import { Generator, type GeneratorState } from '../core/generator.js';
import { isTensor, type Tensor } from '../core/tensor.js';
import type { BatchLoader } from './types.js';

/** Splits a batch into input and target. */
export function unpackBatch(value: unknown): [Tensor, Tensor] {
  if (Array.isArray(value) && value.length >= 2 && isTensor(value[0]) && isTensor(value[1])) return [value[0], value[1]];
  if (typeof value === 'object' && value !== null) {
    const o = value as Record<string, unknown>;
    const x = o.x ?? o.input ?? o.inputs;
    const y = o.y ?? o.target ?? o.targets ?? o.label;
    if (isTensor(x) && isTensor(y)) return [x, y];
  }
  throw new TypeError('Trainer: a batch must be [input, target] or { x, y } tensors');
}

/** Batches per epoch, when the loader says (a `length` property or `numBatches()`). */
export function batchesOf(loader: BatchLoader): number | undefined {
  const l = loader as unknown as { length?: unknown; numBatches?: () => number };
  if (typeof l.length === 'number') return l.length;
  if (typeof l.numBatches === 'function') return l.numBatches();
  return undefined;
}

/** Tells the loader's sampler (a DistributedSampler) which epoch begins, 0-based, as PyTorch's `sampler.set_epoch`. */
export function setSamplerEpoch(loader: BatchLoader, epoch: number): void {
  const sampler = (loader as unknown as { sampler?: { setEpoch?: (e: number) => void } | null }).sampler;
  if (typeof sampler?.setEpoch === 'function') sampler.setEpoch(epoch);
}

/** The loader's random state, or null when it has none. */
export function loaderState(loader: BatchLoader): unknown {
  const l = loader as unknown as { stateDict?: () => unknown; generator?: unknown };
  if (typeof l.stateDict === 'function') return { stateDict: l.stateDict() };
  if (l.generator instanceof Generator) return { generator: l.generator.getState() };
  return null;
}

/** Restores a state from {@link loaderState}. */
export function setLoaderState(loader: BatchLoader, state: unknown): void {
  if (state === null || state === undefined) return;
  const l = loader as unknown as { loadStateDict?: (s: unknown) => void; generator?: unknown };
  const s = state as { stateDict?: unknown; generator?: GeneratorState };
  if (s.stateDict !== undefined && typeof l.loadStateDict === 'function') l.loadStateDict(s.stateDict);
  else if (s.generator !== undefined && l.generator instanceof Generator) l.generator.setState(s.generator);
  else throw new Error('Trainer: the checkpoint holds a data-loader state this loader cannot take (resume with the same kind of loader)');
}
