/**
 * The data step as the CLI runs it: src/data/prepare's functions for a run's config and for new
 * data, and the terminal lines of the files they left out. Their data errors reach the CLI as
 * they are: main.ts turns them into messages without a stack trace (userErrorOf: a damaged file
 * exits with code 1, a request the data cannot satisfy, such as a missing column, with code 2).
 */
import type { SkippedFiles } from '../../data/prepare/class_folder.js';
import { readNewData, type NewData, type NewDataOptions } from '../../data/prepare/new_data.js';
import type { PrepareOptions } from '../../data/prepare/options.js';
import { prepareData } from '../../data/prepare/prepare.js';
import type { Preprocessing } from '../../data/prepare/preprocessing.js';
import type { PreparedData } from '../../data/prepare/types.js';

/**
 * The prepared data of a config.
 *
 * @example
 * const data = await prepareRunData(resolveConfig({ flags: [['data', 'datasets/penguins.csv']] }));
 */
export function prepareRunData(config: PrepareOptions): Promise<PreparedData> {
  return prepareData(config);
}

/**
 * New data for a trained run, transformed as in training.
 *
 * @example
 * const d = await readRunData('new.csv', info.preprocessing, false);
 */
export function readRunData(file: string, pre: Preprocessing, withTarget: boolean, options: NewDataOptions = {}): Promise<NewData> {
  return readNewData(file, pre, withTarget, options);
}

/**
 * The terminal lines of the damaged files left out (none when nothing was): a summary line, then
 * one line per file with its reason (train, evaluate and predict print the same).
 *
 * @example
 * skippedLines({ count: 1, files: [{ file: 'img/cat/3.png', reason: 'empty file (0 bytes)' }] });
 * // ['skipped 1 damaged file(s):', '  img/cat/3.png: empty file (0 bytes)']
 */
export function skippedLines(skipped: SkippedFiles | undefined): string[] {
  if (skipped === undefined || skipped.count === 0) return [];
  const unlisted = skipped.count - skipped.files.length;
  return [
    `skipped ${skipped.count} damaged file(s):`,
    ...skipped.files.map((f) => `  ${f.file}: ${f.reason}`),
    ...(unlisted > 0 ? [`  … and ${unlisted} more (dlflow lists at most ${skipped.files.length})`] : []),
  ];
}
