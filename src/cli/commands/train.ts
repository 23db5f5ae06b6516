/**
 * `dlflow train [config] [--data path --target col] [--resume runs/<name> --epochs N] [--key value ...]`:
 * data → preprocessing → model → training with checkpoints → test evaluation → run directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { manualSeed } from '../../core/generator.js';
import { save } from '../../io/safetensors.js';
import { architectureSvgDocument } from '../../report/architecture_svg.js';
import { evaluateModel } from '../../train/evaluate.js';
import { NonFiniteLossError } from '../../train/errors.js';
import { DeviceError, resolveDevice } from '../../train/device.js';
import { CSVLogger, JSONLLogger } from '../../train/callbacks/loggers.js';
import { EarlyStopping } from '../../train/callbacks/early_stopping.js';
import { LearningRateMonitor } from '../../train/callbacks/lr_monitor.js';
import { ModelCheckpoint } from '../../train/callbacks/model_checkpoint.js';
import { ProgressBar } from '../../train/callbacks/progress_bar.js';
import { Trainer } from '../../train/trainer.js';
import type { Callback } from '../../train/callback.js';
import { parseArgs, takeFlag } from '../args.js';
import { resolveConfig } from '../config/resolve.js';
import { readConfigFile } from '../config/load.js';
import type { DlflowConfig } from '../config/types.js';
import { prepareData } from '../data/prepare.js';
import { UsageError } from '../errors.js';
import { buildModel } from '../model/build.js';
import { chooseLoss } from '../model/loss.js';
import { optimizerFactory, schedulerFactory } from '../model/optimizer.js';
import { evaluationOf } from '../run/evaluation.js';
import { readModelInfo, writeModelInfo, type ModelInfo } from '../run/model_json.js';
import { writeRunReport } from '../run/report.js';
import { checkRunDir, createRunDir, removeIfEmptyRun, runFiles, runName } from '../run/run_dir.js';
import { layerInfos, loaderOf } from '../run/setup.js';
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

/** Runs `dlflow train`; resolves to the exit code. */
export async function runTrain(argv: readonly string[]): Promise<number> {
  const { config, resume } = configFor(argv);
  const h = config.hyperparameters;
  const logMode = config.log;
  const out = logMode === 'jsonl' ? process.stderr : process.stdout;
  const say = (s: string): void => { out.write(`${s}\n`); };
  let deviceNote: string;
  try {
    deviceNote = resolveDevice(config.device).note;
  } catch (e) {
    if (e instanceof DeviceError) throw new UsageError(e.message);
    throw e;
  }
  const data = await prepareData(config);
  const loss = chooseLoss(config.loss, data.task, data.target.classes?.length ?? 0);
  manualSeed(config.seed);
  const { model, architecture } = await buildModel(config, data.inputUnits, loss.outputs);
  const name = resume ?? runName(config);
  const dir = resume ?? checkRunDir(config.runsDir, name);
  const f = runFiles(dir);

  say(deviceNote);
  say(`data: ${data.summary.source} — ${data.summary.rows} rows, task ${data.task}${data.target.classes ? ` (${data.target.classes.length} classes)` : ''}, ${data.inputUnits} input units; split ${data.summary.splits.train}/${data.summary.splits.val}/${data.summary.splits.test}`);
  for (const n of data.summary.notes) say(`  note: ${n}`);
  const arch = layerInfos(model, data.inputShape);
  say(arch.table);

  const info: ModelInfo = resume ? readModelInfo(dir) : {
    dlflow: dlflowVersion(), status: 'training', message: 'training', created: new Date().toISOString(),
    task: data.task, loss: loss.name, architecture, inputShape: data.inputShape, totalParams: arch.totalParams, layers: arch.layers,
    labels: data.target.classes, target: data.target.column, preprocessing: data.preprocessing, data: data.summary,
    epochsCompleted: 0, bestEpoch: null,
  };
  if (resume === null) {
    createRunDir(dir);
    if (architecture.kind === 'file') info.architecture = { ...architecture, file: copyModelFile(architecture.file, dir) };
    writeModelInfo(dir, info);
    fs.writeFileSync(f.architecture, architectureSvgDocument(arch.layers, { title: `Model (${arch.totalParams} parameters)`, inputShape: [-1, data.inputUnits] }));
  }
  fs.writeFileSync(f.config, `# dlflow ${dlflowVersion()}: the resolved config of this run (defaults + file + command line)\n${stringify(absolutePaths(config))}`);

  const trainLoader = loaderOf(data.train, data.inputUnits, loss, h.batchSize, true, config.seed);
  const valLoader = loaderOf(data.val, data.inputUnits, loss, Math.max(256, h.batchSize), false, 0);
  const checkpoint = new ModelCheckpoint({ dir: f.checkpoints });
  const early = h.earlyStopping.patience > 0
    ? new EarlyStopping({ monitor: h.earlyStopping.monitor, patience: h.earlyStopping.patience, minDelta: h.earlyStopping.minDelta, restoreBest: h.earlyStopping.restoreBest })
    : null;
  const callbacks: Callback[] = [
    ...(early ? [early] : []), new LearningRateMonitor(), new JSONLLogger(f.metrics), new CSVLogger(f.history),
    new ProgressBar({ mode: logMode === 'auto' ? 'auto' : logMode, stream: process.stdout }), checkpoint,
  ];
  const sched = schedulerFactory(h, trainLoader.length);
  const trainer = new Trainer({
    epochs: h.epochs, device: config.device, optimizer: optimizerFactory(h), scheduler: sched.make, schedulerInterval: sched.interval,
    loss: loss.fn, gradClip: h.gradClip, callbacks, task: data.task,
    metrics: config.metrics === 'auto' ? undefined : config.metrics,
  });
  say(resume ? `resuming ${dir} from epoch ${readModelInfo(dir).epochsCompleted} to ${h.epochs}` : `run: ${dir}`);
  let result;
  try {
    result = await trainer.fit(model, trainLoader, valLoader, resume ? { resume: f.lastCheckpoint } : {});
  } catch (e) {
    if (e instanceof NonFiniteLossError) {
      if (e.lastCheckpoint === null && resume === null) {
        removeIfEmptyRun(dir);
        process.stderr.write(`dlflow: ${e.message} (run directory ${dir} removed)\n`);
      } else {
        writeModelInfo(dir, { ...info, status: 'nonfinite', message: e.message, epochsCompleted: e.lastCheckpoint?.epoch ?? info.epochsCompleted });
        process.stderr.write(`dlflow: ${e.message}\n`);
      }
      return 1;
    }
    if (resume === null) removeIfEmptyRun(dir);
    throw e;
  }
  if (result.status === 'interrupted') {
    writeModelInfo(dir, { ...info, status: 'interrupted', message: result.message, epochsCompleted: result.epochs });
    if (result.epochs === 0 && resume === null) {
      removeIfEmptyRun(dir);
      say(`interrupted before the first epoch finished; nothing saved`);
    } else {
      say(`interrupted: checkpoint of epoch ${result.epochs} in ${f.lastCheckpoint}; continue with: dlflow train --resume ${dir}`);
    }
    return 130;
  }
  save(model.stateDict(), f.weights, { format: 'pt' });
  const test = evaluateModel(model, loaderOf(data.test, data.inputUnits, loss, 1024, false, 0), loss.fn, data.task);
  const evaluation = evaluationOf('test', data.task, test.outputs, test.targets, data.target, config.metrics === 'auto' ? undefined : config.metrics);
  fs.writeFileSync(f.evaluation, `${JSON.stringify(evaluation)}\n`);
  writeModelInfo(dir, {
    ...info, status: result.status === 'early_stopped' ? 'early_stopped' : 'complete', message: result.message,
    epochsCompleted: result.epochs, bestEpoch: early?.bestEpoch ?? result.epochs,
  });
  writeRunReport(dir);
  say(result.message);
  const shown = Object.entries(evaluation.metrics).slice(0, 6).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
  say(`test (${evaluation.rows} rows): ${shown}`);
  say(`saved ${dir}/ (model.safetensors, model.json, report.html, metrics.jsonl, history.csv, architecture.svg, checkpoints/)`);
  return 0;
}
