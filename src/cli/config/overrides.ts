/**
 * Config keys from the command line: `--epochs 20 --lr 3e-4 --hidden 256,128 --device cpu`,
 * or any dotted path (`--hyperparameters.scheduler.type cosine`, `--data.split.val 0.2`).
 * This file is the one mapping from flags to config keys: the parser, `--help` and shell
 * completion read {@link CONFIG_FLAGS} and {@link configFlagPath}, and nothing else lists them.
 * Every flag works in its config spelling (`--batchSize`, `--data.split.val`) and in kebab-case
 * (`--batch-size`). Values are converted by the schema: numbers, booleans, comma-separated
 * lists, `null`.
 */
import { didYouMean } from '../../base/suggest.js';
import { CONFIG_SPEC } from './schema.js';
import { specAt, type Spec } from './spec.js';
import { UsageError } from '../errors.js';

/** A short flag for a config key, as `--help` shows it. */
export interface ConfigFlag {
  /** Kebab-case name without dashes (`batch-size`); its camelCase spelling works too. */
  name: string;
  /** The dotted config key it sets. */
  path: string;
  /** Placeholder of the value in `--help` (`<n>`). */
  value: string;
  help: string;
}

const flag = (name: string, path: string, value: string, help: string): ConfigFlag => ({ name, path, value, help });

/** The short flags, in the order `--help` lists them. */
export const CONFIG_FLAGS: readonly ConfigFlag[] = [
  flag('data', 'data.path', 'path', 'table file (CSV/TSV/JSONL/Parquet) or an IDX, image or audio folder'),
  flag('target', 'data.target', 'column', 'column to predict (default: guessed when unambiguous; species for the bundled data)'),
  flag('test', 'data.test', 'file', 'a separate test file (instead of a test split of --data)'),
  flag('features', 'data.features', 'a,b,...', 'input columns (default: all but the target)'),
  flag('drop', 'data.drop', 'a,b,...', 'columns left out'),
  flag('skip-bad-files', 'data.skipBadFiles', 'bool', 'leave damaged files of an image or audio folder out, listing each, instead of failing on the first'),
  flag('lazy', 'data.lazy', 'auto|bool', "decode an image folder's images on demand, batch by batch in worker threads, instead of holding them in memory"),
  flag('model', 'model.arch', 'arch', "'auto', 'layers' or a .ts/.js Module file"),
  flag('hidden', 'model.hidden', 'n,n,...', 'hidden layer sizes (default: from the data)'),
  flag('activation', 'model.activation', 'name', 'activation after each hidden layer'),
  flag('batch-norm', 'model.batchNorm', 'bool', 'BatchNorm after each hidden layer'),
  flag('epochs', 'hyperparameters.epochs', 'n', 'passes over the training split'),
  flag('batch-size', 'hyperparameters.batchSize', 'n', 'rows per training step'),
  flag('lr', 'hyperparameters.lr', 'rate', 'learning rate'),
  flag('optimizer', 'hyperparameters.optimizer', 'name', 'optimizer'),
  flag('weight-decay', 'hyperparameters.weightDecay', 'x', 'weight decay'),
  flag('dropout', 'hyperparameters.dropout', 'p', 'dropout after each hidden layer'),
  flag('scheduler', 'hyperparameters.scheduler.type', 'name', 'learning-rate schedule'),
  flag('patience', 'hyperparameters.earlyStopping.patience', 'n', 'epochs without improvement before stopping early, 0 for never'),
  flag('grad-clip', 'hyperparameters.gradClip', 'norm', 'clip the gradient norm to this, 0 for never'),
  flag('loss', 'loss', 'name', 'loss function'),
  flag('metrics', 'metrics', 'a,b,...', "'auto' or metric names"),
  flag('seed', 'seed', 'n', 'seed of the split, the initial weights and the batch order'),
  flag('device', 'device', 'name', 'where to train'),
  flag('name', 'name', 'name', 'run name (default: data file name and time)'),
  flag('runs-dir', 'runsDir', 'dir', 'folder of the run directories'),
  flag('log', 'log', 'mode', 'progress output'),
];

/** `batch-size` → `batchSize`. */
export const camelCase = (s: string): string => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
/** `batchSize` → `batch-size`. */
export const kebabCase = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const SHORT = new Map(CONFIG_FLAGS.map((f) => [f.name, f]));

/**
 * The dotted config key a flag names, in either spelling, or undefined when no key has that path.
 *
 * @example
 * configFlagPath('batchSize');             // 'hyperparameters.batchSize'
 * configFlagPath('data.split.val');        // 'data.split.val'
 * configFlagPath('hyperparameters.grad-clip'); // 'hyperparameters.gradClip'
 */
export function configFlagPath(name: string): string | undefined {
  const dotted = SHORT.get(kebabCase(name))?.path ?? name.split('.').map(camelCase).join('.');
  return specAt(CONFIG_SPEC, dotted.split('.')).spec === undefined ? undefined : dotted;
}

/** The schema node of a dotted key (which `configFlagPath` found). */
export function configSpecOf(dotted: string): Spec {
  const spec = specAt(CONFIG_SPEC, dotted.split('.')).spec;
  if (spec === undefined) throw new Error(`no config key ${dotted}`);
  return spec;
}

/** Short flags in both spellings and the top-level keys: what an unknown flag is compared with. */
function topLevelNames(): string[] {
  const roots = CONFIG_SPEC.t === 'object' ? Object.keys(CONFIG_SPEC.fields) : [];
  return [...new Set([...CONFIG_FLAGS.flatMap((f) => [f.name, camelCase(f.name)]), ...roots])];
}

/**
 * The message for a flag that is neither a config key nor one of `commandFlags` (the command's
 * own options), with the closest known flag.
 *
 * @example
 * unknownFlagMessage('epohcs', ['resume']); // "unknown option --epohcs (did you mean '--epochs'?)"
 */
export function unknownFlagMessage(name: string, commandFlags: readonly string[] = [], configFlags = true): string {
  const dotted = name.split('.').map(camelCase);
  const found = configFlags ? specAt(CONFIG_SPEC, dotted) : { known: [], at: 0 };
  const known = found.at === 0
    ? [...commandFlags, ...(configFlags ? topLevelNames() : [])]
    : found.known.map((k) => [...dotted.slice(0, found.at), k].join('.'));
  const hint = didYouMean(found.at === 0 ? name : dotted.join('.'), known).replace(/'([^']+)'/, "'--$1'");
  return `unknown option --${name}${hint}`;
}

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

/**
 * Turns flags into a nested override object. Unknown flags are usage errors with a suggestion.
 *
 * @example
 * flagsToOverrides([['epochs', '20'], ['hidden', '256,128'], ['batchSize', '32']]);
 * // { hyperparameters: { epochs: 20, batchSize: 32 }, model: { hidden: [256, 128] } }
 */
export function flagsToOverrides(flags: readonly [string, string | true][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, raw] of flags) {
    const dotted = configFlagPath(name);
    if (dotted === undefined) throw new UsageError(unknownFlagMessage(name));
    const path = dotted.split('.');
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = coerce(raw, configSpecOf(dotted), name);
  }
  return out;
}
