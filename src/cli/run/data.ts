/**
 * The data step as the CLI runs it: src/data/prepare's functions with their data errors (a bad
 * file, line or column; a request the data cannot satisfy) turned into usage errors, which the CLI
 * prints without a stack trace and exits with code 2.
 */
import { DataError } from '../../data/errors.js';
import { DataRequestError } from '../../data/prepare/errors.js';
import { readNewData, type NewData } from '../../data/prepare/new_data.js';
import type { PrepareOptions } from '../../data/prepare/options.js';
import { prepareData } from '../../data/prepare/prepare.js';
import type { Preprocessing } from '../../data/prepare/preprocessing.js';
import type { PreparedData } from '../../data/prepare/types.js';
import { UsageError } from '../errors.js';

/** Runs `fn`, rethrowing data errors as usage errors. */
export async function asUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DataError || e instanceof DataRequestError) throw new UsageError(e.message);
    throw e;
  }
}

/**
 * The prepared data of a config.
 *
 * @example
 * const data = await prepareRunData(resolveConfig({ flags: [['data', 'datasets/penguins.csv']] }));
 */
export function prepareRunData(config: PrepareOptions): Promise<PreparedData> {
  return asUsage(() => prepareData(config));
}

/**
 * New data for a trained run, transformed as in training.
 *
 * @example
 * const d = await readRunData('new.csv', info.preprocessing, false);
 */
export function readRunData(file: string, pre: Preprocessing, withTarget: boolean): Promise<NewData> {
  return asUsage(() => readNewData(file, pre, withTarget));
}
