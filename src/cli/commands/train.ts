/**
 * `dlflow train [config] [--data path --target col] [--resume runs/<name> --epochs N] [--key value ...]`:
 * data → preprocessing → model → training with checkpoints → test evaluation → run directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { manualSeed } from '../../core/generator.js';
import { architectureSvgDocument } from '../../report/architecture_svg.js';
import { DeviceError, resolveDevice } from '../../train/device.js';
import { parseArgs, takeFlag } from '../args.js';
import { resolveConfig } from '../config/resolve.js';
import { readConfigFile } from '../config/load.js';
import type { DlflowConfig } from '../config/types.js';
import { prepareRunData } from '../run/data.js';
import { UsageError } from '../errors.js';
import { buildModel, type Architecture } from '../model/build.js';
import { chooseLoss, regressionOutputs } from '../model/loss.js';
import { readModelInfo, writeModelInfo, type ModelInfo } from '../run/model_json.js';
import { checkRunDir, createRunDir, runFiles, runName } from '../run/run_dir.js';
import { architectureTitle, layerInfos } from '../run/setup.js';
import { finishRun, fitRun, reportInterrupted, trainingSetup, type TrainRun } from '../run/training.js';
import { dlflowVersion } from '../version.js';
import { copyModelFile } from './train_files.js';

/** Flags a resumed run may change (anything else would break exact resume). */
const RESUMABLE = new Set(['epochs', 'log', 'hyperparameters.epochs']);

function configFor(argv: readonly string[]): { config: DlflowConfig; resume: string | null } {
  const args = parseArgs(argv);
  const resume = takeFlag(args, 'resume') ?? null;
  if (args.positionals.length > 1) throw new UsageError(`dlflow train takes at most one config file, got: ${args.positionals.join(' ')}`);
  if (resume !== null) {
    if (args.positionals.length > 0) throw new UsageError('dlflow train --resume takes the run directory, not a config file');
    const bad = args.flags.find(([k]) => !RESUMABLE.has(k));
    if (bad) throw new UsageError(`--${bad[0]} cannot change when resuming (only --epochs and --log can; the rest comes from ${resume}/config.resolved.yaml)`);
    const f = runFiles(resume);
    readModelInfo(resume);
    if (!fs.existsSync(f.lastCheckpoint)) throw new UsageError(`${resume}: no checkpoint to resume from (${f.lastCheckpoint} is missing)`);
    return { config: resolveConfig({ raw: readConfigFile(f.config), flags: args.flags }), resume };
  }
  return { config: resolveConfig({ file: args.positionals[0], flags: args.flags }), resume: null };
}

/** Data and model-file paths made absolute, so evaluate/predict/resume work from any folder. */
function absolutePaths(config: DlflowConfig): DlflowConfig {
  const model = /\.[cm]?[jt]s$/.test(config.model.arch) ? path.resolve(config.model.arch) : config.model.arch;
  const test = config.data.test === null ? null : path.resolve(config.data.test);
  return { ...config, data: { ...config.data, path: path.resolve(config.data.path), test }, model: { ...config.model, arch: model } };
}

/** Where a run's messages go: stderr when stdout carries the JSON lines of `--log jsonl`. */
function sayerFor(log: DlflowConfig['log']): (line: string) => void {
  const out = log === 'jsonl' ? process.stderr : process.stdout;
  return (line) => { out.write(`${line}\n`); };
}

/** The device line, checked before any work; an unusable device is a usage error. */
function deviceNoteOf(device: string): string {
  try {
    return resolveDevice(device).note;
  } catch (e) {
    if (e instanceof DeviceError) throw new UsageError(e.message);
    throw e;
  }
}

/** The data line and its notes. */
function sayData(run: TrainRun): void {
  const { data } = run;
  const classes = data.target.classes ? ` (${data.target.classes.length} classes)` : '';
  const s = data.summary;
  run.say(`data: ${s.source} — ${s.rows} rows, task ${data.task}${classes}, input ${data.inputShape.join('×')} per example; split ${s.splits.train}/${s.splits.val}/${s.splits.test}`);
  for (const n of s.notes) run.say(`  note: ${n}`);
}

/** A new run's directory: model.json (status `training`), the copied model file and the architecture diagram. */
function startRunDir(run: TrainRun, architecture: Architecture, arch: ReturnType<typeof layerInfos>): ModelInfo {
  const { data, loss, dir } = run;
  const info: ModelInfo = {
    dlflow: dlflowVersion(), status: 'training', message: 'training', created: new Date().toISOString(),
    task: data.task, loss: loss.name, architecture, inputShape: data.inputShape, totalParams: arch.totalParams, layers: arch.layers,
    labels: data.target.classes, target: data.target.column, preprocessing: data.preprocessing, data: data.summary,
    epochsCompleted: 0, bestEpoch: null,
  };
  createRunDir(dir);
  if (architecture.kind === 'file') info.architecture = { ...architecture, file: copyModelFile(architecture.file, dir) };
  writeModelInfo(dir, info);
  const title = architectureTitle(architecture, arch.totalParams);
  fs.writeFileSync(run.files.architecture, architectureSvgDocument(arch.layers, { title, inputShape: [-1, ...data.inputShape] }));
  return info;
}

function writeResolvedConfig(run: TrainRun): void {
  const header = `# dlflow ${dlflowVersion()}: the resolved config of this run (defaults + file + command line)`;
  fs.writeFileSync(run.files.config, `${header}\n${stringify(absolutePaths(run.config))}`);
}

/** Runs `dlflow train`; resolves to the exit code. */
export async function runTrain(argv: readonly string[]): Promise<number> {
  const { config, resume } = configFor(argv);
  const say = sayerFor(config.log);
  const deviceNote = deviceNoteOf(config.device);
  const data = await prepareRunData(config);
  const loss = chooseLoss(config.loss, data.task, data.target.classes?.length ?? 0, regressionOutputs(data.preprocessing));
  manualSeed(config.seed);
  const { model, architecture } = await buildModel(config, data.inputShape, loss.outputs);
  const dir = resume ?? checkRunDir(config.runsDir, runName(config));
  const run: TrainRun = { config, resume, dir, files: runFiles(dir), data, loss, model, say };

  say(deviceNote);
  sayData(run);
  const arch = layerInfos(model, data.inputShape);
  say(arch.table);
  const info = resume ? readModelInfo(dir) : startRunDir(run, architecture, arch);
  writeResolvedConfig(run);

  const setup = trainingSetup(run);
  say(resume ? `resuming ${dir} from epoch ${info.epochsCompleted} to ${config.hyperparameters.epochs}` : `run: ${dir}`);
  const result = await fitRun(run, info, setup);
  if (typeof result === 'number') return result;
  if (result.status === 'interrupted') return reportInterrupted(run, info, result);
  finishRun(run, info, result, setup.early);
  return 0;
}
