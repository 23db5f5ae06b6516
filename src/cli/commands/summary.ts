/**
 * `dlflow summary <run|config> [--key value ...]`: the model's layer table (layer, output shape,
 * parameters) and architecture.svg, without training. For a config, the data is read to size the
 * input and output layers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { manualSeed } from '../../core/generator.js';
import { architectureSvgDocument } from '../../report/architecture_svg.js';
import { parseArgs, takeFlag } from '../args.js';
import { resolveConfig } from '../config/resolve.js';
import { prepareRunData } from '../run/data.js';
import { UsageError } from '../errors.js';
import { buildModel, type Architecture } from '../model/build.js';
import { chooseLoss, regressionOutputs } from '../model/loss.js';
import { runFiles } from '../run/run_dir.js';
import { architectureTitle, layerInfos, loadRun } from '../run/setup.js';

export async function runSummary(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const outFlag = takeFlag(args, 'out');
  if (args.positionals.length > 1) throw new UsageError('usage: dlflow summary <run|config> [--out architecture.svg]');
  const target = args.positionals[0];
  let model, architecture: Architecture, inputShape: number[], svgPath: string;
  if (target !== undefined && fs.existsSync(target) && fs.statSync(target).isDirectory()) {
    if (args.flags.length > 0) throw new UsageError(`summary of a run takes no config flags (got --${args.flags[0][0]})`);
    const run = await loadRun(target);
    model = run.model;
    architecture = run.info.architecture;
    inputShape = run.info.inputShape;
    svgPath = outFlag ?? runFiles(target).architecture;
  } else {
    const config = resolveConfig({ file: target, flags: args.flags });
    const data = await prepareRunData(config);
    const loss = chooseLoss(config.loss, data.task, data.target.classes?.length ?? 0, regressionOutputs(data.preprocessing));
    manualSeed(config.seed);
    ({ model, architecture } = await buildModel(config, data.inputShape, loss.outputs));
    inputShape = data.inputShape;
    svgPath = outFlag ?? 'architecture.svg';
  }
  const info = layerInfos(model, inputShape);
  process.stdout.write(`${info.table}\n`);
  fs.mkdirSync(path.dirname(path.resolve(svgPath)), { recursive: true });
  fs.writeFileSync(svgPath, architectureSvgDocument(info.layers, { title: architectureTitle(architecture, info.totalParams), inputShape: [-1, ...inputShape] }));
  process.stdout.write(`wrote ${svgPath}\n`);
  return 0;
}
