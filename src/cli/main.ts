/**
 * The `dlflow` command: parses the command line (args.ts), loads the one command asked for and
 * turns errors into messages and exit codes (2 for usage errors, 1 for failures), never a stack
 * trace for a user's mistake.
 *
 * @example
 * // shell: dlflow train --epochs 5
 * await main(['train', '--epochs', '5']);
 */
import { parseCommandLine } from './args.js';
import { didYouMean } from '../base/suggest.js';
import { CliError, UsageError, userErrorOf } from './errors.js';
import { COMMAND_NAMES, type CommandName } from './help_commands.js';
import { dlflowVersion } from './version.js';

type Command = (argv: readonly string[]) => Promise<number>;

/** Each declared command's code, imported only when it runs (so `--help` starts fast). */
const LOADERS: { [K in CommandName]: () => Promise<Command> } = {
  init: async () => (await import('./commands/init.js')).runInit,
  explore: async () => (await import('./commands/explore.js')).runExplore,
  train: async () => (await import('./commands/train.js')).runTrain,
  evaluate: async () => (await import('./commands/evaluate.js')).runEvaluate,
  predict: async () => (await import('./commands/predict.js')).runPredict,
  export: async () => (await import('./commands/export.js')).runExport,
  serve: async () => (await import('./commands/serve.js')).runServe,
  summary: async () => (await import('./commands/summary.js')).runSummary,
  tune: async () => (await import('./commands/tune.js')).runTune,
  schema: async () => (await import('./commands/schema.js')).runSchema,
  completion: async () => (await import('./completion.js')).runCompletion,
};

/** The word a user meant as a command, when it is not one (`trian`, `help trian`). */
function unknownCommand(argv: readonly string[]): string | undefined {
  const known: readonly string[] = COMMAND_NAMES;
  const [first, second] = argv;
  if (first === 'help') return second === undefined || known.includes(second) ? undefined : second;
  return first.startsWith('-') || known.includes(first) ? undefined : first;
}

/** Writes an error the user can act on (named after the command unless it already is) and returns its exit code. */
function report(e: CliError, command: string | undefined): number {
  const text = e.message.startsWith('dlflow') ? e.message : `dlflow${command === undefined ? '' : ` ${command}`}: ${e.message}`;
  process.stderr.write(`${text}\n`);
  return e.exitCode;
}

/** Exit code of an error dlflow does not recognise (sysexits' EX_SOFTWARE). */
export const UNEXPECTED_ERROR_EXIT = 70;

/**
 * Writes an error that is none of the user errors dlflow recognises: one line, with the stack
 * trace only under `--verbose` (it is a bug in dlflow, or in the user's own model code).
 */
function reportUnexpected(e: unknown, command: string | undefined, verbose: boolean): number {
  const where = `dlflow${command === undefined ? '' : ` ${command}`}`;
  const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const trace = verbose && e instanceof Error && e.stack !== undefined ? `\n${e.stack}` : '\n(run again with --verbose for the stack trace)';
  process.stderr.write(`${where}: unexpected error: ${message}\n` +
    `Unless your own code (a model file) raised it, this is a bug in dlflow: please report it.${trace}\n`);
  return UNEXPECTED_ERROR_EXIT;
}

/** Runs the CLI; resolves to the process exit code. `--verbose` anywhere prints the stack trace of an unexpected error. */
export async function main(args: readonly string[]): Promise<number> {
  const verbose = args.includes('--verbose');
  const argv = args.filter((a) => a !== '--verbose');
  if (argv.length === 0) {
    parseCommandLine(['--help'], dlflowVersion());
    return 2;
  }
  const typo = unknownCommand(argv);
  if (typo !== undefined) {
    return report(new UsageError(`unknown command '${typo}'${didYouMean(typo, COMMAND_NAMES)} (see dlflow --help)`), undefined);
  }
  let command: CommandName | undefined;
  try {
    const invocation = parseCommandLine(argv, dlflowVersion());
    if ('exitCode' in invocation) return invocation.exitCode;
    command = invocation.command;
    return await (await LOADERS[command]())(invocation.argv);
  } catch (e) {
    const user = userErrorOf(e);
    return user !== null ? report(user, command) : reportUnexpected(e, command, verbose);
  } finally {
    // image decode workers (data.lazy) end after the batch they hold, not cut off at exit
    if (command !== undefined) await (await import('../data/prepare/decode_pool_slot.js')).closeDecodePool();
  }
}

/** Entry point of bin/dlflow.js. */
export async function runCli(): Promise<void> {
  // `dlflow train --help | head`: the reader leaving early is not an error of dlflow.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  process.exitCode = await main(process.argv.slice(2));
}
