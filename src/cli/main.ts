/**
 * The `dlflow` command: dispatches to one file per command and turns errors into messages and
 * exit codes (2 for usage errors, 1 for failures).
 *
 * @example
 * // shell: dlflow train --epochs 5
 * await main(['train', '--epochs', '5']);
 */
import { didYouMean } from './config/levenshtein.js';
import { CliError } from './errors.js';
import { dlflowVersion } from './version.js';

type Command = (argv: readonly string[]) => Promise<number>;

const COMMANDS: Record<string, { load: () => Promise<Command>; help: string }> = {
  init: { load: async () => (await import('./commands/init.js')).runInit, help: 'init [dir]                  write a commented config and a model file' },
  train: { load: async () => (await import('./commands/train.js')).runTrain, help: 'train [config] [--key v]    train (default: datasets/penguins.csv, target species); --resume runs/<name> --epochs N' },
  evaluate: { load: async () => (await import('./commands/evaluate.js')).runEvaluate, help: 'evaluate <run> [--data f]   metrics on the test split or a file; --json' },
  predict: { load: async () => (await import('./commands/predict.js')).runPredict, help: 'predict <run> --data f      predictions to CSV (--out preds.csv)' },
  summary: { load: async () => (await import('./commands/summary.js')).runSummary, help: 'summary <run|config>        layer table and architecture.svg, no training' },
  tune: { load: async () => (await import('./commands/tune.js')).runTune, help: 'tune [config] --trials N     search layers, units and hyperparameters (--jobs J --storage url --json --no-retrain)' },
  explore: { load: async () => (await import('./commands/explore.js')).runExplore, help: 'explore [data]              profile a data set' },
};

export function usage(): string {
  return [
    `dlflow ${dlflowVersion()} — deep-learning workflow`,
    '',
    'usage: dlflow <command> [options]',
    '',
    ...Object.values(COMMANDS).map((c) => `  ${c.help}`),
    '',
    'Config keys can be set as flags: --epochs 20 --lr 3e-4 --hidden 256,128 --device cpu --data.split.val 0.2',
  ].join('\n');
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${usage()}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${dlflowVersion()}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`dlflow: unknown command '${name}'${didYouMean(name, Object.keys(COMMANDS))}\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await command.load())(rest);
  } catch (e) {
    if (e instanceof CliError) {
      process.stderr.write(`dlflow ${name}: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}

/** Entry point of bin/dlflow.js. */
export async function runCli(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2));
}
