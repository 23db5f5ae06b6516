/**
 * `dlflow init [dir]`: writes `dlflow.yaml` (every key, commented; its first line points editors
 * at the schema), `dlflow.schema.json` (the JSON Schema of this dlflow's config) and `model.ts`
 * (a Module with the init/forward structure) into `dir`, never overwriting existing files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import { parseArgs, rejectUnknown } from '../args.js';
import { UsageError } from '../errors.js';
import { configSchemaText } from './schema.js';

const TEMPLATES = new URL('../../../templates/', import.meta.url);

export async function runInit(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  rejectUnknown(args, [], 'init');
  if (args.positionals.length > 1) throw new UsageError('usage: dlflow init [dir]');
  const dir = args.positionals[0] ?? '.';
  const copied = ['dlflow.yaml', 'model.ts'];
  const files = [...copied, 'dlflow.schema.json'];
  const existing = files.filter((f) => fs.existsSync(path.join(dir, f)));
  if (existing.length > 0) throw new UsageError(`${existing.map((f) => path.join(dir, f)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; not overwriting`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of copied) fs.copyFileSync(new URL(f, TEMPLATES), path.join(dir, f), fs.constants.COPYFILE_EXCL);
    writeFileAtomicSync(path.join(dir, 'dlflow.schema.json'), configSchemaText());
  } catch (e) {
    throw new UsageError(`cannot write to ${dir}: ${(e as Error).message}`);
  }
  process.stdout.write(`wrote ${files.map((f) => path.join(dir, f)).join(', ')}\nnext: dlflow train ${path.join(dir, 'dlflow.yaml')}\n`);
  return 0;
}
