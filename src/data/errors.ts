/**
 * Errors raised by the data layer. Each names where the problem is: the file,
 * the 1-based line, and where known the 1-based column (character position in
 * the line) or the column/key name.
 */
export class DataError extends Error {
  /** File the problem is in (as given by the caller), or '<input>' for in-memory data. */
  readonly file: string;
  /** 1-based physical line number, when known. */
  readonly line: number | undefined;
  /** 1-based character column in that line, when known. */
  readonly column: number | undefined;

  constructor(file: string, line: number | undefined, column: number | undefined, detail: string) {
    super(`${formatLocation(file, line, column)}: ${detail}`);
    this.name = 'DataError';
    this.file = file;
    this.line = line;
    this.column = column;
  }
}

/** `file:line:column`, dropping the parts that are unknown. */
export function formatLocation(file: string, line?: number, column?: number): string {
  let s = file;
  if (line !== undefined) s += `:${line}`;
  if (line !== undefined && column !== undefined) s += `:${column}`;
  return s;
}

/** What a DataError says after the `file:line:column:` it names (to re-raise or record it elsewhere). */
export function dataErrorDetail(e: DataError): string {
  const prefix = `${formatLocation(e.file, e.line, e.column)}: `;
  return e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message;
}
