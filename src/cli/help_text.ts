/**
 * The words of `--help` that commander does not lay out itself: option descriptions with what a
 * config key accepts and its default (read from the schema and the defaults, not restated), and
 * the examples under each command.
 */
import { DEFAULT_DATA, defaultConfig } from './config/defaults.js';
import { configSpecOf, type ConfigFlag } from './config/overrides.js';
import { describeSpec } from './config/spec.js';
import type { CommandDecl, OptionDecl } from './help_commands.js';

/** The default of a dotted config key, as `--help` shows it; null when it has none. */
function defaultOf(dotted: string): string | null {
  let v: unknown = defaultConfig();
  for (const key of dotted.split('.')) v = (v as Record<string, unknown>)[key];
  if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return null;
  if (v === DEFAULT_DATA.path) return 'the bundled datasets/penguins.csv';
  return Array.isArray(v) ? v.join(',') : String(v);
}

/** What a key accepts when that says more than "a string": its choices or its number range. */
function acceptsOf(dotted: string): string | null {
  let spec = configSpecOf(dotted);
  while (spec.t === 'nullable') spec = spec.of;
  if (spec.t === 'number' || (spec.t === 'string' && spec.oneOf !== undefined) || (spec.t === 'boolean' && spec.or !== undefined)) return describeSpec(spec);
  return null;
}

const withDefault = (text: string, value: string | null | undefined): string => (value == null ? text : `${text} (default: ${value})`);

/**
 * The description of a config flag: its help, then its key, what it accepts and its default.
 *
 * @example
 * configFlagHelp(CONFIG_FLAGS.find((f) => f.name === 'epochs')!);
 * // 'passes over the training split (hyperparameters.epochs: an integer >= 1; default: 50)'
 */
export function configFlagHelp(f: ConfigFlag): string {
  const accepts = acceptsOf(f.path);
  const dflt = defaultOf(f.path);
  return `${f.help} (${f.path}${accepts === null ? '' : `: ${accepts}`}${dflt === null ? '' : `; default: ${dflt}`})`;
}

/** The description of a command's own option, with its default. */
export function optionHelp(o: OptionDecl): string {
  return withDefault(o.help, o.default ?? (o.configKey === undefined ? null : defaultOf(o.configKey)));
}

/** Below a command's options: its examples. */
export function commandHelpText(decl: CommandDecl): string {
  return `\nExamples:\n${decl.examples.map((e) => `  $ ${e}`).join('\n')}\n`;
}

/** Below the command list. */
export function programHelpText(): string {
  return [
    '',
    'Config keys are flags too, in their config spelling or in kebab-case:',
    '  $ dlflow train --epochs 20 --batchSize 128 --lr 3e-4 --data.split.val 0.2',
    'Each command lists its options: dlflow <command> --help, or dlflow help <command>.',
    'Shell completion: source <(dlflow completion bash), or dlflow completion zsh.',
    '',
  ].join('\n');
}
