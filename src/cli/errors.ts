/**
 * Errors the CLI reports without a stack trace. `UsageError` exits with code 2 (bad arguments,
 * config or data naming); `CliError` with code 1 (a failure while running).
 */
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
