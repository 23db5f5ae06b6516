/**
 * `dlflow schema [--out file]`: the JSON Schema of dlflow.yaml (generated from the schema the
 * validator checks), on stdout or written atomically to a file, for editors to complete and check
 * configs (`# yaml-language-server: $schema=./dlflow.schema.json`).
 */
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import { parseArgs, rejectUnknown, takeFlag } from '../args.js';
import { defaultConfig } from '../config/defaults.js';
import { configJsonSchema } from '../config/json_schema.js';
import { CliError, UsageError } from '../errors.js';
import { dlflowVersion } from '../version.js';

/** The schema's text. The bundled data's path is machine-specific, so `data.path` shows no default. */
export function configSchemaText(): string {
  const defaults = defaultConfig() as unknown as { data: Record<string, unknown> };
  delete defaults.data.path;
  return `${JSON.stringify(configJsonSchema(defaults, dlflowVersion()), null, 2)}\n`;
}

export async function runSchema(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv);
  const out = takeFlag(args, 'out');
  rejectUnknown(args, ['out'], 'schema');
  if (args.positionals.length > 0) throw new UsageError('usage: dlflow schema [--out dlflow.schema.json]');
  const text = configSchemaText();
  if (out === undefined) {
    process.stdout.write(text);
    return 0;
  }
  try {
    writeFileAtomicSync(out, text);
  } catch (e) {
    throw new CliError(`cannot write ${out}: ${(e as Error).message}`);
  }
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}
