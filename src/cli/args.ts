/**
 * Command-line parsing: positionals and `--key value`, `--key=value`, bare `--flag`s.
 * Commands declare which flags they accept; the rest are config overrides (train, summary).
 */
import { didYouMean } from './config/levenshtein.js';
import { UsageError } from './errors.js';

export interface ParsedArgs {
  positionals: string[];
  /** Flags in order, value `true` when bare. */
  flags: [string, string | true][];
}

/**
 * Splits argv into positionals and flags. A flag takes the next word as its value unless that
 * word is another flag (`--json --out x`); negative numbers count as values.
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
  if (first !== undefined) {
    const hint = didYouMean(first[0], known).replace(/'([^']+)'/, "'--$1'");
    throw new UsageError(`dlflow ${command}: unknown option --${first[0]}${hint}`);
  }
}
