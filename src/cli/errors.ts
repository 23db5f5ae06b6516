/**
 * Errors the CLI reports without a stack trace. `UsageError` exits with code 2 (bad arguments,
 * config or data naming); `CliError` with code 1 (a failure while running).
 */
import { DataError } from '../data/errors.js';
import { DataRequestError } from '../data/prepare/errors.js';
import { FileFormatError } from '../io/errors.js';

export class CliError extends Error {
  readonly exitCode: number = 1;
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

/** A mistake in how dlflow was called: arguments, config keys or values, file or column names. */
export class UsageError extends CliError {
  override readonly exitCode: number = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The CLI error of a problem in the user's files. A damaged file — a data error (a bad line, an
 * undecodable image, a truncated WAV) or a damaged run file (safetensors, checkpoint, model.json)
 * — becomes a {@link CliError} (exit code 1) with the same message, which names the file; a data
 * request the files cannot satisfy (a target column they lack) is a {@link UsageError} (exit
 * code 2); a CliError is itself; anything else (a bug) is null.
 *
 * @example
 * userErrorOf(new FileFormatError('runs/a/model.safetensors', 'truncated')); // CliError, exit code 1
 */
export function userErrorOf(e: unknown): CliError | null {
  if (e instanceof CliError) return e;
  if (e instanceof DataRequestError) return new UsageError(e.message);
  if (e instanceof DataError || e instanceof FileFormatError) return new CliError(e.message);
  return null;
}
