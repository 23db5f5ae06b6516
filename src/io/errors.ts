/**
 * The error of a file that cannot be read as its format: unreadable, truncated, corrupt, or
 * claiming more than it holds (a safetensors header, a checkpoint, a run's model.json). It
 * names the file and, where known, the byte offset or the key of the problem, so the CLI can
 * print it as is, without a stack trace.
 */
import * as fs from 'node:fs';

export class FileFormatError extends Error {
  /** The file as the caller named it (`<buffer>` for bytes in memory). */
  readonly file: string;
  /** Byte offset of the problem in the file, when there is one. */
  readonly offset: number | undefined;
  /** Key (tensor name, JSON key path) of the problem, when there is one. */
  readonly key: string | undefined;

  /**
   * @example
   * throw new FileFormatError('model.safetensors', 'header is not valid JSON', { offset: 8 });
   * // message: "model.safetensors: header is not valid JSON (at byte 8)"
   */
  constructor(file: string, detail: string, where: { offset?: number; key?: string } = {}) {
    super(`${file}: ${detail}${where.offset === undefined ? '' : ` (at byte ${where.offset})`}`);
    this.name = 'FileFormatError';
    this.file = file;
    this.offset = where.offset;
    this.key = where.key;
  }
}

/**
 * The bytes of `file`, or a {@link FileFormatError} saying why they cannot be read (missing,
 * a folder, no permission) instead of Node's bare system error.
 *
 * @example
 * const bytes = readFileBytes('runs/a/model.safetensors');
 */
export function readFileBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a folder, not a file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'ERR_FS_FILE_TOO_LARGE' ? 'larger than the 2 GiB a file can be read whole' : (e as Error).message;
    throw new FileFormatError(file, `cannot read: ${why}`);
  }
}
