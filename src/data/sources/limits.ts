/**
 * Resource limits of the text readers (CSV/TSV and JSON Lines). A damaged or hostile file can
 * hold a record of millions of fields or a line of gigabytes; the readers refuse one past these
 * limits with a DataError naming the file, the line, the limit and the option that raises it,
 * before it can exhaust memory or stall the read. The defaults are far beyond real tables.
 */
import { option } from '../../base/options.js';

/** The CSV readers' options that bound one record (part of their declarations). */
export const CSV_LIMIT_FIELDS = {
  /** Fields per record (default 100,000); a wider record is a DataError. */
  maxColumns: option.number({ default: 100_000, min: 1, integer: true }),
  /** Bytes per record, newlines inside quotes included (default 64 MiB); a longer one is a DataError. */
  maxRecordBytes: option.number({ default: 64 * 2 ** 20, min: 1, integer: true }),
};

/** The JSON Lines readers' option that bounds one line. */
export const JSONL_LIMIT_FIELDS = {
  /** Bytes per line (default 64 MiB); a longer one is a DataError. */
  maxLineBytes: option.number({ default: 64 * 2 ** 20, min: 1, integer: true }),
};

/** A byte count as messages say it: `64 MiB`, `1.5 KiB`, `200 bytes`. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [['GiB', 2 ** 30], ['MiB', 2 ** 20], ['KiB', 2 ** 10]] as const) {
    if (n >= size) return `${Number((n / size).toFixed(2))} ${unit}`;
  }
  return `${n} bytes`;
}

/** The end of a limit's message: which option it is and that it can be raised. */
export function limitHint(optionName: string): string {
  return `(the ${optionName} limit; raise it with the ${optionName} option)`;
}
