/**
 * Shared by train, evaluate, predict and summary: the data arrays as tensors and loaders, and a
 * run's model rebuilt from model.json with its trained weights.
 */
import * as fs from 'node:fs';
import { parse } from 'yaml';
import type { Tensor } from '../../core/tensor.js';
import { load } from '../../io/safetensors.js';
import type { Module } from '../../nn/module.js';
import { tensor } from '../../ops/creation.js';
import type { LayerInfo } from '../../report/architecture_svg.js';
import { readCheckpoint, withPrefix } from '../../train/checkpoint.js';
import { DataLoader } from '../../data/loader/dataloader.js';
import { TensorDataset } from '../../data/loader/dataset.js';
import type { DlflowConfig } from '../config/types.js';
import type { Arrays } from '../data/prepare.js';
import { UsageError } from '../errors.js';
import { modelFromArchitecture } from '../model/build.js';
import { chooseLoss, type LossChoice } from '../model/loss.js';
import { readModelInfo, type ModelInfo } from './model_json.js';
import { runFiles } from './run_dir.js';

/** A dl.data DataLoader over prepared arrays (its shuffling state goes into checkpoints). */
export function loaderOf(a: Arrays, units: number, loss: LossChoice, batchSize: number, shuffle: boolean, seed: number): DataLoader<Tensor[]> {
  const x = tensor(a.x, { shape: [a.rows, units] });
  return new DataLoader(new TensorDataset(x, loss.targets(a.y)), { batchSize, shuffle, seed, prefetch: 0 });
}

/** Summary rows as the architecture diagram's layer boxes. */
export function layerInfos(model: Module, inputShape: readonly number[]): { layers: LayerInfo[]; totalParams: number; table: string } {
  const s = model.summary(inputShape);
  const layers = s.rows.map((row) => ({
    name: row.name, type: row.type, params: row.params,
    outputShape: (Array.isArray(row.outputShape[0]) ? row.outputShape[0] : row.outputShape) as number[],
  })).map((l) => ({ ...l, outputShape: [-1, ...l.outputShape.slice(1)] }));
  return { layers, totalParams: s.totalParams, table: s.toString() };
}

export interface LoadedRun {
  dir: string;
  info: ModelInfo;
  config: DlflowConfig;
  model: Module;
  loss: LossChoice;
}

/** Loads a finished (or checkpointed) run: model.json, config, model and weights. */
export async function loadRun(dir: string): Promise<LoadedRun> {
  const f = runFiles(dir);
  const info = readModelInfo(dir);
  const config = parse(fs.readFileSync(f.config, 'utf8')) as DlflowConfig;
  const model = await modelFromArchitecture(info.architecture, dir);
  let weights: Record<string, Tensor>;
  if (fs.existsSync(f.weights)) weights = load(f.weights);
  else if (fs.existsSync(f.lastCheckpoint)) {
    weights = withPrefix(readCheckpoint(f.lastCheckpoint).tensors, 'model');
  } else throw new UsageError(`${dir}: no trained weights yet (no model.safetensors or checkpoint)`);
  model.loadStateDict(weights);
  model.eval();
  const classes = info.labels?.length ?? 0;
  return { dir, info, config, model, loss: chooseLoss(info.loss, info.task, classes) };
}
