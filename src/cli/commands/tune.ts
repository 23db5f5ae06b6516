/**
 * `dlflow tune [config] --data f --target y --trials N --jobs J [--study name] [--storage url] [--json] [--no-retrain]`:
 * a dl.tune study whose trials run the train pipeline (same data preparation, model builder,
 * loaders, optimizers and Trainer as `dlflow train`; see tune_trial.ts). A small table (train +
 * validation rows at most tune.cv.maxRows) is judged by k-fold cross-validation over those rows,
 * other data by the validation split, pruned per fold or per epoch; the test split is only used
 * by the final retrain. `--trials` is the study's total, so a rerun finishes what is left. Writes
 * best.yaml and the study's report.html into runs/<study>/ and, unless --no-retrain, trains
 * best.yaml with `dlflow train` (after k-fold: on all train + validation rows). On a terminal the
 * finished trials show as a live table.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { setNumThreads } from '../../backends/select.js';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import * as tune from '../../tune/index.js';
import { categoricalDistribution, floatDistribution, intDistribution, type Distribution } from '../../tune/distributions.js';
import { parseArgs, takeFlag, takeSwitch } from '../args.js';
import { resolveConfig } from '../config/resolve.js';
import { TUNABLE, type TunableName, type TuneParamConfig } from '../config/tune.js';
import { CONFIG_SPEC } from '../config/schema.js';
import { S, specAt, type Spec } from '../config/spec.js';
import type { DlflowConfig, HyperparametersConfig, ModelConfig } from '../config/types.js';
import { validate } from '../config/validate.js';
import type { PreparedData } from '../../data/prepare/types.js';
import { withDataDefaults } from '../config/data_defaults.js';
import { prepareRunData as prepareData } from '../run/data.js';
import { CliError, UsageError } from '../errors.js';
import { chooseLoss } from '../model/loss.js';
import { runTrain } from './train.js';
import { TrialTable } from './tune_table.js';
import { RETRAIN_EPOCHS_ATTR, runTrial, validationOf, type Judge, type Validation } from './tune_trial.js';

/** Flags of this command, as config keys (the rest are config overrides as for train). */
const FLAG_KEYS = { trials: 'tune.trials', jobs: 'tune.jobs', study: 'tune.study', storage: 'tune.storage' } as const;
const WORKER_FLAG = 'tune-worker';

interface Cli { config: DlflowConfig; json: boolean; retrain: boolean; worker: boolean; argv: readonly string[] }

function parse(argv: readonly string[]): Cli {
  const args = parseArgs(argv, new Set(['json', 'no-retrain', WORKER_FLAG]));
  const json = takeSwitch(args, 'json');
  const noRetrain = takeSwitch(args, 'no-retrain');
  const worker = takeSwitch(args, WORKER_FLAG);
  for (const [flag, key] of Object.entries(FLAG_KEYS)) {
    const v = takeFlag(args, flag);
    if (v !== undefined) args.flags.push([key, v]);
  }
  if (args.positionals.length > 1) throw new UsageError(`dlflow tune takes at most one config file, got: ${args.positionals.join(' ')}`);
  const config = resolveConfig({ file: args.positionals[0], flags: args.flags });
  return { config, json, retrain: config.tune.retrain && !noRetrain, worker, argv };
}

type ScalarSetting = Exclude<TunableName, 'layers' | 'units'>;

/**
 * The searched settings a trial writes into one config key: the key (whose spec their bounds
 * and choices must meet) and the write. layers and units shape model.hidden (trialConfig).
 */
const SETTINGS: { readonly [K in ScalarSetting]: { readonly key: string; readonly write: (c: DlflowConfig, x: unknown) => void } } = {
  lr: { key: 'hyperparameters.lr', write: (c, x) => { c.hyperparameters.lr = x as number; } },
  batchSize: { key: 'hyperparameters.batchSize', write: (c, x) => { c.hyperparameters.batchSize = x as number; } },
  dropout: { key: 'hyperparameters.dropout', write: (c, x) => { c.hyperparameters.dropout = x as number; } },
  weightDecay: { key: 'hyperparameters.weightDecay', write: (c, x) => { c.hyperparameters.weightDecay = x as number; } },
  optimizer: { key: 'hyperparameters.optimizer', write: (c, x) => { c.hyperparameters.optimizer = x as HyperparametersConfig['optimizer']; } },
  epochs: { key: 'hyperparameters.epochs', write: (c, x) => { c.hyperparameters.epochs = x as number; } },
  activation: { key: 'model.activation', write: (c, x) => { c.model.activation = x as ModelConfig['activation']; } },
};

/** The key a setting's values must suit: units are model.hidden's entries; layers, their count (null). */
const keyOf = (name: TunableName): string | null => (name === 'layers' ? null : name === 'units' ? 'model.hidden' : SETTINGS[name].key);

/** What one value of a searched setting must be: its key's spec (an element's, for model.hidden); layers: an integer >= 0. */
function valueSpecOf(name: TunableName): Spec {
  const key = keyOf(name);
  if (key === null) return S.int(0);
  let spec = specAt(CONFIG_SPEC, key.split('.')).spec as Spec;
  while (spec.t === 'nullable' || spec.t === 'list') spec = spec.of;
  return spec;
}

/** Throws a usage error naming the entry when a choice or bound is not a value its key accepts. */
function checkValues(key: string, name: TunableName, values: readonly [string, unknown][]): void {
  const spec = valueSpecOf(name);
  const issues = values.flatMap(([at, v]) => validate(v, spec, `${key}.${at}`));
  if (issues.length > 0) {
    const target = keyOf(name) ?? 'the hidden layer count';
    throw new UsageError(`invalid config: ${issues[0].path}: not a value of ${target}: ${issues[0].message}`);
  }
}

/** The distribution of one space entry; a contradictory entry is a usage error naming its key. */
function distributionOf(name: TunableName, p: TuneParamConfig): Distribution {
  const key = `tune.space.${name}`;
  try {
    if (p.type === 'categorical') {
      if (p.choices === null) throw new UsageError(`invalid config: ${key}: a categorical needs choices`);
      checkValues(key, name, p.choices.map((c, i) => [`choices[${i}]`, c]));
      return categoricalDistribution(key, p.choices);
    }
    if (p.low === null || p.high === null) throw new UsageError(`invalid config: ${key}: ${p.type} needs low and high`);
    checkValues(key, name, [['low', p.low], ['high', p.high]]);
    const opts = { log: p.log, ...(p.step === null ? {} : { step: p.step }) };
    return p.type === 'int' ? intDistribution(key, p.low, p.high, opts) : floatDistribution(key, p.low, p.high, opts);
  } catch (e) {
    if (e instanceof tune.TuneError) throw new UsageError(`invalid config: ${e.message.replace(/^parameter '([^']+)'/, '$1')}`);
    throw e;
  }
}

type Space = Partial<Record<TunableName, Distribution>>;

function spaceOf(config: DlflowConfig): Space {
  const space: Space = {};
  for (const name of TUNABLE) {
    const p = config.tune.space[name];
    if (p !== null) space[name] = distributionOf(name, p);
  }
  if (Object.keys(space).length === 0) throw new UsageError('invalid config: tune.space: the search space is empty (every entry is null)');
  if (space.units !== undefined && space.layers === undefined && config.model.hidden === null) {
    throw new UsageError('invalid config: tune.space.units needs tune.space.layers or model.hidden (how many layers)');
  }
  return space;
}

function suggest(trial: tune.Trial, name: string, d: Distribution): number | string | boolean | null {
  switch (d.kind) {
    case 'categorical': return trial.suggestCategorical(name, d.choices);
    case 'int': return trial.suggestInt(name, d.low, d.high, { log: d.log, ...(d.step === 1 ? {} : { step: d.step }) });
    case 'float': return trial.suggestFloat(name, d.low, d.high, { log: d.log, ...(d.step === null ? {} : { step: d.step }) });
  }
}

/** The config of one trial: the suggested values written into their keys. */
function trialConfig(base: DlflowConfig, space: Space, trial: tune.Trial): DlflowConfig {
  const c = structuredClone(base);
  const v = (name: TunableName): unknown => (space[name] === undefined ? undefined : suggest(trial, name, space[name] as Distribution));
  const layers = (v('layers') as number | undefined) ?? c.model.hidden?.length;
  if (space.units !== undefined && layers !== undefined) {
    c.model.hidden = Array.from({ length: layers }, (_, i) => suggest(trial, `units_${i}`, space.units as Distribution) as number);
  } else if (layers !== undefined && space.layers !== undefined) {
    c.model.hidden = Array.from({ length: layers }, (_, i) => c.model.hidden?.[i] ?? c.model.hidden?.at(-1) ?? 64);
  }
  for (const [k, setting] of Object.entries(SETTINGS) as [ScalarSetting, (typeof SETTINGS)[ScalarSetting]][]) {
    const x = v(k);
    if (x !== undefined) setting.write(c, x);
  }
  return c;
}

function judgeOf(config: DlflowConfig, data: PreparedData): Judge {
  const metric = config.tune.metric !== 'auto' ? config.tune.metric : data.task === 'regression' ? 'val_loss' : 'val_accuracy';
  const direction = config.tune.direction !== 'auto' ? config.tune.direction : /loss|error|mse|mae/.test(metric) ? 'minimize' : 'maximize';
  return { metric, direction };
}

function studyNameOf(config: DlflowConfig): string {
  return config.tune.study ?? `tune-${path.basename(config.data.path).replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'data'}`;
}

function storageOf(config: DlflowConfig): string {
  return config.tune.storage ?? `sqlite:///${path.resolve(config.runsDir, 'tune.db')}`;
}

/** Worker processes for --jobs: the same command on the same study, without retrain or output. */
function startWorkers(cli: Cli, n: number): Promise<number[]> {
  const script = process.argv[1];
  return Promise.all(Array.from({ length: n }, () => new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, script, 'tune', ...cli.argv, `--${WORKER_FLAG}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => resolve(code ?? 1));
  })));
}

/**
 * The complete `dlflow train` config of the best trial. After k-fold trials it trains on every
 * train + validation row (no validation split) for the folds' mean restored epoch count, with the
 * test rows the search left alone.
 */
function bestConfigOf(base: DlflowConfig, space: Space, best: tune.FrozenTrial, validation: Validation): DlflowConfig {
  // Replay the best trial's values through the same mapping the trials used.
  const replay = { suggestInt: (n: string) => best.params[n], suggestFloat: (n: string) => best.params[n], suggestCategorical: (n: string) => best.params[n] } as unknown as tune.Trial;
  const c = trialConfig(base, space, replay);
  if (validation.method === 'kfold') {
    const { train, val, test } = c.data.split;
    c.data.split = { train: train + val, val: 0, test };
    c.hyperparameters.epochs = best.userAttrs[RETRAIN_EPOCHS_ATTR] as number;
    c.hyperparameters.earlyStopping = { ...c.hyperparameters.earlyStopping, patience: 0 };
  }
  const { tune: _t, name: _n, ...rest } = c;
  const out = { ...rest, data: { ...rest.data, path: path.resolve(rest.data.path), test: rest.data.test === null ? null : path.resolve(rest.data.test) } };
  return out as DlflowConfig;
}

/** What --json says about the validation of trials. */
function validationJson(v: Validation): Record<string, unknown> {
  return v.method === 'kfold' ? { method: 'kfold', folds: v.folds, rows: v.rows, rule: v.rule } : { method: 'holdout', rows: v.rows, rule: v.rule };
}

/** Runs `dlflow train` on best.yaml; in --json mode its lines go to stderr so stdout holds one JSON object. */
async function retrain(file: string, json: boolean): Promise<number> {
  const write = process.stdout.write.bind(process.stdout);
  if (json) process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  let code: number;
  try {
    code = await runTrain([file]);
  } finally {
    process.stdout.write = write;
  }
  return code;
}

/** Runs `dlflow tune`; resolves to the exit code. */
export async function runTune(argv: readonly string[]): Promise<number> {
  const cli = parse(argv);
  const asked = cli.config;
  const space = spaceOf(asked);
  const cores = availableParallelism();
  const jobs = cli.worker ? 1 : asked.tune.jobs;
  if (jobs > cores && !cli.worker) process.stderr.write(`dlflow tune: warning: --jobs ${jobs} is more than the ${cores} cores; trials will compete for them\n`);
  setNumThreads(Math.max(1, Math.floor(cores / asked.tune.jobs)));
  const data = await prepareData(asked);
  const config = withDataDefaults(asked, data);
  const loss = chooseLoss(config.loss, data.task, data.target.classes?.length ?? 0);
  const judge = judgeOf(config, data);
  const validation = validationOf(config, data);
  const studyName = studyNameOf(config);
  const storage = storageOf(config);
  const say = (line: string): void => { if (!cli.json && !cli.worker) process.stdout.write(`${line}\n`); };
  const study = tune.createStudy({
    studyName, storage, direction: judge.direction, loadIfExists: true,
    sampler: config.tune.sampler === 'tpe' ? new tune.TPESampler({ seed: config.seed }) : new tune.RandomSampler({ seed: config.seed }),
    pruner: { median: () => new tune.MedianPruner(), successive_halving: () => new tune.SuccessiveHalvingPruner(), hyperband: () => new tune.HyperbandPruner(), none: () => new tune.NopPruner() }[config.tune.pruner](),
  });
  try {
    await study.ready;
  } catch (e) {
    if (e instanceof tune.TuneError) throw new UsageError(e.message);
    throw e;
  }
  say(`study '${studyName}' in ${study.storage.description}: ${study.trials.length} of ${config.tune.trials} trials held; ${judge.direction} ${judge.metric} ${validation.method === 'kfold' ? `by ${validation.folds}-fold cross-validation over the ${validation.rows} train + validation rows` : 'on the validation split'}`);
  const workers = jobs > 1 ? startWorkers(cli, jobs - 1) : Promise.resolve([]);
  const live = process.stdout.isTTY === true && !cli.json && !cli.worker;
  const table = new TrialTable(judge.metric, Object.keys(space).filter((k) => k !== 'layers' && k !== 'units'), space.layers !== undefined || space.units !== undefined);
  if (live) say(table.header());
  await study.optimize((trial) => runTrial(trial, trialConfig(config, space, trial), data, loss, judge, validation), {
    totalTrials: config.tune.trials,
    onTrialFinished: (t, s) => {
      if (live) {
        const best = t.state === 'complete' && s.bestTrial.trialId === t.trialId;
        say(table.row(t, best) + (t.state === 'failed' ? `  (${String(t.systemAttrs.fail_reason)})` : ''));
        return;
      }
      const v = t.value === null ? '' : ` ${judge.metric} ${t.value.toFixed(4)}`;
      const why = t.state === 'failed' ? ` (${String(t.systemAttrs.fail_reason)})` : '';
      say(`trial ${String(t.number).padStart(3)}  ${t.state.padEnd(8)}${v}  ${JSON.stringify(t.params)}${why}`);
    },
  });
  const codes = await workers;
  if (codes.some((c) => c !== 0)) process.stderr.write(`dlflow tune: ${codes.filter((c) => c !== 0).length} worker process(es) failed\n`);
  const trials = await study.refresh();
  await study.close();
  if (cli.worker) return 0;
  const count = (s: tune.TrialState): number => trials.filter((t) => t.state === s).length;
  if (count('complete') === 0) throw new CliError(`study '${studyName}' has no complete trial (${count('failed')} failed, ${count('pruned')} pruned)`);
  const best = study.bestTrial;
  const bestConfig = bestConfigOf(config, space, best, validation);
  const outDir = path.join(config.runsDir, studyName);
  fs.mkdirSync(outDir, { recursive: true });
  const bestFile = path.join(outDir, 'best.yaml');
  const header = `# dlflow tune: best of study '${studyName}' (trial ${best.number}, ${judge.metric} ${best.value}); train it with: dlflow train ${bestFile}`;
  const tmp = `${bestFile}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, `${header}\n${stringify({ ...bestConfig, name: `${studyName}-best-${Date.now().toString(36)}` })}`);
  fs.renameSync(tmp, bestFile);
  const reportFile = path.join(outDir, 'report.html');
  writeFileAtomicSync(reportFile, tune.studyReport({
    studyName, direction: judge.direction, trials, metric: judge.metric, storage: study.storage.description,
    extra: { data: config.data.path, 'best config': bestFile },
  }));
  say(`best: trial ${best.number}, ${judge.metric} ${study.bestValue.toFixed(4)}, ${JSON.stringify(best.params)}; wrote ${bestFile} and ${reportFile}`);
  let bestRun: string | null = null;
  if (cli.retrain) {
    const name = (fs.readFileSync(bestFile, 'utf8').match(/^name: (.+)$/m) ?? [])[1] ?? null;
    const code = await retrain(bestFile, cli.json);
    if (code !== 0) return code;
    bestRun = name === null ? null : path.join(config.runsDir, name);
  }
  if (cli.json) {
    process.stdout.write(`${JSON.stringify({
      study: studyName, storage: study.storage.description, trials: trials.length, complete: count('complete'), pruned: count('pruned'), failed: count('failed'),
      best_value: best.value, best_params: best.params, best_config: bestFile, best_run: bestRun, validation: validationJson(validation),
    })}\n`);
  }
  return 0;
}
