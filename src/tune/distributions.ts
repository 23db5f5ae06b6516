/**
 * Parameter distributions as Optuna defines them. A parameter's value is kept in two forms:
 * external (what the objective sees: a number, or one of the categorical choices) and internal
 * (a number: the value itself, or the index of the choice), which samplers work on.
 */
import { defineOptions, option, type OptionsInput } from '../base/options.js';
import { TuneError } from './errors.js';

/** A choice of `suggestCategorical`: JSON scalars, so studies can be stored. */
export type CategoricalChoice = string | number | boolean | null;

export interface FloatDistribution { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number | null }
export interface IntDistribution { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number }
export interface CategoricalDistribution { readonly kind: 'categorical'; readonly choices: readonly CategoricalChoice[] }
export type Distribution = FloatDistribution | IntDistribution | CategoricalDistribution;
export type DistributionKind = Distribution['kind'];
export type ParamValue = number | CategoricalChoice;

/**
 * Options of `suggestFloat` / `suggestInt` (checked under `suggestFloat('<name>')`). Their
 * bounds (a step > 0, an integer step for integers, not both log and step) are checked with the
 * distribution, as TuneErrors naming the parameter, where the CLI's search space meets them too.
 */
export const SUGGEST_OPTIONS = defineOptions('suggest', {
  /** Sample on a log scale (default false; needs low > 0, and no step). */
  log: option.boolean(false),
  /** Sample on the grid low, low + step, … up to high (default: none for floats, 1 for integers). */
  step: option.number(),
});

/** Options of `suggestFloat` / `suggestInt`. */
export type SuggestOptions = OptionsInput<typeof SUGGEST_OPTIONS>;

function checkRange(name: string, low: number, high: number, opts: SuggestOptions): void {
  if (!Number.isFinite(low) || !Number.isFinite(high)) throw new TuneError(`parameter '${name}': low and high must be finite numbers, got ${low} and ${high}`);
  if (low > high) throw new TuneError(`parameter '${name}': low (${low}) must not exceed high (${high})`);
  if (opts.log && opts.step !== undefined) throw new TuneError(`parameter '${name}': step and log cannot be used together`);
  if (opts.log && low <= 0) throw new TuneError(`parameter '${name}': low must be > 0 on a log scale, got ${low}`);
  if (opts.step !== undefined && !(opts.step > 0)) throw new TuneError(`parameter '${name}': step must be > 0, got ${opts.step}`);
}

/** Optuna's rule: `high` is lowered to the last point of the step grid. */
function adjustHigh(low: number, high: number, step: number): number {
  const n = Math.floor((high - low) / step + 1e-9);
  return low + n * step;
}

export function floatDistribution(name: string, low: number, high: number, opts: SuggestOptions = {}): FloatDistribution {
  checkRange(name, low, high, opts);
  const step = opts.step ?? null;
  return { kind: 'float', low, high: step === null ? high : adjustHigh(low, high, step), log: opts.log ?? false, step };
}

export function intDistribution(name: string, low: number, high: number, opts: SuggestOptions = {}): IntDistribution {
  checkRange(name, low, high, opts);
  const step = opts.step ?? 1;
  for (const [k, v] of [['low', low], ['high', high], ['step', step]] as const) {
    if (!Number.isInteger(v)) throw new TuneError(`parameter '${name}': ${k} must be an integer for suggestInt, got ${v}`);
  }
  if (opts.log && low < 1) throw new TuneError(`parameter '${name}': low must be >= 1 on a log scale, got ${low}`);
  return { kind: 'int', low, high: adjustHigh(low, high, step), log: opts.log ?? false, step };
}

export function categoricalDistribution(name: string, choices: readonly CategoricalChoice[]): CategoricalDistribution {
  if (!Array.isArray(choices) || choices.length === 0) throw new TuneError(`parameter '${name}': suggestCategorical needs at least one choice`);
  for (const c of choices) {
    const ok = c === null || ['string', 'number', 'boolean'].includes(typeof c);
    if (!ok) throw new TuneError(`parameter '${name}': choices must be strings, numbers, booleans or null, got ${typeof c}`);
  }
  return { kind: 'categorical', choices: [...choices] };
}

/** The number a sampler works on. */
export function toInternal(d: Distribution, value: ParamValue): number {
  if (d.kind !== 'categorical') return value as number;
  const i = d.choices.findIndex((c) => Object.is(c, value) || c === value);
  if (i < 0) throw new TuneError(`value ${JSON.stringify(value)} is not one of the choices ${JSON.stringify(d.choices)}`);
  return i;
}

/** The value the objective sees. */
export function toExternal(d: Distribution, internal: number): ParamValue {
  switch (d.kind) {
    case 'categorical': return d.choices[internal];
    case 'int': return Math.round(internal);
    case 'float': return internal;
  }
}

/** Whether an internal value lies in the distribution (on its step grid). */
export function contains(d: Distribution, internal: number): boolean {
  switch (d.kind) {
    case 'categorical': return Number.isInteger(internal) && internal >= 0 && internal < d.choices.length;
    case 'int': return Number.isInteger(internal) && internal >= d.low && internal <= d.high && (internal - d.low) % d.step === 0;
    case 'float': {
      if (!(internal >= d.low && internal <= d.high)) return false;
      if (d.step === null) return true;
      const k = (internal - d.low) / d.step;
      return Math.abs(k - Math.round(k)) < 1e-8;
    }
  }
}

/** Structural equality: a re-suggest must describe the same distribution. */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Whether the values of `a` can be observations for sampling `b` (Optuna's compatibility rule). */
export function compatibleDistributions(a: Distribution, b: Distribution): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'categorical') return JSON.stringify(a.choices) === JSON.stringify((b as CategoricalDistribution).choices);
  return a.log === (b as FloatDistribution | IntDistribution).log;
}

/** A one-line description for error messages. */
export function describeDistribution(d: Distribution): string {
  switch (d.kind) {
    case 'categorical': return `categorical ${JSON.stringify(d.choices)}`;
    case 'int':
    case 'float': return `${d.kind} [${d.low}, ${d.high}]${d.log ? ' log' : ''}${d.step !== null && !(d.kind === 'int' && d.step === 1) ? ` step ${d.step}` : ''}`;
  }
}

/** Checks a distribution read back from a storage (JSON). */
export function parseDistribution(raw: unknown, where: string): Distribution {
  const r = raw as Partial<Record<string, unknown>>;
  const kind = r?.kind;
  if (kind === 'categorical' && Array.isArray(r.choices)) return { kind, choices: r.choices as CategoricalChoice[] };
  if ((kind === 'float' || kind === 'int') && typeof r.low === 'number' && typeof r.high === 'number') {
    return { kind, low: r.low, high: r.high, log: r.log === true, step: (r.step ?? (kind === 'int' ? 1 : null)) as number } as Distribution;
  }
  throw new TuneError(`${where}: not a parameter distribution: ${JSON.stringify(raw)}`);
}
