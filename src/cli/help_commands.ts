/**
 * The commands of `dlflow`, declared once: arguments, options and examples. The parser
 * (args.ts), `--help` and shell completion are all generated from these declarations and from
 * the config flags of config/overrides.ts, so no second list can drift from what is parsed.
 */

export const COMMAND_NAMES = ['init', 'explore', 'train', 'evaluate', 'predict', 'export', 'serve', 'summary', 'tune', 'schema', 'completion'] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** A command's own option (config keys as flags come from config/overrides.ts). */
export interface OptionDecl {
  /** Long name without dashes; `no-x` declares a switch that turns x off. */
  name: string;
  /** Placeholder of the value (`file`); absent for a switch. */
  value?: string;
  help: string;
  /** Shown as the default in `--help`. */
  default?: string;
  /** Passed on as this config key (`tune.trials`) instead of under its own name. */
  configKey?: string;
  /** Internal: parsed, but not shown in `--help` or completed. */
  hidden?: boolean;
}

export interface ArgumentDecl {
  name: string;
  required: boolean;
  help: string;
}

export interface CommandDecl {
  name: CommandName;
  /** One line for the command list. */
  summary: string;
  /** What `dlflow <command> --help` says below the usage line (default: the summary). */
  description?: string;
  args: readonly ArgumentDecl[];
  options: readonly OptionDecl[];
  /** Any config key is also a flag of this command (`--epochs 20`, `--data.split.val 0.2`). */
  configFlags: boolean;
  /** Shell lines shown under "Examples:". */
  examples: readonly string[];
  /** What completes in place of an argument: files (default) or these words. */
  argWords?: readonly string[];
}

const config: ArgumentDecl = { name: 'config', required: false, help: 'a dlflow.yaml config file (default: the built-in defaults)' };
const run: ArgumentDecl = { name: 'run', required: true, help: 'a run directory written by dlflow train (runs/<name>)' };

/** Every command, in the order `dlflow --help` lists them. */
export const COMMANDS: readonly CommandDecl[] = [
  {
    name: 'init', summary: 'write a commented config and a model file to edit', configFlags: false,
    description: 'Write dlflow.yaml (every key, commented) and model.ts (a Module to edit) into dir; existing files are never overwritten.',
    args: [{ name: 'dir', required: false, help: 'where to write them (default: the current folder)' }],
    options: [],
    examples: ['dlflow init my-project', 'dlflow train my-project/dlflow.yaml'],
  },
  {
    name: 'explore', summary: 'profile a data set: types, gaps, warnings, a recommended model', configFlags: false,
    description: 'Profile a table (CSV/TSV/JSONL/Parquet), an image, audio or volume folder (NIfTI .nii/.nii.gz or .npy), IDX files; writes profile.json and report.html.',
    args: [{ name: 'path', required: true, help: 'the data file or folder' }],
    options: [
      { name: 'target', value: 'column', help: 'column to predict: task, class balance, associations, recommendation' },
      { name: 'out', value: 'dir', help: 'folder for profile.json and report.html', default: './explore-<name>/' },
    ],
    examples: ['dlflow explore datasets/penguins.csv --target species'],
  },
  {
    name: 'train', summary: 'train a model and write runs/<name>/', configFlags: true,
    description: 'Data → preprocessing → model → training with checkpoints → test evaluation → a run directory. With no arguments it trains on the bundled penguins data.',
    args: [config],
    options: [
      { name: 'resume', value: 'run', help: 'continue a run exactly (only --epochs and --log may change)' },
      { name: 'nproc', value: 'N', help: 'train data-parallel on N local processes (re-runs itself under mpirun -np N; batchSize is per process)' },
      { name: 'distributed', help: 'insist on data-parallel training: an error unless a launcher (mpirun, srun, torchrun) started this process or --nproc N is given' },
    ],
    examples: [
      'dlflow train',
      'dlflow train --data datasets/penguins.csv --target species --epochs 20 --hidden 128,64',
      'dlflow train dlflow.yaml --lr 3e-4 --batchSize 128 --device cpu',
      'dlflow train --resume runs/<name> --epochs 30',
      'dlflow train dlflow.yaml --nproc 2',
    ],
  },
  {
    name: 'evaluate', summary: "metrics of a run on its test split or a file", configFlags: false,
    description: "Metrics of a trained run (scikit-learn's names) on its test split, recreated from the run's config and seed, or on a new file.",
    args: [run],
    options: [
      { name: 'data', value: 'file', help: 'evaluate on this labelled file instead of the test split' },
      { name: 'json', help: 'print one JSON object instead of the report' },
    ],
    examples: ['dlflow evaluate runs/<name>', 'dlflow evaluate runs/<name> --data new.csv --json'],
  },
  {
    name: 'predict', summary: 'predictions of a run for new rows, as CSV', configFlags: false,
    description: "Apply a run's preprocessing and model to new rows: the predicted class and each class's probability, or the predicted value.",
    args: [run],
    options: [
      { name: 'data', value: 'file', help: 'the rows to predict (required)' },
      { name: 'out', value: 'file', help: 'write the CSV here', default: 'standard output' },
      { name: 'skip-bad-files', help: 'leave damaged files of an image, audio or volume folder out of the CSV, listing each on stderr (default: the first is an error)' },
    ],
    examples: ['dlflow predict runs/<name> --data new.csv --out preds.csv', 'dlflow predict runs/<name> --data photos --skip-bad-files'],
  },
  {
    name: 'export', summary: 'write a run as an ONNX model (preprocessing inside)', configFlags: false,
    description: "Write a trained run as an ONNX file (opset 17): raw feature columns (or pixels) in, label and probabilities (or prediction) out, the run's preprocessing inside the graph. Prints the inputs and outputs.",
    args: [run],
    options: [
      { name: 'out', value: 'file', help: 'the .onnx file to write (required)' },
      { name: 'no-preprocessing', help: 'export the network alone: scaled features in, logits out' },
    ],
    examples: ['dlflow export runs/<name> --out model.onnx', 'dlflow export runs/<name> --out net.onnx --no-preprocessing'],
  },
  {
    name: 'serve', summary: 'serve runs over HTTP (KServe V1, Open Inference Protocol)', configFlags: false,
    description: "Serve trained runs over HTTP: POST /v1/models/<name>:predict with raw records, POST /v2/models/<name>/infer with typed tensors (Open Inference Protocol), dynamic batching, Prometheus /metrics, JSON logs. Predictions are those of dlflow predict. Stops on SIGTERM/SIGINT after answering the requests in flight.",
    args: [{ name: 'run...', required: true, help: 'run directories written by dlflow train (several are served side by side, each under its folder name)' }],
    options: [
      { name: 'name', value: 'name', help: 'the name of the first run in the URLs', default: 'its folder name' },
      { name: 'port', value: 'n', help: 'TCP port (0: any free one)', default: '8080' },
      { name: 'host', value: 'address', help: 'address to listen on (0.0.0.0: every interface)', default: '127.0.0.1' },
      { name: 'api-key-file', value: 'file', help: 'require Authorization: Bearer <the key in this file> (health checks excepted)' },
      { name: 'max-batch-size', value: 'n', help: 'most rows in one forward pass (concurrent requests are batched)', default: '64' },
      { name: 'max-wait-ms', value: 'ms', help: 'longest a request waits for others to share its forward pass', default: '0 (batch what is queued)' },
      { name: 'max-queue', value: 'n', help: 'most requests waiting per model; more are answered 503 with Retry-After', default: '256' },
      { name: 'max-rows', value: 'n', help: 'most rows in one request', default: '1024' },
      { name: 'body-limit', value: 'MiB', help: 'largest request body; larger ones are answered 413', default: '4' },
      { name: 'log-level', value: 'level', help: 'fatal, error, warn, info (one JSON line per request), debug, trace or silent', default: 'info' },
    ],
    examples: [
      'dlflow serve runs/<name> --port 8080',
      'dlflow serve runs/wines runs/penguins --name wines --api-key-file key.txt',
      'curl -s localhost:8080/v2/models/<name>     # the columns it reads and its outputs',
    ],
  },
  {
    name: 'summary', summary: 'layer table and architecture.svg, without training', configFlags: true,
    description: 'The layer table (output shapes, parameters) and architecture.svg of a run, or of the model a config would build (the data is read to size it).',
    args: [{ name: 'target', required: false, help: 'a run directory or a config file (default: the built-in defaults)' }],
    options: [{ name: 'out', value: 'file', help: 'where to write the diagram', default: '<run>/architecture.svg or ./architecture.svg' }],
    examples: ['dlflow summary runs/<name>', 'dlflow summary dlflow.yaml --hidden 256,128'],
  },
  {
    name: 'tune', summary: 'search layers, units and hyperparameters', configFlags: true,
    description: 'A study whose trials run the train pipeline, judged (and pruned) by 5-fold cross-validation over the train + validation rows of a small table (at most tune.cv.maxRows = 2000 of them), else on the validation split; the test split is left alone. Writes runs/<study>/best.yaml and report.html, then trains best.yaml (after k-fold: on every train + validation row).',
    args: [config],
    options: [
      { name: 'trials', value: 'n', configKey: 'tune.trials', help: 'trials the study holds when done (a rerun finishes what is left)' },
      { name: 'jobs', value: 'n', configKey: 'tune.jobs', help: 'worker processes' },
      { name: 'study', value: 'name', configKey: 'tune.study', help: 'study name', default: 'tune-<data file name>' },
      { name: 'storage', value: 'url', configKey: 'tune.storage', help: "'sqlite:///file.db' or 'postgresql://user@host/db'", default: 'sqlite:///<runsDir>/tune.db' },
      { name: 'json', help: 'print one JSON object at the end' },
      { name: 'no-retrain', help: 'do not train best.yaml at the end' },
      { name: 'tune-worker', help: 'a worker process of --jobs', hidden: true },
    ],
    examples: ['dlflow tune --trials 30 --jobs 2', 'dlflow tune dlflow.yaml --storage postgresql://me@db/studies --no-retrain'],
  },
  {
    name: 'schema', summary: 'the JSON Schema of dlflow.yaml, for editors', configFlags: false,
    description: 'Print the JSON Schema of the config file (every key, its type, range and default), generated from the rules dlflow train checks; editors with the YAML language server complete and check a dlflow.yaml whose first line is # yaml-language-server: $schema=./dlflow.schema.json (dlflow init writes both).',
    args: [],
    options: [{ name: 'out', value: 'file', help: 'write it to this file instead of stdout' }],
    examples: ['dlflow schema --out dlflow.schema.json'],
  },
  {
    name: 'completion', summary: 'print the shell completion script (bash or zsh)', configFlags: false,
    args: [{ name: 'shell', required: true, help: 'bash or zsh' }],
    options: [],
    argWords: ['bash', 'zsh'],
    examples: ['source <(dlflow completion bash)     # add it to ~/.bashrc', 'dlflow completion zsh > "${fpath[1]}/_dlflow"'],
  },
];
