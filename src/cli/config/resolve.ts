/**
 * Builds the final config: defaults, then the config file, then command-line flags; shorthands
 * expanded, the whole validated, and cross-key rules checked (split fractions sum to 1, ...).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../errors.js';
import { DEFAULT_DATA, defaultConfig } from './defaults.js';
import { readConfigFile } from './load.js';
import { deepMerge, normalizeShorthands } from './normalize.js';
import { flagsToOverrides } from './overrides.js';
import { CONFIG_SPEC } from './schema.js';
import type { DlflowConfig } from './types.js';
import { validate } from './validate.js';
import { isPlainObject } from '../../base/options.js';

export interface ResolveInput {
  /** Config file path, if any. */
  file?: string;
  /** A parsed config object (used instead of / on top of the file). */
  raw?: Record<string, unknown>;
  /** Command-line flags that set config keys. */
  flags?: readonly [string, string | true][];
}

/** Checks a merged config and returns it typed; throws a UsageError listing every problem. */
export function checkConfig(merged: Record<string, unknown>, source: string): DlflowConfig {
  const issues = validate(merged, CONFIG_SPEC);
  const config = merged as unknown as DlflowConfig;
  if (issues.length === 0) {
    const s = config.data.split;
    if (Math.abs(s.train + s.val + s.test - 1) > 1e-6) issues.push({ path: 'data.split', message: `train + val + test must sum to 1, found ${s.train} + ${s.val} + ${s.test}` });
    if (s.train <= 0) issues.push({ path: 'data.split.train', message: 'expected a fraction > 0, found 0' });
    if (config.metrics !== 'auto' && (!Array.isArray(config.metrics) || config.metrics.some((m) => typeof m !== 'string'))) {
      issues.push({ path: 'metrics', message: `expected 'auto' or a list of metric names, found ${JSON.stringify(config.metrics)}` });
    }
    if (config.model.arch === 'layers' && (config.model.layers === null || config.model.layers.length === 0)) {
      issues.push({ path: 'model.layers', message: "model.arch is 'layers' but no layers are listed" });
    }
    const cnn = config.model.cnn;
    if (cnn.channels !== null && cnn.blocks !== null && cnn.channels.length !== cnn.blocks) {
      issues.push({ path: 'model.cnn.blocks', message: `${cnn.blocks} blocks but ${cnn.channels.length} channel counts in model.cnn.channels` });
    }
  }
  if (issues.length > 0) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
    throw new UsageError(`invalid config (${source}):\n${lines.join('\n')}`);
  }
  return config;
}


/** Paths written `./x` or `../x` in a config file are relative to that file (others to the working directory). */
function relativeToFile(raw: Record<string, unknown>, file: string): Record<string, unknown> {
  const fix = (v: unknown): unknown => (typeof v === 'string' && /^\.\.?[\\/]/.test(v) ? path.join(path.dirname(file), v) : v);
  const out = { ...raw };
  const fixKeys = (o: Record<string, unknown>, keys: string[]): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, keys.includes(k) ? fix(v) : v]));
  if (isPlainObject(out.data)) out.data = fixKeys(out.data, ['path', 'test']);
  if (isPlainObject(out.model)) out.model = fixKeys(out.model, ['arch']);
  return out;
}

const isBundledData = (file: string): boolean => {
  try {
    return fs.realpathSync(file) === fs.realpathSync(DEFAULT_DATA.path);
  } catch {
    return false;
  }
};

/** Only the bundled data implies its target (species); any other file's target is given or found in the data. */
function withBundledTarget(merged: Record<string, unknown>): Record<string, unknown> {
  const data = merged.data;
  if (!isPlainObject(data) || data.target !== null || typeof data.path !== 'string' || !isBundledData(data.path)) return merged;
  return { ...merged, data: { ...data, target: DEFAULT_DATA.target } };
}

/**
 * The resolved config.
 *
 * @example
 * const cfg = resolveConfig({ file: 'dlflow.yaml', flags: [['epochs', '5']] });
 * cfg.hyperparameters.epochs; // 5
 */
export function resolveConfig(input: ResolveInput = {}): DlflowConfig {
  let merged = defaultConfig() as unknown as Record<string, unknown>;
  const sources: string[] = [];
  if (input.file !== undefined) {
    merged = deepMerge(merged, relativeToFile(normalizeShorthands(readConfigFile(input.file)), input.file));
    sources.push(input.file);
  }
  if (input.raw !== undefined) merged = deepMerge(merged, normalizeShorthands(input.raw));
  if (input.flags !== undefined && input.flags.length > 0) {
    merged = deepMerge(merged, normalizeShorthands(flagsToOverrides(input.flags)));
    sources.push('command line');
  }
  return checkConfig(withBundledTarget(merged), sources.length > 0 ? sources.join(' + ') : 'defaults');
}
