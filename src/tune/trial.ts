/**
 * Trial: what the objective gets. Suggestions are synchronous (the sampler works on the trials
 * as stored when this one began); writes to the storage are queued in order and awaited by the
 * study when the objective returns.
 */
import {
  categoricalDistribution, compatibleDistributions, contains, describeDistribution, floatDistribution, intDistribution, sameDistribution, SUGGEST_OPTIONS,
  toExternal, type CategoricalChoice, type Distribution, type ParamValue, type SuggestOptions,
} from './distributions.js';
import { TuneError } from './errors.js';
import type { FrozenTrial, StudyDirection } from './frozen_trial.js';
import type { Pruner } from './pruners/pruner.js';
import type { Sampler, SamplerContext } from './samplers/sampler.js';
import type { NewTrial, Storage } from './storages/storage.js';

/** What a Trial needs from its study. */
export interface TrialHost {
  readonly studyName: string;
  readonly direction: StudyDirection;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly storage: Storage;
  /** Called on every write, so that a worker busy with synchronous work still shows it is alive. */
  beat(trialId: number): void;
}

function checkJson(what: string, value: unknown): void {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new TuneError(`${what} must be JSON-serialisable: ${(e as Error).message}`);
  }
  if (text === undefined) throw new TuneError(`${what} must be JSON-serialisable, got ${typeof value}`);
}

export class Trial {
  /** 0, 1, 2, ... within the study. */
  readonly number: number;
  readonly trialId: number;
  private readonly paramValues: Record<string, ParamValue> = {};
  private readonly dists: Record<string, Distribution> = {};
  private readonly intermediate = new Map<number, number>();
  private readonly user: Record<string, unknown> = {};
  private readonly system: Record<string, unknown>;
  private readonly started = new Date();
  private writes: Promise<void> = Promise.resolve();
  private writeError: Error | null = null;
  private relativeSpace: Readonly<Record<string, Distribution>> = {};
  private relativeParams: Readonly<Record<string, number>> = {};

  /** @internal Created by Study.optimize. */
  constructor(private readonly host: TrialHost, rec: NewTrial, private readonly ctx: SamplerContext, systemAttrs: Record<string, unknown>) {
    this.number = rec.number;
    this.trialId = rec.trialId;
    this.system = { ...systemAttrs };
  }

  private write(op: () => Promise<void>): void {
    this.host.beat(this.trialId);
    this.writes = this.writes.then(op).catch((e: Error) => { this.writeError ??= e; });
  }

  /** @internal Draws the sampler's joint values (multivariate samplers) before the objective runs. */
  sampleRelative(): void {
    const sampler = this.host.sampler;
    this.relativeSpace = sampler.inferRelativeSearchSpace?.(this.ctx, this.frozen()) ?? {};
    if (Object.keys(this.relativeSpace).length > 0) this.relativeParams = sampler.sampleRelative?.(this.ctx, this.frozen(), this.relativeSpace) ?? {};
  }

  /** The jointly drawn internal value of `name`, when there is one and `dist` contains it (Optuna's `_is_relative_param`). */
  private relativeValue(name: string, dist: Distribution): number | undefined {
    const value = this.relativeParams[name];
    if (value === undefined) return undefined;
    const space = this.relativeSpace[name];
    if (space === undefined) throw new TuneError(`the sampler drew '${name}' jointly, but it is not in its relative search space`);
    if (!compatibleDistributions(space, dist)) {
      throw new TuneError(`parameter '${name}' is suggested as ${describeDistribution(dist)}, but earlier trials had it as ${describeDistribution(space)}`);
    }
    return contains(dist, value) ? value : undefined;
  }

  /** @internal Waits for the queued writes; throws the first that failed. */
  async flush(): Promise<void> {
    await this.writes;
    if (this.writeError !== null) throw new TuneError(`trial ${this.number}: writing to ${this.host.storage.description} failed: ${this.writeError.message}`);
  }

  /** A float in [low, high]; `log` samples on a log scale, `step` on a grid from low. */
  suggestFloat(name: string, low: number, high: number, options: SuggestOptions = {}): number {
    return this.suggest(name, floatDistribution(name, low, high, SUGGEST_OPTIONS.parse(options, `suggestFloat('${name}')`))) as number;
  }

  /** An integer in [low, high]; `log` samples on a log scale, `step` on a grid from low. */
  suggestInt(name: string, low: number, high: number, options: SuggestOptions = {}): number {
    return this.suggest(name, intDistribution(name, low, high, SUGGEST_OPTIONS.parse(options, `suggestInt('${name}')`))) as number;
  }

  /** One of `choices`. */
  suggestCategorical<T extends CategoricalChoice>(name: string, choices: readonly T[]): T {
    return this.suggest(name, categoricalDistribution(name, choices)) as T;
  }

  private suggest(name: string, dist: Distribution): ParamValue {
    const earlier = this.dists[name];
    if (earlier !== undefined) {
      if (!sameDistribution(earlier, dist)) {
        throw new TuneError(`parameter '${name}' was suggested as ${describeDistribution(earlier)} earlier in trial ${this.number}, now as ${describeDistribution(dist)}`);
      }
      return this.paramValues[name];
    }
    const single = dist.kind === 'categorical' ? dist.choices.length === 1 : dist.low === dist.high;
    const internal = single ? (dist.kind === 'categorical' ? 0 : dist.low)
      : this.relativeValue(name, dist) ?? this.host.sampler.sampleIndependent(this.ctx, this.frozen(), name, dist);
    if (!contains(dist, internal)) throw new TuneError(`the sampler returned ${internal} for '${name}', outside ${describeDistribution(dist)}`);
    const value = toExternal(dist, internal);
    this.paramValues[name] = value;
    this.dists[name] = dist;
    this.write(() => this.host.storage.setParam(this.trialId, name, internal, dist));
    return value;
  }

  /** Reports the value at a step (an epoch) for the pruner. */
  report(value: number, step: number): void {
    if (typeof value !== 'number') throw new TuneError(`trial ${this.number}: report() needs a number, got ${typeof value}`);
    if (!Number.isInteger(step) || step < 0) throw new TuneError(`trial ${this.number}: report() needs an integer step >= 0, got ${step}`);
    if (this.intermediate.has(step)) throw new TuneError(`trial ${this.number}: step ${step} was already reported`);
    this.intermediate.set(step, value);
    this.write(() => this.host.storage.setIntermediateValue(this.trialId, step, value));
  }

  /** Whether the pruner says to stop this trial now (then throw `TrialPruned`). */
  shouldPrune(): boolean {
    const ctx = {
      studyName: this.host.studyName,
      direction: this.host.direction,
      trials: this.ctx.trials,
      setSystemAttr: (key: string, value: unknown) => this.setSystemAttr(key, value),
    };
    return this.host.pruner.prune(ctx, this.frozen());
  }

  /** Stores a JSON-serialisable attribute with the trial. */
  setUserAttr(key: string, value: unknown): void {
    checkJson(`user attribute '${key}'`, value);
    this.user[key] = value;
    this.write(() => this.host.storage.setUserAttr(this.trialId, key, value));
  }

  /** @internal For samplers and pruners. */
  setSystemAttr(key: string, value: unknown): void {
    checkJson(`system attribute '${key}'`, value);
    this.system[key] = value;
    this.write(() => this.host.storage.setSystemAttr(this.trialId, key, value));
  }

  get params(): Readonly<Record<string, ParamValue>> { return { ...this.paramValues }; }
  get distributions(): Readonly<Record<string, Distribution>> { return { ...this.dists }; }
  get userAttrs(): Readonly<Record<string, unknown>> { return { ...this.user }; }
  get intermediateValues(): ReadonlyMap<number, number> { return new Map(this.intermediate); }

  /** This trial as it stands, running. */
  frozen(): FrozenTrial {
    return {
      number: this.number, trialId: this.trialId, state: 'running', value: null, params: this.params, distributions: this.distributions,
      intermediateValues: this.intermediateValues, userAttrs: this.userAttrs, systemAttrs: { ...this.system },
      datetimeStart: this.started, datetimeComplete: null,
    };
  }
}
