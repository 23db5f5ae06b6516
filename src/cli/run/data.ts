/**
 * The data step as the CLI runs it: src/data/prepare's functions with their data errors turned
 * into CLI errors, which the CLI prints without a stack trace: a damaged file (a bad line, an
 * undecodable image) exits with code 1, a request the data cannot satisfy (a missing column)
 * with code 2.
 */
import { readNewData, type NewData } from '../../data/prepare/new_data.js';
import type { PrepareOptions } from '../../data/prepare/options.js';
import { prepareData } from '../../data/prepare/prepare.js';
import type { Preprocessing } from '../../data/prepare/preprocessing.js';
import type { PreparedData } from '../../data/prepare/types.js';
import { userErrorOf } from '../errors.js';

/** Runs `fn`, rethrowing data errors as the CLI errors of {@link userErrorOf}. */
export async function asUserError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw userErrorOf(e) ?? e;
  }
}

/**
 * The prepared data of a config.
 *
 * @example
 * const data = await prepareRunData(resolveConfig({ flags: [['data', 'datasets/penguins.csv']] }));
 */
export function prepareRunData(config: PrepareOptions): Promise<PreparedData> {
  return asUserError(() => prepareData(config));
}

/**
 * New data for a trained run, transformed as in training.
 *
 * @example
 * const d = await readRunData('new.csv', info.preprocessing, false);
 */
export function readRunData(file: string, pre: Preprocessing, withTarget: boolean): Promise<NewData> {
  return asUserError(() => readNewData(file, pre, withTarget));
}
