/**
 * Config keys from the command line: `--epochs 20 --lr 3e-4 --hidden 256,128 --device cpu`,
 * or any dotted path (`--hyperparameters.scheduler.type cosine`, `--data.split.val 0.2`).
 * Values are converted by the schema: numbers, booleans, comma-separated lists, `null`.
 */
import { didYouMean } from './levenshtein.js';
import { CONFIG_SPEC } from './schema.js';
import { specAt, type Spec } from './spec.js';
import { UsageError } from '../errors.js';

/** Short flags and the config path each one sets. */
export const FLAG_ALIASES: Readonly<Record<string, string>> = {
  data: 'data.path', target: 'data.target', test: 'data.test', features: 'data.features', drop: 'data.drop',
  epochs: 'hyperparameters.epochs', lr: 'hyperparameters.lr', 'batch-size': 'hyperparameters.batchSize',
  optimizer: 'hyperparameters.optimizer', 'weight-decay': 'hyperparameters.weightDecay',
  dropout: 'hyperparameters.dropout', patience: 'hyperparameters.earlyStopping.patience',
  'grad-clip': 'hyperparameters.gradClip', scheduler: 'hyperparameters.scheduler.type',
  hidden: 'model.hidden', activation: 'model.activation', 'batch-norm': 'model.batchNorm', model: 'model.arch',
  seed: 'seed', device: 'device', name: 'name', loss: 'loss', metrics: 'metrics', log: 'log', 'runs-dir': 'runsDir',
};

const camel = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function coerce(raw: string | true, spec: Spec, flag: string): unknown {
  if (spec.t === 'nullable') return raw === 'null' ? null : coerce(raw, spec.of, flag);
  if (raw === true) {
    if (spec.t === 'boolean') return true;
    throw new UsageError(`--${flag} needs a value (${spec.t === 'list' ? 'comma-separated' : spec.t})`);
  }
  switch (spec.t) {
    case 'number': { const n = Number(raw); return raw.trim() === '' || Number.isNaN(n) ? raw : n; }
    case 'boolean': return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'list': return raw === '' ? [] : raw.split(',').map((s) => coerce(s.trim(), spec.of, flag));
    case 'any': return raw.includes(',') ? raw.split(',').map((s) => s.trim()) : raw;
    default: return raw;
  }
}

/** Every flag a config override may use (aliases and top-level dotted roots). */
export function overrideFlagNames(): string[] {
  const roots = CONFIG_SPEC.t === 'object' ? Object.keys(CONFIG_SPEC.fields) : [];
  return [...new Set([...Object.keys(FLAG_ALIASES), ...roots])];
}

/**
 * Turns flags into a nested override object. Unknown flags are usage errors with a suggestion.
 *
 * @example
 * flagsToOverrides([['epochs', '20'], ['hidden', '256,128']]);
 * // { hyperparameters: { epochs: 20 }, model: { hidden: [256, 128] } }
 */
export function flagsToOverrides(flags: readonly [string, string | true][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, raw] of flags) {
    const dotted = FLAG_ALIASES[flag] ?? flag.split('.').map(camel).join('.');
    const path = dotted.split('.');
    const found = specAt(CONFIG_SPEC, path);
    if (found.spec === undefined) {
      const known = found.at === 0 ? overrideFlagNames() : found.known.map((k) => [...path.slice(0, found.at), k].join('.'));
      const hint = didYouMean(found.at === 0 ? flag : dotted, known).replace(/'([^']+)'/, "'--$1'");
      throw new UsageError(`unknown option --${flag}${hint}`);
    }
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = coerce(raw, found.spec, flag);
  }
  return out;
}
