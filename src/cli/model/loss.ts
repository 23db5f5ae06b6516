/** The loss of a config and how targets are shaped for it. */
import type { Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import * as nn from '../../nn/index.js';
import type { LossFn, TrainTask } from '../../train/types.js';
import { UsageError } from '../errors.js';

export interface LossChoice {
  name: string;
  fn: LossFn;
  /** Output units of the model. */
  outputs: number;
  /** Targets as a tensor for this loss: class indices (int64) or float values `[n, 1]`. */
  targets(y: Float64Array): Tensor;
}

/**
 * Picks the loss: `auto` is cross-entropy for classification and MSE for regression, whose model
 * has `values` outputs per example (a forecast's horizon; targets are then `[n, values]`).
 *
 * @example
 * chooseLoss('auto', 'multiclass', 3).outputs; // 3
 * chooseLoss('auto', 'regression', 0, 4).outputs; // 4
 */
export function chooseLoss(name: string, task: TrainTask, classes: number, values = 1): LossChoice {
  const resolved = name === 'auto' ? (task === 'regression' ? 'mse' : 'cross_entropy') : name;
  const floats = (y: Float64Array): Tensor => tensor(Float32Array.from(y), { shape: [y.length / values, values] });
  if (resolved === 'cross_entropy') {
    if (task === 'regression') throw new UsageError(`loss 'cross_entropy' needs a classification target, but the target is numeric (regression); use mse, l1, smooth_l1 or huber`);
    return { name: resolved, fn: new nn.CrossEntropyLoss(), outputs: classes, targets: (y) => tensor(BigInt64Array.from(y, (v) => BigInt(v)), { shape: [y.length] }) };
  }
  if (resolved === 'bce_with_logits') {
    if (task !== 'binary') throw new UsageError(`loss 'bce_with_logits' needs a binary target, but the task is ${task}`);
    return { name: resolved, fn: new nn.BCEWithLogitsLoss(), outputs: 1, targets: floats };
  }
  if (task !== 'regression') throw new UsageError(`loss '${resolved}' is a regression loss, but the target has classes (${task}); use cross_entropy`);
  const fns: Record<string, LossFn> = { mse: new nn.MSELoss(), l1: new nn.L1Loss(), smooth_l1: new nn.SmoothL1Loss(), huber: new nn.HuberLoss() };
  return { name: resolved, fn: fns[resolved], outputs: values, targets: floats };
}

/**
 * Values a regression model outputs per example for data with this preprocessing: the horizon
 * of a series, else 1.
 *
 * @example
 * chooseLoss(config.loss, data.task, classes, regressionOutputs(data.preprocessing));
 */
export function regressionOutputs(pre: { type: string; horizon?: number }): number {
  return pre.type === 'series' && pre.horizon !== undefined ? pre.horizon : 1;
}
