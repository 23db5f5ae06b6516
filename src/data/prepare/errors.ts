/**
 * The error of the data step when the data cannot be used as asked: a missing file or column, a
 * target with one class, a folder of the wrong kind, new data that does not fit a trained model.
 * Problems inside a file (a bad line, an undecodable image) stay {@link DataError}s naming the
 * place; the CLI reports them without a stack trace (exit code 2 for these, 1 for DataErrors).
 */
export class DataRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataRequestError';
  }
}
