/**
 * `nn.SyncBatchNorm`: batch normalisation over the global batch of a process group (PyTorch's
 * `torch.nn.SyncBatchNorm`). In training each rank sums its inputs and their squares per channel;
 * one all-reduce of [Σx, Σx², count] gives every rank the mean and (biased) variance of the
 * batch all ranks together hold, and the running statistics are updated from those (unbiased
 * with the global count). The all-reduce is an autograd op whose backward all-reduces the
 * gradient of the statistics, so the input gradient is the global batch's as well (PyTorch's
 * backward all-reduce of Σdy and Σdy·x̂ is the same computation). In eval mode, or in a group of
 * one, it is BatchNorm exactly. Buffers and keys are BatchNorm's.
 */
import { noGrad } from '../../autograd/grad_mode.js';
import { record } from '../../autograd/record.js';
import { formatShape } from '../../base/shape.js';
import { tidy, type Tensor } from '../../core/tensor.js';
import { tensor } from '../../ops/creation.js';
import { cat } from '../../ops/join.js';
import { batchNorm } from '../functional/normalization.js';
import { BatchNormNd, NormBase, type BatchNormOptions } from '../layers/batchnorm.js';
import { ModuleList } from '../layers/module_list.js';
import { Module } from '../module.js';
import { defaultProcessGroup, type ProcessGroup } from './group.js';

export interface SyncBatchNormOptions extends BatchNormOptions {
  /** The group whose ranks share the batch statistics (default: the world group). */
  processGroup?: ProcessGroup;
}

/**
 * Sum over the group, differentiable: forward all-reduces a copy of `t`; backward all-reduces
 * the incoming gradient (each rank's output is the same sum, so d sum / d t_r gathers every
 * rank's gradient).
 */
function allReduceSum(t: Tensor, group: ProcessGroup): Tensor {
  const out = noGrad(() => t.contiguous().clone());
  group.allReduce(out, 'sum');
  return record(out, 'AllReduceBackward', [t], [], (g) => {
    const summed = g.contiguous().clone();
    group.allReduce(summed, 'sum');
    return [summed];
  });
}

/**
 * @example
 * const bn = new nn.SyncBatchNorm(16, { processGroup: world });
 * bn.forward(dl.randn([8, 16, 4, 4])); // statistics over the 8 × world.size images
 */
export class SyncBatchNorm extends NormBase {
  readonly processGroup: ProcessGroup;

  constructor(numFeatures: number, options: SyncBatchNormOptions = {}) {
    const { processGroup, ...bn } = options;
    super(numFeatures, bn, { affine: true, trackRunningStats: true });
    this.processGroup = processGroup ?? defaultProcessGroup();
  }

  override forward(x: Tensor): Tensor {
    const owner = `SyncBatchNorm(${this.numFeatures})`;
    if (x.ndim < 2) throw new Error(`${owner}: expected at least 2D input [N, C, ...], got ${x.ndim}D input of shape ${formatShape(x.shape)}`);
    if (x.shape[1] !== this.numFeatures) throw new Error(`${owner}: expected ${this.numFeatures} channels in dim 1, got input of shape ${formatShape(x.shape)}`);
    const factor = this.trackBatch();
    const useBatch = this.training || (this.runningMean === null && this.runningVar === null);
    const keepStats = !this.training || this.trackRunningStats;
    if (!useBatch || this.processGroup.size === 1) {
      return batchNorm(x, keepStats ? this.runningMean : null, keepStats ? this.runningVar : null, {
        weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
      });
    }
    return this.globalBatchNorm(x, keepStats ? factor : null);
  }

  /** Normalises with the statistics of the whole group's batch; updates the running ones when `factor` is given. */
  private globalBatchNorm(x: Tensor, factor: number | null): Tensor {
    const C = this.numFeatures;
    const dims = x.shape.map((_, i) => i).filter((i) => i !== 1);
    const local = x.numel() / C;
    const stats = allReduceSum(cat([x.sum(dims), x.square().sum(dims), tensor([local], { dtype: 'float32' })]), this.processGroup);
    const count = noGrad(() => stats.narrow(0, 2 * C, 1).item());
    if (count <= 1) throw new Error(`SyncBatchNorm(${C}): expected more than 1 value per channel when training, got ${count} over the group`);
    const mean = stats.narrow(0, 0, C).div(count);
    const variance = stats.narrow(0, C, C).div(count).sub(mean.square()).clamp(0, Infinity);
    const bshape = x.shape.map((d, i) => (i === 1 ? d : 1));
    let y = x.sub(mean.reshape(bshape)).mul(variance.add(this.eps).rsqrt().reshape(bshape));
    if (this.weight !== null) y = y.mul(this.weight.reshape(bshape));
    if (this.bias !== null) y = y.add(this.bias.reshape(bshape));
    const rm = this.runningMean, rv = this.runningVar;
    if (factor !== null && rm !== null && rv !== null) {
      noGrad(() => tidy(() => {
        rm.copy_(rm.mul(1 - factor).add(mean.mul(factor)));
        rv.copy_(rv.mul(1 - factor).add(variance.mul(factor * count / (count - 1))));
      }));
    }
    return y;
  }

  /**
   * `module` with every BatchNorm1d/2d/3d replaced by a SyncBatchNorm sharing its parameters and
   * buffers (PyTorch's `convert_sync_batchnorm`); returns the module (a new one when `module`
   * itself is a BatchNorm).
   *
   * @example
   * const model = nn.SyncBatchNorm.convertSyncBatchnorm(net, world);
   */
  static convertSyncBatchnorm<M extends Module>(module: M, processGroup?: ProcessGroup): M | SyncBatchNorm {
    if (module instanceof BatchNormNd) return SyncBatchNorm.from(module, processGroup ?? defaultProcessGroup());
    for (const [name, child] of module.namedChildren()) {
      const converted = SyncBatchNorm.convertSyncBatchnorm(child, processGroup);
      if (converted !== child) replaceChild(module, name, child, converted);
    }
    return module;
  }

  /** A SyncBatchNorm over `bn`'s own parameters and buffers. */
  private static from(bn: BatchNormNd, processGroup: ProcessGroup): SyncBatchNorm {
    const sync = new SyncBatchNorm(bn.numFeatures, { eps: bn.eps, momentum: bn.momentum, affine: bn.affine, trackRunningStats: bn.trackRunningStats, processGroup });
    sync.weight = bn.weight;
    sync.bias = bn.bias;
    if (bn.trackRunningStats) {
      sync.setBuffer('running_mean', bn.runningMean!);
      sync.setBuffer('running_var', bn.runningVar!);
      sync.setBuffer('num_batches_tracked', bn.numBatchesTracked!);
    }
    sync.train(bn.training);
    return sync;
  }
}

/** Puts `next` where `parent` holds `child` under `name`: a list slot, a field, or a registration. */
function replaceChild(parent: Module, name: string, child: Module, next: Module): void {
  if (parent instanceof ModuleList && /^\d+$/.test(name) && parent.at(Number(name)) === child) {
    parent.insert(Number(name), next);
    parent.pop(Number(name) + 1);
  } else if (Object.prototype.hasOwnProperty.call(parent, name) && (parent as unknown as Record<string, unknown>)[name] === child) {
    (parent as unknown as Record<string, unknown>)[name] = next;
  } else {
    parent.registerModule(name, next);
  }
}
