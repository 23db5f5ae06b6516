/**
 * Command-line parsing. commander parses what the user typed against the declarations of
 * help_commands.ts and the config flags of config/overrides.ts (the same declarations give
 * `--help` and shell completion); the command then receives a normalized argv — positionals,
 * then `--name=value` and bare `--switch` — which `parseArgs` and `takeFlag` read.
 */
import { Command, CommanderError, Option } from 'commander';
import { CONFIG_FLAGS, camelCase, configFlagPath, configSpecOf, unknownFlagMessage } from './config/overrides.js';
import { UsageError } from './errors.js';
import { COMMANDS, type CommandDecl, type CommandName } from './help_commands.js';
import { configFlagHelp, commandHelpText, optionHelp, programHelpText } from './help_text.js';

export interface ParsedArgs {
  positionals: string[];
  /** Flags in order, value `true` when bare. */
  flags: [string, string | true][];
}

/**
 * Splits a normalized argv into positionals and flags. A flag takes the next word as its value
 * unless that word is another flag (`--json --out x`); negative numbers count as values.
 *
 * @example
 * parseArgs(['cfg.yaml', '--epochs', '3', '--json']);
 * // { positionals: ['cfg.yaml'], flags: [['epochs', '3'], ['json', true]] }
 */
export function parseArgs(argv: readonly string[], booleanFlags: ReadonlySet<string> = new Set()): ParsedArgs {
  const positionals: string[] = [];
  const flags: [string, string | true][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (!a.startsWith('--') || a.length === 2) { positionals.push(a); continue; }
    const eq = a.indexOf('=');
    if (eq > 0) { flags.push([a.slice(2, eq), a.slice(eq + 1)]); continue; }
    const name = a.slice(2);
    const next = argv[i + 1];
    if (!booleanFlags.has(name) && next !== undefined && !next.startsWith('--')) {
      flags.push([name, next]);
      i++;
    } else {
      flags.push([name, true]);
    }
  }
  return { positionals, flags };
}

/** Takes the value of a flag out of `args` (last one wins); throws for a bare flag that needs a value. */
export function takeFlag(args: ParsedArgs, name: string): string | undefined {
  let value: string | undefined;
  args.flags = args.flags.filter(([k, v]) => {
    if (k !== name) return true;
    if (v === true) throw new UsageError(`--${name} needs a value`);
    value = v;
    return false;
  });
  return value;
}

/** Takes a boolean flag out of `args`. */
export function takeSwitch(args: ParsedArgs, name: string): boolean {
  const before = args.flags.length;
  args.flags = args.flags.filter(([k]) => k !== name);
  return args.flags.length !== before;
}

/** Throws a usage error for any flag left over, suggesting the closest known one. */
export function rejectUnknown(args: ParsedArgs, known: readonly string[], command: string): void {
  const [first] = args.flags;
  if (first !== undefined) throw new UsageError(`dlflow ${command}: ${unknownFlagMessage(first[0], known, false)}`);
}

/** What the command line asks for: a command with its normalized argv, or help/version already printed. */
export type Invocation = { command: CommandName; argv: string[] } | { exitCode: number };

/** Flags given, in order, under the names the commands and config/overrides.ts read. */
type Recorded = [string, string | true][];

const isBooleanKey = (dotted: string): boolean => {
  let spec = configSpecOf(dotted);
  while (spec.t === 'nullable') spec = spec.of;
  return spec.t === 'boolean';
};

/** Adds `option` to `cmd`, recording each use as `[recordAs, value]`. */
function addRecorded(cmd: Command, option: Option, recordAs: string, out: Recorded): void {
  cmd.addOption(option);
  cmd.on(`option:${option.name()}`, (value: string | null | undefined) => { out.push([recordAs, value ?? true]); });
}

function commandOption(o: CommandDecl['options'][number]): Option {
  const option = new Option(`--${o.name}${o.value === undefined ? '' : ` <${o.value}>`}`, optionHelp(o));
  return o.hidden ? option.hideHelp() : option;
}

/** `--batchSize, --batch-size <n>`: the config spelling first, kebab-case as the option's name. */
function configOption(name: string, dotted: string, value: string, help: string): Option {
  const camel = camelCase(name);
  const spellings = camel === name ? `--${name}` : `--${camel}, --${name}`;
  return new Option(`${spellings} ${isBooleanKey(dotted) ? `[${value}]` : `<${value}>`}`, help);
}

/** Long flags the user typed after the command, up to `--`. */
function typedFlags(rest: readonly string[]): string[] {
  const end = rest.indexOf('--');
  return (end < 0 ? rest : rest.slice(0, end)).filter((a) => a.startsWith('--') && a.length > 2).map((a) => a.slice(2).split('=')[0]);
}

/**
 * Declares on `cmd` the dotted config keys the user typed (any key of the schema is a flag, so
 * they cannot all be listed up front); an unknown flag is a usage error with the closest one.
 */
function declareTypedFlags(cmd: Command, decl: CommandDecl, rest: readonly string[], out: Recorded): void {
  const own = new Set(['help', ...decl.options.map((o) => o.name), ...(decl.configFlags ? CONFIG_FLAGS.flatMap((f) => [f.name, camelCase(f.name)]) : [])]);
  for (const name of typedFlags(rest)) {
    if (own.has(name)) continue;
    const dotted = decl.configFlags ? configFlagPath(name) : undefined;
    const visible = decl.options.filter((o) => !o.hidden).map((o) => o.name);
    if (dotted === undefined) throw new UsageError(`dlflow ${decl.name}: ${unknownFlagMessage(name, visible, decl.configFlags)}`);
    own.add(name);
    addRecorded(cmd, new Option(`--${name} ${isBooleanKey(dotted) ? '[value]' : '<value>'}`).hideHelp(), name, out);
  }
}

/** A flag list back into words, positionals first (a positional that looks like a flag goes after `--`). */
function normalizedArgv(positionals: readonly string[], flags: Recorded): string[] {
  const words = flags.map(([k, v]) => (v === true ? `--${k}` : `--${k}=${v}`));
  return positionals.some((p) => p.startsWith('--')) ? [...words, '--', ...positionals] : [...positionals, ...words];
}

/** Declares `decl` on `cmd` (made by the program's `.command()`, so it inherits its error handling). */
function declare(cmd: Command, decl: CommandDecl, out: Recorded): Command {
  cmd.description(decl.description ?? decl.summary).summary(decl.summary).allowExcessArguments(true).helpOption('-h, --help', 'show this help');
  for (const a of decl.args) cmd.argument(a.required ? `<${a.name}>` : `[${a.name}]`, a.help);
  for (const o of decl.options) addRecorded(cmd, commandOption(o), o.configKey ?? o.name, out);
  if (decl.configFlags) {
    cmd.optionsGroup('Config keys (any key of dlflow.yaml is also a flag, e.g. --data.split.val 0.2):');
    for (const f of CONFIG_FLAGS) addRecorded(cmd, configOption(f.name, f.path, f.value, configFlagHelp(f)), f.name, out);
  }
  return cmd.addHelpText('after', commandHelpText(decl));
}

/** The program: every declared command, `help [command]`, `--version`; errors thrown, not printed. */
function programOf(version: string, out: Recorded, picked: (name: CommandName, args: string[]) => void): Command {
  const program = new Command('dlflow').description('Deep-learning workflow: explore, train, evaluate, predict, tune.')
    .version(version, '-v, --version', 'print the version').helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show the help of a command')
    // taken out of argv by main() before parsing (it may follow any command); declared for the help
    .option('--verbose', 'print the stack trace of an unexpected error (a bug)')
    .exitOverride().configureOutput({ outputError: () => undefined })
    .addHelpText('after', programHelpText());
  for (const decl of COMMANDS) {
    const cmd = declare(program.command(decl.name), decl, out);
    cmd.action(() => { picked(decl.name, cmd.args); });
  }
  return program;
}

/** commander's message without its `error: ` prefix, as a usage error of `command`. */
function usageErrorOf(e: CommanderError, command: string | undefined): UsageError {
  const message = e.message.replace(/^error: /, '');
  return new UsageError(command === undefined ? message : `dlflow ${command}: ${message} (see dlflow ${command} --help)`);
}

/**
 * Parses a command line (after `dlflow`). Help and version are printed here; usage mistakes
 * throw a UsageError (exit code 2).
 *
 * @example
 * parseCommandLine(['train', '--batchSize', '32', 'cfg.yaml'], '0.1.0');
 * // { command: 'train', argv: ['cfg.yaml', '--batch-size=32'] }
 */
export function parseCommandLine(argv: readonly string[], version: string): Invocation {
  const recorded: Recorded = [];
  let invocation: Invocation | undefined;
  const program = programOf(version, recorded, (command, positionals) => { invocation = { command, argv: normalizedArgv(positionals, recorded) }; });
  const [name, ...rest] = argv;
  const decl = COMMANDS.find((c) => c.name === name);
  const asksHelp = rest.some((a) => a === '--help' || a === '-h');
  try {
    if (decl !== undefined && !asksHelp) declareTypedFlags(program.commands.find((c) => c.name() === name)!, decl, rest, recorded);
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    if (e.exitCode === 0 || e.code === 'commander.help') return { exitCode: e.exitCode }; // help or version printed
    throw usageErrorOf(e, decl?.name);
  }
  if (invocation === undefined) throw new UsageError(`no command given (see dlflow --help)`);
  return invocation;
}
