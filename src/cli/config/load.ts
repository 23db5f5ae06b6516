/** Reads a config file (YAML or JSON) into a plain object, with file:line errors. */
import * as fs from 'node:fs';
import { parseDocument } from 'yaml';
import { UsageError } from '../errors.js';

/**
 * The plain value of a YAML or JSON config file (JSON is YAML).
 *
 * @example
 * const raw = readConfigFile('dlflow.yaml'); // { data: { path: ... }, hyperparameters: { ... } }
 */
export function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`config file not found: ${file}`);
    if (code === 'EISDIR') throw new UsageError(`${file} is a folder, not a config file`);
    throw new UsageError(`cannot read config file ${file}: ${(e as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const where = err.linePos ? `${file}:${err.linePos[0].line}:${err.linePos[0].col}` : file;
    throw new UsageError(`${where}: invalid YAML: ${err.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    // yaml resolves aliases here: one whose anchor is never set (a ReferenceError) or an alias bomb
    // ("Excessive alias count") is the file's problem, not a crash
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new UsageError(`${file}: invalid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${file}: a config must be a mapping of keys (data, model, hyperparameters, ...), found ${Array.isArray(value) ? 'a list' : typeof value}`);
  }
  return value as Record<string, unknown>;
}
