/**
 * `dlflow init [dir]`: writes `dlflow.yaml` (every key, commented) and `model.ts` (a Module with
 * the init/forward structure) into `dir`, never overwriting existing files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, rejectUnknown } from '../args.js';
import { UsageError } from '../errors.js';

const TEMPLATES = new URL('../../../templates/', import.meta.url);

export async function runInit(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  rejectUnknown(args, [], 'init');
  if (args.positionals.length > 1) throw new UsageError('usage: dlflow init [dir]');
  const dir = args.positionals[0] ?? '.';
  const files = ['dlflow.yaml', 'model.ts'];
  const existing = files.filter((f) => fs.existsSync(path.join(dir, f)));
  if (existing.length > 0) throw new UsageError(`${existing.map((f) => path.join(dir, f)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; not overwriting`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of files) fs.copyFileSync(new URL(f, TEMPLATES), path.join(dir, f), fs.constants.COPYFILE_EXCL);
  } catch (e) {
    throw new UsageError(`cannot write to ${dir}: ${(e as Error).message}`);
  }
  process.stdout.write(`wrote ${path.join(dir, 'dlflow.yaml')} and ${path.join(dir, 'model.ts')}\nnext: dlflow train ${path.join(dir, 'dlflow.yaml')}\n`);
  return 0;
}
