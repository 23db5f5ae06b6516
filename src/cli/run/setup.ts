/**
 * Shared by train, evaluate, predict and summary: the data arrays as model input (one path for
 * training and inference: flat storage viewed as `[N, ...inputShape]`), loaders, and a run's
 * model rebuilt from model.json with its trained weights.
 */
import * as fs from 'node:fs';
import type { Tensor } from '../../core/tensor.js';
import { load } from '../../io/safetensors.js';
import type { Module } from '../../nn/module.js';
import { tensor } from '../../ops/creation.js';
import { formatCount, type LayerInfo } from '../../report/architecture_svg.js';
import { readCheckpoint, withPrefix } from '../../train/checkpoint.js';
import { DataLoader } from '../../data/loader/dataloader.js';
import { TensorDataset, type ArrayItem } from '../../data/loader/dataset.js';
import type { Sampler } from '../../data/loader/distributed_sampler.js';
import { defaultCollate } from '../../data/loader/collate.js';
import { AugmentedImages, trainingAugment } from '../../data/prepare/augmented.js';
import type { AugmentConfig } from '../../data/prepare/options.js';
import { exampleItems, inMemory } from '../../data/prepare/examples.js';
import type { Examples, PreparedData } from '../../data/prepare/types.js';
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import { modelFromArchitecture, type Architecture } from '../model/build.js';
import type { LayerSpec } from '../model/layers.js';
import { chooseLoss, regressionOutputs, type LossChoice } from '../model/loss.js';
import { loadRunWeights, readModelInfo, readRunConfig, type ModelInfo } from './model_json.js';
import { runFiles } from './run_dir.js';

/**
 * Flat examples as the model's input `[rows, ...inputShape]` (`[N, C, H, W]` for images, `[N, C, D, H, W]` for volumes): the
 * storage is used as is, without a copy.
 *
 * @example
 * inputTensor(data.test.x, data.test.rows, [1, 28, 28]).shape; // [10000, 1, 28, 28]
 */
export function inputTensor(x: Float32Array, rows: number, inputShape: readonly number[]): Tensor {
  return tensor(x, { shape: [rows, ...inputShape] });
}

/** The collate of `[x, target]` items: the inputs stacked, the targets as the loss takes them. */
function itemCollate(loss: LossChoice): (items: [ArrayItem, number][]) => Tensor[] {
  return (items) => [defaultCollate(items.map((it) => it[0])) as Tensor, loss.targets(Float64Array.from(items, (it) => it[1]))];
}

/**
 * A dl.data DataLoader over a split's examples, batches `[B, ...inputShape]` (its shuffling state
 * goes into checkpoints): one gather per batch from arrays in memory; examples decoded on demand
 * are stacked batch by batch, the next batch decoding while this one trains.
 */
export function loaderOf(e: Examples, inputShape: readonly number[], loss: LossChoice, batchSize: number, shuffle: boolean, seed: number): DataLoader<unknown, Tensor[]> {
  const arrays = inMemory(e);
  if (arrays !== null) return new DataLoader(new TensorDataset(inputTensor(arrays.x, arrays.rows, inputShape), loss.targets(arrays.y)), { batchSize, shuffle, seed, prefetch: 0 }) as DataLoader<unknown, Tensor[]>;
  return new DataLoader(exampleItems(e, inputShape), { batchSize, shuffle, seed, prefetch: 1, collate: itemCollate(loss) }) as DataLoader<unknown, Tensor[]>;
}

/**
 * The training split's loader: examples cropped and flipped afresh each epoch when `augment` is
 * on (image data; seeded by `seed`, the epoch and the example), else the examples as they are.
 * Shuffled, or in the order of `sampler` (a data-parallel rank's DistributedSampler) when given.
 *
 * @example
 * const loader = trainLoaderOf(data, config.data.augment, loss, 64, config.seed);
 */
export function trainLoaderOf(data: PreparedData, augment: AugmentConfig, loss: LossChoice, batchSize: number, seed: number, sampler?: Sampler): DataLoader<unknown, Tensor[]> {
  const aug = trainingAugment(augment, data.preprocessing);
  const order = sampler === undefined ? { shuffle: true } : { sampler };
  if (aug === null && sampler === undefined) return loaderOf(data.train, data.inputShape, loss, batchSize, true, seed);
  const arrays = inMemory(data.train);
  if (aug === null && arrays !== null) {
    const train = new TensorDataset(inputTensor(arrays.x, arrays.rows, data.inputShape), loss.targets(arrays.y));
    return new DataLoader(train, { batchSize, ...order, seed, prefetch: 0 }) as DataLoader<unknown, Tensor[]>;
  }
  const items = exampleItems(data.train, data.inputShape);
  const prefetch = arrays === null ? 1 : 0;
  if (aug === null) return new DataLoader(items, { batchSize, ...order, seed, prefetch, collate: itemCollate(loss) }) as DataLoader<unknown, Tensor[]>;
  // The dataset reads the epoch from its loader: the variants of epoch e are the same on resume.
  const dataset: AugmentedImages = new AugmentedImages(items, { shape: data.inputShape, augment: aug.options, seed, fill: aug.fill, epoch: () => loader.getState().epoch });
  const loader: DataLoader<[ArrayItem, number], Tensor[]> = new DataLoader(dataset, { batchSize, ...order, seed, prefetch, collate: itemCollate(loss) });
  return loader as DataLoader<unknown, Tensor[]>;
}

/** The summary of a model for examples of `inputShape` (traced on one example), rows as the architecture diagram's layer boxes. */
export function layerInfos(model: Module, inputShape: readonly number[]): { layers: LayerInfo[]; totalParams: number; table: string } {
  const s = model.summary([1, ...inputShape], { batchName: 'N' });
  const layers = s.rows.map((row) => ({
    name: row.name, type: row.type, params: row.params,
    outputShape: (Array.isArray(row.outputShape[0]) ? row.outputShape[0] : row.outputShape) as number[],
  })).map((l) => ({ ...l, outputShape: [-1, ...l.outputShape.slice(1)] }));
  return { layers, totalParams: s.totalParams, table: s.toString() };
}

/**
 * The diagram's title: what the model is (CNN, 3-D CNN, GRU, MLP or model file) and its size.
 *
 * @example
 * architectureTitle({ kind: 'sequential', layers }, 421834); // 'CNN (421,834 parameters)'
 */
export function architectureTitle(arch: Architecture, totalParams: number): string {
  return `${arch.kind === 'file' ? arch.file : sequentialKind(arch.layers)} (${formatCount(totalParams)} parameters)`;
}

/** What a layer list is, by its layers. */
function sequentialKind(layers: readonly LayerSpec[]): string {
  if (layers.some((l) => l.type === 'conv3d')) return '3-D CNN';
  if (layers.some((l) => l.type === 'conv2d')) return 'CNN';
  return layers.some((l) => l.type === 'gru') ? 'GRU' : 'MLP';
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
  const config = readRunConfig(dir);
  const model = await modelFromArchitecture(info.architecture, dir);
  let weights: Record<string, Tensor>;
  if (fs.existsSync(f.weights)) weights = load(f.weights);
  else if (fs.existsSync(f.lastCheckpoint)) {
    weights = withPrefix(readCheckpoint(f.lastCheckpoint).tensors, 'model');
  } else throw new UsageError(`${dir}: no trained weights yet (no model.safetensors or checkpoint)`);
  loadRunWeights(model, weights, fs.existsSync(f.weights) ? f.weights : f.lastCheckpoint);
  model.eval();
  const classes = info.labels?.length ?? 0;
  return { dir, info, config, model, loss: chooseLoss(info.loss, info.task, classes, regressionOutputs(info.preprocessing)) };
}
