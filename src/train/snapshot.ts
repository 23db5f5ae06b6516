/**
 * Capturing and restoring everything a fit depends on, for exact resume: model and optimizer
 * tensors, scheduler state, the default generator and the loader's random state, the epoch
 * counters and history, and every callback's state.
 */
import { defaultGenerator, type Generator, type GeneratorState } from '../core/generator.js';
import { isTensor, type Tensor } from '../core/tensor.js';
import type { Module } from '../nn/module.js';
import type { Optimizer, OptimizerStateDict, ParamState } from '../optim/optimizer.js';
import type { Callback } from './callback.js';
import { withPrefix, type CheckpointData } from './checkpoint.js';
import { FileFormatError } from '../io/errors.js';
import { WorldSizeMismatchError } from './errors.js';
import { loaderState, setLoaderState } from './loader_adapter.js';
import type { BatchLoader, EpochLogs, FitState, SchedulerLike } from './types.js';

export interface FitParts {
  model: Module;
  optimizer: Optimizer<any>;
  scheduler: SchedulerLike | null;
  trainLoader: BatchLoader;
  callbacks: readonly Callback[];
  generator?: Generator;
  extra?: Record<string, unknown>;
  /** Processes of a data-parallel fit (recorded when given; a resume must match it). */
  worldSize?: number;
}

const callbackKey = (cb: Callback, i: number): string => cb.name ?? `${cb.constructor?.name ?? 'callback'}${i}`;

/** The checkpoint of the current moment. Tensors are the live ones (serialize before changing them). */
export function takeSnapshot(parts: FitParts, state: FitState): CheckpointData {
  const tensors: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(parts.model.stateDict())) tensors[`model.${k}`] = v;
  const sd = parts.optimizer.stateDict();
  const scalars: Record<string, Record<string, number>> = {};
  for (const [id, s] of Object.entries(sd.state)) {
    for (const [k, v] of Object.entries(s)) {
      if (isTensor(v)) tensors[`optim.${id}.${k}`] = v;
      else (scalars[id] ??= {})[k] = v;
    }
  }
  const callbacks: Record<string, unknown> = {};
  parts.callbacks.forEach((cb, i) => {
    if (cb.stateDict === undefined) return;
    const key = callbackKey(cb, i);
    const s = cb.stateDict();
    callbacks[key] = s.json ?? null;
    for (const [k, v] of Object.entries(s.tensors ?? {})) tensors[`cb.${key}.${k}`] = v;
  });
  return {
    tensors,
    meta: {
      format: 'dlflow-checkpoint', version: 1,
      epoch: state.epoch, globalStep: state.globalStep, history: state.history,
      optimizer: { paramGroups: sd.param_groups, scalars },
      scheduler: parts.scheduler?.stateDict() ?? null,
      generators: { default: (parts.generator ?? defaultGenerator).getState(), loader: loaderState(parts.trainLoader) },
      callbacks,
      extra: parts.extra ?? {},
      ...(parts.worldSize !== undefined ? { worldSize: parts.worldSize } : {}),
    },
  };
}

/**
 * Restores a snapshot into the parts and returns the fit state to continue from. A checkpoint
 * of another model or optimizer (`source` names it) is a FileFormatError saying what differs.
 */
export function restoreSnapshot(parts: FitParts, data: CheckpointData, source = '<checkpoint>'): FitState {
  const { meta, tensors } = data;
  const saved = meta.worldSize ?? 1, now = parts.worldSize ?? 1;
  if (saved !== now) throw new WorldSizeMismatchError(saved, now);
  const fits = (what: string, load: () => void): void => {
    try {
      load();
    } catch (e) {
      throw new FileFormatError(source, `was written for another ${what} than this one: ${(e as Error).message}`);
    }
  };
  fits('model', () => parts.model.loadStateDict(withPrefix(tensors, 'model')));
  const state: Record<number, ParamState> = {};
  for (const [id, s] of Object.entries(meta.optimizer.scalars)) state[Number(id)] = { ...s };
  for (const [k, v] of Object.entries(withPrefix(tensors, 'optim'))) {
    const dot = k.indexOf('.');
    (state[Number(k.slice(0, dot))] ??= {})[k.slice(dot + 1)] = v;
  }
  fits('optimizer', () => parts.optimizer.loadStateDict({ state, param_groups: meta.optimizer.paramGroups } as OptimizerStateDict));
  if (parts.scheduler !== null && meta.scheduler !== null) parts.scheduler.loadStateDict(meta.scheduler);
  (parts.generator ?? defaultGenerator).setState(meta.generators.default as GeneratorState);
  setLoaderState(parts.trainLoader, meta.generators.loader);
  parts.callbacks.forEach((cb, i) => {
    const key = callbackKey(cb, i);
    if (cb.loadStateDict === undefined || !(key in meta.callbacks)) return;
    cb.loadStateDict({ json: meta.callbacks[key], tensors: withPrefix(tensors, `cb.${key}`) });
  });
  return { epoch: meta.epoch, globalStep: meta.globalStep, history: meta.history as EpochLogs[], stopReason: null };
}
