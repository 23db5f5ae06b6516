/**
 * The LR scheduler base class, with PyTorch 1.13's protocol: constructing a scheduler records
 * each group's `initialLr` and takes the first step (epoch 0); every `step()` advances
 * `lastEpoch` and writes the new rates into the optimizer's groups.
 */
import { option } from '../../base/options.js';
import type { Optimizer, ParamGroup } from '../optimizer.js';

/** Any optimizer (schedulers only touch `lr`, `initialLr`, `momentum` and `betas`). */
export type AnyOptimizer = Optimizer<any>;

/** A group's options seen as a record (for momentum/betas cycling). */
export type GroupRecord = ParamGroup & Record<string, unknown>;

/** TypeScript field names whose PyTorch state-dict names are not their plain snake_case. */
const RENAMED: Record<string, string> = {
  stepCount: '_step_count', lastLr: '_last_lr', TMax: 'T_max', T0: 'T_0', Ti: 'T_i', TMult: 'T_mult', TCur: 'T_cur',
  subSchedulers: '_schedulers', subMilestones: '_milestones', phases: '_schedule_phases',
};
const UNRENAMED = Object.fromEntries(Object.entries(RENAMED).map(([k, v]) => [v, k]));
const toSnake = (key: string): string => RENAMED[key] ?? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (key: string): string => UNRENAMED[key] ?? key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** A scheduler's state: its own fields, snake_case like PyTorch's `state_dict()`. */
export type SchedulerStateDict = Record<string, unknown>;

function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (value !== null && typeof value === 'object') return { ...value };
  return value;
}

/** Copy `this`'s fields (except `skip`) into a snake_case state dict. */
export function fieldsToState(self: object, skip: readonly string[]): SchedulerStateDict {
  const out: SchedulerStateDict = {};
  for (const [key, value] of Object.entries(self)) {
    if (key === 'optimizer' || skip.includes(key) || typeof value === 'function') continue;
    out[toSnake(key)] = plain(value);
  }
  return out;
}

/** Assign a snake_case state dict back onto `this`'s fields (except `skip`). */
export function stateToFields(self: object, state: SchedulerStateDict, skip: readonly string[]): void {
  for (const [key, value] of Object.entries(state)) {
    const field = toCamel(key);
    if (skip.includes(field)) continue;
    (self as Record<string, unknown>)[field] = plain(value);
  }
}

/**
 * Base class of the epoch-based schedulers. Subclasses set their fields, then call
 * `this.initialStep()` at the end of their constructor (PyTorch does this in the base
 * constructor, which TypeScript's field initialisation order does not allow).
 *
 * @example
 * class Halve extends LRScheduler {
 *   constructor(opt: dl.optim.Optimizer) { super(opt); this.initialStep(); }
 *   protected getLr() { return this.groups.map((g) => this.lastEpoch === 0 ? g.lr : g.lr / 2); }
 * }
 */
export abstract class LRScheduler {
  /** The epoch count: -1 before the first step, 0 after construction. */
  lastEpoch: number;
  /** Each group's `initialLr`. */
  baseLrs: number[];
  /** Steps taken, the constructor's included. */
  stepCount = 0;
  /** The rates set by the last step. */
  lastLr: number[] = [];

  constructor(readonly optimizer: AnyOptimizer, lastEpoch = -1) {
    if (lastEpoch === -1) {
      for (const g of optimizer.paramGroups as ParamGroup[]) g.initialLr ??= g.lr;
    } else {
      (optimizer.paramGroups as ParamGroup[]).forEach((g, i) => {
        if (g.initialLr === undefined) throw new Error(`param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
      });
    }
    this.baseLrs = (optimizer.paramGroups as ParamGroup[]).map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
  }

  /** The optimizer's groups. */
  protected get groups(): GroupRecord[] {
    return this.optimizer.paramGroups as GroupRecord[];
  }

  /** Reset the step counts and take the first step (called at the end of constructors). */
  protected initialStep(): void {
    this.optimizer.stepCount = 0;
    this.stepCount = 0;
    this.step();
  }

  /** A plain `step()` advances it (see `SchedulerLike`); a getter, so it stays out of `stateDict()`. */
  get stepsOnMetric(): false {
    return false;
  }

  /** The rates for `lastEpoch`, computed from the current ones (the recursive form). */
  protected abstract getLr(): number[];

  /** The rates for `lastEpoch` in closed form, used by `step(epoch)` where a scheduler has one. */
  protected closedFormLr?(): number[];

  /**
   * Advance one epoch (or jump to `epoch`, deprecated in PyTorch) and set the new rates.
   *
   * @example
   * for (let epoch = 0; epoch < 30; epoch++) { train(); scheduler.step(); }
   */
  step(epoch?: number): void {
    this.stepCount++;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch++;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr !== undefined ? this.closedFormLr() : this.getLr();
    }
    this.groups.forEach((g, i) => { g.lr = values[i]; });
    this.lastLr = this.groups.map((g) => g.lr);
  }

  /** The learning rates the last step set, one per group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Fields that are not state (functions, other schedulers); subclasses extend. */
  protected get stateSkip(): readonly string[] {
    return [];
  }

  /** The scheduler's state (every field but the optimizer), with PyTorch's names. */
  stateDict(): SchedulerStateDict {
    return fieldsToState(this, this.stateSkip);
  }

  /** Restore a state from `stateDict()`. */
  loadStateDict(state: SchedulerStateDict): void {
    stateToFields(this, state, this.stateSkip);
  }
}

/** Every scheduler's `lastEpoch`: the index of the last epoch when resuming (default -1, a fresh start). */
export const LAST_EPOCH = option.number({ default: -1, min: -1, integer: true });
