/**
 * Atomic file replacement: write a temporary file in the target's directory,
 * fsync it, rename it over the target, then fsync the directory. Readers see
 * the old content or the new, never a partial file, even after `kill -9` or
 * a power cut.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';

function tempPath(file: string): string {
  const dir = path.dirname(path.resolve(file));
  const rand = Math.random().toString(36).slice(2, 10);
  return path.join(dir, `.${path.basename(file)}.${process.pid}.${rand}.tmp`);
}

function syncDirSync(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms/filesystems cannot fsync a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes `data` to `file` atomically (synchronous form).
 *
 * @example
 * writeFileAtomicSync('runs/demo/report.html', html);
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  const tmp = tempPath(file);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o644);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  syncDirSync(path.dirname(path.resolve(file)));
}

/**
 * Writes `data` to `file` atomically.
 *
 * @example
 * await writeFileAtomic('runs/demo/architecture.svg', svg);
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = tempPath(file);
  try {
    const handle = await fsp.open(tmp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
  let dir: fsp.FileHandle | undefined;
  try {
    dir = await fsp.open(path.dirname(path.resolve(file)), 'r');
    await dir.sync();
  } catch {
    // See syncDirSync.
  } finally {
    await dir?.close();
  }
}
