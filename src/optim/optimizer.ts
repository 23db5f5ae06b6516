/**
 * The optimizer base class, with PyTorch's design: parameter groups with per-group options that
 * fall back to the optimizer's defaults, per-parameter state created lazily on the first step,
 * and a state dict in PyTorch's layout (`{ state: {index: {...}}, param_groups: [...] }`).
 */
import { enableGrad, noGrad } from '../autograd/grad_mode.js';
import { viewOf } from '../core/dispatch.js';
import { keep } from '../core/scope.js';
import { isTensor, type Tensor } from '../core/tensor.js';
import { apply } from '../ops/apply.js';
import { filled } from '../ops/creation.js';

/** Options every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/** Fields LR schedulers add to a group (PyTorch's `initial_lr`, `max_lr`, ...). */
export interface SchedulerFields {
  initialLr?: number;
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

/** A parameter group: its parameters and its own value of every option. */
export type ParamGroup<O extends BaseOptions = BaseOptions> = O & SchedulerFields & { params: Tensor[] };

/** A group as passed to a constructor or `addParamGroup`: missing options take the defaults. */
export type ParamGroupInput<O extends BaseOptions = BaseOptions> = Partial<O> & { params: Iterable<Tensor> };

/** What an optimizer is built from: parameters, or a list of parameter groups. */
export type ParamsInput<O extends BaseOptions = BaseOptions> = Iterable<Tensor> | Iterable<ParamGroupInput<O>>;

/** One parameter's state: tensors (moment buffers) and numbers (`step`, `mu_product`). */
export type ParamState = Record<string, Tensor | number>;

/** PyTorch's optimizer state dict: state keyed by parameter index, groups with snake_case keys. */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  param_groups: Array<Record<string, unknown> & { params: number[] }>;
}

/** A closure that re-evaluates the model and returns the loss. */
export type Closure = () => Tensor | number;

const toSnake = (key: string): string => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** State values PyTorch keeps as one-element tensors and dlflow as numbers. */
const SCALAR_STATE = new Set(['step', 'mu_product']);

/** Marks an option that has no default (SGD's `lr`). */
export const REQUIRED = Number.NaN;

/** True for a state object without keys (checked every step: no array is allocated). */
function isEmpty(state: object): boolean {
  for (const key in state) if (Object.prototype.hasOwnProperty.call(state, key)) return false;
  return true;
}

/**
 * Base class of all optimizers. Subclasses implement `updateGroup`, which applies one step to
 * the parameters of a group that have a gradient.
 *
 * @example
 * const w = dl.randn([3], { requiresGrad: true });
 * const opt = new dl.optim.SGD([{ params: [w], lr: 0.1 }], { lr: 0.01, momentum: 0.9 });
 * w.square().sum().backward();
 * opt.step();
 * opt.zeroGrad();
 */
export abstract class Optimizer<O extends BaseOptions = BaseOptions> {
  /** The options a group gets when it does not set them. */
  readonly defaults: O;
  /** The parameter groups; schedulers and users may change their options between steps. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created on the parameter's first step. */
  state = new Map<Tensor, ParamState>();
  /** Number of `step()` calls (schedulers use it to warn about call order). */
  stepCount = 0;

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    const list = [...params] as (Tensor | ParamGroupInput<O>)[];
    if (list.length === 0) throw new Error(`${this.constructor.name}: optimizer got an empty parameter list`);
    if (isTensor(list[0])) {
      this.addParamGroup({ params: list as Tensor[] } as unknown as ParamGroupInput<O>);
    } else {
      for (const group of list as ParamGroupInput<O>[]) this.addParamGroup(group);
    }
  }

  /**
   * Add a group of parameters, e.g. layers unfrozen during fine-tuning.
   *
   * @example
   * opt.addParamGroup({ params: head.parameters(), lr: 1e-2 });
   */
  addParamGroup(group: ParamGroupInput<O>): void {
    const name = this.constructor.name;
    if (group === null || typeof group !== 'object' || isTensor(group)) {
      throw new TypeError(`${name}: a parameter group must be an object with a params field`);
    }
    const params = isTensor(group.params) ? [group.params as Tensor] : [...group.params];
    for (const p of params) {
      if (!isTensor(p)) throw new TypeError(`${name}: optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new Error(`${name}: can't optimize a non-leaf Tensor`);
      if (p.dtype !== 'float32') throw new TypeError(`${name}: parameters must be float32, got ${p.dtype}`);
    }
    if (new Set(params).size !== params.length) {
      process.emitWarning(`${name}: a parameter group contains duplicate parameters; this will be an error in future`, 'DlflowWarning');
    }
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => seen.has(p))) throw new Error(`${name}: some parameters appear in more than one parameter group`);
    const full: Record<string, unknown> = { ...group, params };
    for (const [key, value] of Object.entries(this.defaults)) {
      if (full[key] === undefined) {
        if (Number.isNaN(value)) throw new Error(`${name}: parameter group didn't specify a value of required optimization parameter ${key}`);
        full[key] = Array.isArray(value) ? [...value] : value;
      }
    }
    this.paramGroups.push(full as unknown as ParamGroup<O>);
  }

  /**
   * Reset the gradients of all optimized parameters: to null (disposing them), or to zero in
   * place with `setToNone = false`.
   */
  zeroGrad(setToNone = true): void {
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        const g = p.grad;
        if (g === null) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => g.zero_());
      }
    }
  }

  /**
   * Perform one optimization step on every parameter that has a gradient. `closure`, when given,
   * is run first (with grad enabled) and its loss returned.
   */
  step(closure?: Closure): Tensor | number | undefined {
    let loss: Tensor | number | undefined;
    if (closure !== undefined) loss = enableGrad(closure);
    noGrad(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    });
    this.stepCount++;
    return loss;
  }

  /** Apply one step to the parameters of `group` (called under noGrad). */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /** The state of `p`, created by `init` on first use. */
  protected stateOf<S extends ParamState>(p: Tensor, init: () => S): S {
    let s = this.state.get(p);
    if (s === undefined || isEmpty(s)) {
      s = init();
      this.state.set(p, s);
    }
    return s as S;
  }

  /** A new state buffer shaped like `p`, on its backend, filled with `value`; owned by the optimizer. */
  protected buffer(p: Tensor, value = 0): Tensor {
    return keep(filled(p.shape, 'float32', value, p.storage.backend));
  }

  /** A state buffer that is a copy of `src` (on `p`'s backend); owned by the optimizer. */
  protected bufferFrom(p: Tensor, src: Tensor): Tensor {
    return keep(apply({
      name: 'OptimizerState', kind: 'copy', inputs: [src], backend: p.storage.backend, out: { shape: p.shape, dtype: 'float32' },
      args(t) { return { x: viewOf(src), out: viewOf(t) }; },
    }));
  }

  /**
   * The optimizer's state in PyTorch's layout. Parameters are numbered in group order; state
   * tensors are the live buffers (clone them to snapshot); option names are snake_case.
   *
   * @example
   * const sd = opt.stateDict();
   * sd.state[0].exp_avg;            // Adam's first moment of the first parameter
   * sd.param_groups[0].weight_decay;
   */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const groups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> & { params: number[] } = { params: [] };
      for (const [key, value] of Object.entries(group)) {
        if (key !== 'params') packed[toSnake(key)] = Array.isArray(value) ? [...value] : value;
      }
      for (const p of group.params) {
        if (!index.has(p)) index.set(p, index.size);
        packed.params.push(index.get(p)!);
      }
      return packed;
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, param_groups: groups };
  }

  /**
   * Restore a state dict from `stateDict()` (of dlflow or PyTorch, same structure). Tensors are
   * copied; one-element `step` tensors become numbers.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = this.constructor.name;
    const saved = stateDict.param_groups;
    if (!Array.isArray(saved) || saved.length !== this.paramGroups.length) {
      throw new Error(`${name}.loadStateDict: loaded state dict has a different number of parameter groups (${saved?.length} vs ${this.paramGroups.length})`);
    }
    saved.forEach((g, i) => {
      if (!Array.isArray(g.params) || g.params.length !== this.paramGroups[i].params.length) {
        throw new Error(`${name}.loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group ${i}`);
      }
    });
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => byIndex.set(Number(id), this.paramGroups[i].params[j])));
    const state = new Map<Tensor, ParamState>();
    for (const [key, values] of Object.entries(stateDict.state ?? {})) {
      const p = byIndex.get(Number(key));
      if (p === undefined) continue;
      const s: ParamState = {};
      for (const [k, v] of Object.entries(values)) {
        if (isTensor(v)) s[k] = SCALAR_STATE.has(k) && v.numel() === 1 ? v.item() : this.bufferFrom(p, v.reshape(p.shape));
        else s[k] = v;
      }
      state.set(p, s);
    }
    this.disposeState();
    this.state = state;
    this.paramGroups = saved.map((g, i) => {
      const group: Record<string, unknown> = { params: this.paramGroups[i].params };
      for (const [key, value] of Object.entries(g)) {
        if (key !== 'params') group[toCamel(key)] = Array.isArray(value) ? [...value] : value;
      }
      return group as unknown as ParamGroup<O>;
    });
  }

  /** Free the state buffers (the optimizer can still step; state is rebuilt lazily). */
  disposeState(): void {
    for (const s of this.state.values()) {
      for (const v of Object.values(s)) if (isTensor(v)) v.dispose();
    }
    this.state.clear();
  }
}
