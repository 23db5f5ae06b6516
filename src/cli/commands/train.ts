/**
 * `dlflow train [config] [--data path --target col] [--resume runs/<name> --epochs N] [--nproc N] [--key value ...]`:
 * data → preprocessing → model → training with checkpoints → test evaluation → run directory.
 *
 * Data-parallel: under an MPI launcher (`mpirun -np N dlflow train …`) every process joins the
 * world group and trains its share; `--nproc N` without a launcher re-runs the same command
 * under `mpirun -np N --oversubscribe` on this machine.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { getNumThreads, setNumThreads } from '../../backends/select.js';
import { fnv1a31 } from '../../base/hash.js';
import { manualSeed } from '../../core/generator.js';
import { DistributedError, findMpirun, initProcessGroup, readLaunchEnvironment, type LaunchEnvironment, type ProcessGroup } from '../../distributed/index.js';
import { architectureSvgDocument } from '../../report/architecture_svg.js';
import { DeviceError, resolveDevice } from '../../train/device.js';
import { parseArgs, takeFlag } from '../args.js';
import { withDataDefaults } from '../config/data_defaults.js';
import { resolveConfig } from '../config/resolve.js';
import { readConfigFile } from '../config/load.js';
import type { DlflowConfig } from '../config/types.js';
import { prepareRunData, skippedLines } from '../run/data.js';
import { CliError, UsageError } from '../errors.js';
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
  for (const line of skippedLines(s.skipped)) run.say(line);
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

/** `--nproc N` taken out of argv (null when absent). */
function takeNproc(argv: readonly string[]): { nproc: number | null; rest: string[] } {
  const args = parseArgs(argv);
  const raw = takeFlag(args, 'nproc');
  if (raw === undefined) return { nproc: null, rest: [...argv] };
  const nproc = Number(raw);
  if (!Number.isInteger(nproc) || nproc < 1) throw new UsageError(`--nproc must be a positive integer (processes on this machine), got ${JSON.stringify(raw)}`);
  const rest = argv.filter((a) => a !== '--nproc' && !a.startsWith('--nproc='));
  const at = argv.indexOf('--nproc');
  if (at >= 0 && argv[at + 1] === raw) rest.splice(at, 1); // the value of `--nproc N` given as two words
  return { nproc, rest };
}

/** `--nproc N` without a launcher: this same command on N local processes under mpirun; resolves to mpirun's exit code. */
function relaunch(nproc: number, rest: readonly string[]): Promise<number> {
  const mpirun = findMpirun();
  if (mpirun === null) {
    throw new UsageError(`--nproc ${nproc} starts the processes with Open MPI's mpirun, which is not on PATH: install Open MPI (Debian/Ubuntu: apt install openmpi-bin)`);
  }
  // Open MPI refuses to start as root unless told; --nproc asks for local processes explicitly
  const root = typeof process.getuid === 'function' && process.getuid() === 0 ? ['--allow-run-as-root'] : [];
  const self = [...process.execArgv, process.argv[1], 'train', ...rest];
  const child = spawn(mpirun, ['-np', String(nproc), '--oversubscribe', ...root, process.execPath, ...self], { stdio: 'inherit' });
  return new Promise((resolve, reject) => {
    child.on('error', (e) => reject(new CliError(`could not start ${mpirun}: ${e.message}`)));
    child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

/** The world group of a run under a launcher (null without one); `--nproc`, when also given, must match it. */
async function joinGroup(launch: LaunchEnvironment, nproc: number | null): Promise<ProcessGroup | null> {
  if (launch.launcher === null) return null;
  try {
    const group = await initProcessGroup({ backend: 'mpi' });
    if (nproc !== null && nproc !== group.size) throw new UsageError(`--nproc ${nproc} but the launcher started ${group.size} processes (leave --nproc out under mpirun)`);
    // the ranks on one machine share its cores: each takes its part, as torchrun's OMP_NUM_THREADS does
    if (launch.localSize !== null) setNumThreads(Math.max(1, Math.floor(availableParallelism() / launch.localSize)));
    return group;
  } catch (e) {
    if (e instanceof DistributedError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * Every rank must train the same thing: the resolved config and the parameter count are hashed
 * and all-gathered; a rank that differs is named. Rank 0 reports it (exit code 2, a usage error);
 * the others exit with code 1. Resolves to null when they agree.
 */
function checkRanksAgree(group: ProcessGroup, config: DlflowConfig, resume: string | null, totalParams: number): number | null {
  const mine = Int32Array.from([fnv1a31(JSON.stringify({ config: absolutePaths(config), resume })), totalParams]);
  const all = Array.from({ length: group.size }, () => new Int32Array(2));
  group.allGather(all, mine);
  const bad = all.findIndex((r) => r[0] !== all[0][0] || r[1] !== all[0][1]);
  if (bad < 0) return null;
  if (group.rank === 0) {
    const what = all[bad][1] !== all[0][1] ? `a model of ${all[bad][1]} parameters, rank 0 one of ${all[0][1]}` : 'a different resolved config (data, model, hyperparameters or flags)';
    process.stderr.write(`dlflow train: data-parallel ranks disagree: rank ${bad} has ${what}; every process must run the same command on the same files\n`);
  }
  // the others wait until rank 0 has said so: the first rank to exit with an error makes mpirun end the job
  group.barrier();
  return group.rank === 0 ? 2 : 1; // 2: a usage error's exit code
}

/** Runs `dlflow train`; resolves to the exit code. */
export async function runTrain(argv: readonly string[]): Promise<number> {
  const distributed = argv.includes('--distributed');
  const { nproc, rest } = takeNproc(argv.filter((a) => a !== '--distributed'));
  const launch = readLaunchEnvironment();
  if (distributed && nproc === null && launch.launcher === null) {
    throw new UsageError('--distributed: no launcher started this process and no --nproc was given; run it as mpirun -np N dlflow train ... (or srun, torchrun), or add --nproc N to start N local processes');
  }
  if (nproc !== null && launch.launcher === null) {
    configFor(rest); // a bad config or flag is reported once, before any process starts
    return relaunch(nproc, rest);
  }
  const { config: asked, resume } = configFor(rest);
  const group = await joinGroup(launch, nproc);
  const speaks = group === null || group.rank === 0;
  const say = speaks ? sayerFor(asked.log) : () => {};
  const deviceNote = deviceNoteOf(asked.device);
  const data = await prepareRunData(asked);
  const config = withDataDefaults(asked, data);
  const loss = chooseLoss(config.loss, data.task, data.target.classes?.length ?? 0, regressionOutputs(data.preprocessing));
  manualSeed(config.seed);
  const { model, architecture } = await buildModel(config, data.inputShape, loss.outputs);
  const arch = layerInfos(model, data.inputShape);
  if (group !== null) {
    const code = checkRanksAgree(group, config, resume, arch.totalParams);
    if (code !== null) return code;
  }
  // ranks other than 0 write nothing: their run is rank 0's (the same name, for messages only)
  const dir = resume ?? (speaks ? checkRunDir(config.runsDir, runName(config)) : path.join(config.runsDir, runName(config)));
  const run: TrainRun = { config, resume, dir, files: runFiles(dir), data, loss, model, say, group };

  say(deviceNote);
  if (group !== null) say(`data-parallel: ${group.size} processes (Open MPI) × ${getNumThreads()} thread(s), batchSize ${config.hyperparameters.batchSize} per process`);
  sayData(run);
  say(arch.table);
  const info = resume ? readModelInfo(dir) : speaks ? startRunDir(run, architecture, arch) : ({} as ModelInfo);
  if (speaks) writeResolvedConfig(run);

  const setup = trainingSetup(run);
  say(resume ? `resuming ${dir} from epoch ${info.epochsCompleted} to ${config.hyperparameters.epochs}` : `run: ${dir}`);
  const result = await fitRun(run, info, setup);
  if (typeof result === 'number') return result;
  if (result.status === 'interrupted') return reportInterrupted(run, info, result);
  if (speaks) finishRun(run, info, result, setup.early);
  return 0;
}
