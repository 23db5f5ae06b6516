/**
 * `dlflow export <run> --out model.onnx [--no-preprocessing]`: the run as an ONNX file, raw
 * columns (or pixels) in and `label` + `probabilities` (or `prediction`) out, its preprocessing
 * inside the graph; with --no-preprocessing the network alone. Prints the graph's inputs and
 * outputs. What cannot be exported is a usage error naming the op (and module) or the column.
 */
import { OnnxExportError } from '../../onnx/errors.js';
import { exportRun } from '../../onnx/run.js';
import { parseArgs, rejectUnknown, takeFlag, takeSwitch } from '../args.js';
import { UsageError } from '../errors.js';
import { loadRun } from '../run/setup.js';

const shapeText = (shape: readonly (number | string)[]): string => `[${shape.join(', ')}]`;

export async function runExport(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, new Set(['no-preprocessing']));
  const out = takeFlag(args, 'out');
  const noPreprocessing = takeSwitch(args, 'no-preprocessing');
  rejectUnknown(args, ['out', 'no-preprocessing'], 'export');
  if (args.positionals.length !== 1 || out === undefined) throw new UsageError('usage: dlflow export <run> --out model.onnx [--no-preprocessing]');
  const run = await loadRun(args.positionals[0]);
  let result;
  try {
    result = await exportRun(run, out, { preprocessing: !noPreprocessing });
  } catch (e) {
    if (e instanceof OnnxExportError) throw new UsageError(e.message);
    throw e;
  }
  const lines = [`wrote ${out} (ONNX opset 17${noPreprocessing ? ', network only' : ', with preprocessing'})`, 'inputs:'];
  for (const i of result.inputs) lines.push(`  ${i.name}  ${i.dtype} ${shapeText(i.shape)}  (${i.kind})`);
  lines.push('outputs:');
  for (const o of result.outputs) lines.push(`  ${o.name}  ${o.dtype} ${shapeText(o.shape)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
