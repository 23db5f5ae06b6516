/**
 * Class folders, `root/<class>/<file>` with one subfolder per class (classes in sorted name
 * order, files sorted within each): the one listing of image, audio and volume folders (their
 * one decoding pass over it is decode_listed.ts), for training, evaluate, predict and the
 * ImageFolder/AudioFolder datasets.
 *
 * A folder may hold a million files, so entries are streamed (`opendirSync`), never read into one
 * array, and what is held is bounded: at most `maxFiles` usable files (more is an error naming the
 * folder) and at most that many records of damaged files (the rest only counted). Empty files are
 * damaged files, recognised here from their size, so a folder of a million empty files holds
 * nothing and ends in one error counting them. Names starting with '.' are ignored (macOS `._x.png`
 * resource forks, `.DS_Store`), as `dlflow explore` does.
 *
 * A damaged file (empty, unreadable, undecodable: a DataError) is an error naming it, unless the
 * {@link DamagedFiles} collector skips them: then it is left out and listed with its reason.
 */
import { opendirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError, dataErrorDetail } from '../errors.js';
import { DataRequestError } from './errors.js';

/**
 * Most usable files one folder listing holds. The data step keeps every example in memory (an
 * image folder over its memory budget decodes on demand instead, but is listed within the same
 * bound): 250,000 RGB images of 32×32 pixels are 3 GB as float32, about what a workstation
 * spares; a larger folder is refused at once rather than exhausting memory hours later.
 */
export const MAX_FOLDER_FILES = 250_000;

/** The files a class folder holds: what they are, in messages, and their extensions. */
export interface FileKind {
  /** `PNG/JPEG images`, `WAV files`. */
  what: string;
  /** Lower-case extensions with the dot; a name ending in one is of the kind (`.nii.gz` too). */
  extensions: ReadonlySet<string>;
}

/** A file left out, and why. */
export interface DamagedFile {
  file: string;
  reason: string;
}

/** The damaged files left out: `count` of them, the first `files.length` (at most the bound) listed, sorted. */
export interface SkippedFiles {
  count: number;
  files: DamagedFile[];
}

/**
 * Where damaged files go. Not skipping (the default), the first is an error naming it; skipping,
 * each is left out and recorded (at most `limit` records, all counted).
 */
export class DamagedFiles {
  private readonly held: DamagedFile[] = [];
  private readonly perFolder = new Map<string, number>();
  private total = 0;

  constructor(readonly skip = false, private readonly limit = MAX_FOLDER_FILES) {}

  /** Damaged files so far. */
  get count(): number {
    return this.total;
  }

  /** Records a damaged file. @throws DataError naming it when files are not skipped. */
  add(file: string, reason: string): void {
    if (!this.skip) throw new DataError(file, undefined, undefined, reason);
    this.total++;
    this.perFolder.set(dirname(file), (this.perFolder.get(dirname(file)) ?? 0) + 1);
    if (this.held.length < this.limit) this.held.push({ file, reason });
  }

  /**
   * `read()`'s value, or null when it throws a DataError and files are skipped (the file is
   * recorded). Any other error, a bug, propagates.
   */
  attempt<T>(file: string, read: () => T): T | null {
    try {
      return read();
    } catch (e) {
      return this.recorded(file, e);
    }
  }

  /** {@link attempt} for an asynchronous read. */
  async attemptAsync<T>(file: string, read: () => Promise<T>): Promise<T | null> {
    try {
      return await read();
    } catch (e) {
      return this.recorded(file, e);
    }
  }

  /** Records `e`, a DataError of a skipped file (null); anything else propagates. */
  private recorded(file: string, e: unknown): null {
    if (!this.skip || !(e instanceof DataError)) throw e;
    this.add(file, dataErrorDetail(e));
    return null;
  }

  /** Damaged files directly inside `folder`. */
  countIn(folder: string): number {
    return this.perFolder.get(folder) ?? 0;
  }

  /** The files left out so far, sorted by path. */
  summary(): SkippedFiles {
    return { count: this.total, files: [...this.held].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)) };
  }
}

/** Settings of {@link listClassFolder}. */
export interface ClassFolderOptions {
  files: FileKind;
  /** Where damaged files go (default: the first is an error). */
  damaged?: DamagedFiles;
  /** Most usable files held (default {@link MAX_FOLDER_FILES}); more is an error naming the folder. */
  maxFiles?: number;
}

/** The usable files of a class folder, by class. */
export interface ClassFolderListing {
  classes: string[];
  /** Paths, class by class in class order, sorted within each. */
  files: string[];
  /** Class index of each file. */
  labels: Int32Array;
}

/**
 * Calls `visit` with each entry of `dir`, streamed: a folder of a million entries is never one
 * array. Stops early, returning true, when `visit` returns true.
 */
function eachEntry(dir: string, visit: (entry: Dirent) => boolean | void): boolean {
  let handle;
  try {
    handle = opendirSync(dir);
  } catch (e) {
    throw new DataError(dir, undefined, undefined, `cannot read folder: ${(e as Error).message}`);
  }
  try {
    for (let entry = handle.readSync(); entry !== null; entry = handle.readSync()) if (visit(entry) === true) return true;
    return false;
  } finally {
    handle.closeSync();
  }
}

/** The stats of `path` (links followed), or the error's message. */
function statOf(path: string): Stats | string {
  try {
    return statSync(path);
  } catch (e) {
    return (e as Error).message;
  }
}

/** A subfolder, a link to one included. */
function isFolder(entry: Dirent, path: string): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  const st = statOf(path);
  return typeof st !== 'string' && st.isDirectory();
}

const isHidden = (name: string): boolean => name.startsWith('.');

/**
 * True when the file `name` (a path or a bare name) is of the kind: it ends in one of the kind's
 * extensions, case aside, and is not hidden.
 *
 * @example
 * isFileOfKind('scans/a/001.NII.GZ', { what: 'volumes', extensions: new Set(['.nii.gz']) }); // true
 */
export function isFileOfKind(name: string, kind: FileKind): boolean {
  if (isHidden(basename(name))) return false;
  const lower = name.toLowerCase();
  for (const extension of kind.extensions) if (lower.endsWith(extension)) return true;
  return false;
}

/** The class names of `root`: its subfolders, sorted. */
function classNames(root: string): string[] {
  const names: string[] = [];
  eachEntry(root, (e) => { if (!isHidden(e.name) && isFolder(e, join(root, e.name))) names.push(e.name); });
  return names.sort();
}

/**
 * The usable files of one class folder, sorted. Empty and unreadable ones go to `damaged`; when
 * they are not skipped, the first by name is the error, so the message does not depend on the
 * order the file system lists them in. @throws DataRequestError past `room` usable files.
 */
function classFiles(dir: string, kind: FileKind, damaged: DamagedFiles, room: number, tooMany: () => Error): string[] {
  const names: string[] = [];
  let firstBad: DamagedFile | null = null;
  eachEntry(dir, (e) => {
    if (!isFileOfKind(e.name, kind)) return;
    const path = join(dir, e.name);
    const st = statOf(path);
    const reason = typeof st === 'string' ? `cannot read: ${st}` : st.isFile() && st.size === 0 ? 'empty file (0 bytes)' : null;
    if (reason !== null) {
      if (damaged.skip) damaged.add(path, reason);
      else if (firstBad === null || path < firstBad.file) firstBad = { file: path, reason };
      return;
    }
    if (typeof st === 'string' || !st.isFile()) return; // a folder named x.png
    if (names.length >= room) throw tooMany();
    names.push(e.name);
  });
  const bad = firstBad as DamagedFile | null; // assigned in the callback, which TypeScript does not follow
  if (bad !== null) damaged.add(bad.file, bad.reason);
  return names.sort().map((n) => join(dir, n));
}

/**
 * The usable files of `root/<class>/`, streamed and bounded (see the module notes).
 *
 * @throws DataError for an unreadable folder, a damaged file (unless skipped) and a folder with
 * no usable file; DataRequestError for more than `maxFiles` usable files.
 * @example
 * const l = listClassFolder('photos', { files: IMAGE_FILES });
 * l.classes; // ['cat', 'dog']
 */
export function listClassFolder(root: string, opts: ClassFolderOptions): ClassFolderListing {
  const maxFiles = opts.maxFiles ?? MAX_FOLDER_FILES;
  const damaged = opts.damaged ?? new DamagedFiles();
  const tooMany = (): Error => new DataRequestError(`${root}: more than ${maxFiles} ${opts.files.what} in its class folders; ` +
    `dlflow reads at most ${maxFiles} from one folder: train on a sample of them`);
  const classes = classNames(root);
  const files: string[] = [];
  const labels: number[] = [];
  classes.forEach((name, k) => {
    for (const file of classFiles(join(root, name), opts.files, damaged, maxFiles - files.length, tooMany)) {
      files.push(file);
      labels.push(k);
    }
  });
  requireUsable(root, opts.files, files.length, damaged);
  return { classes, files, labels: Int32Array.from(labels) };
}

/**
 * A folder left with no usable file is an error naming it and counting the damaged ones.
 * @throws DataError when `usable` is 0.
 */
export function requireUsable(root: string, kind: FileKind, usable: number, damaged: DamagedFiles): void {
  if (usable > 0) return;
  if (damaged.count === 0) throw new DataError(root, undefined, undefined, `no ${kind.what} found (expected one subfolder per class holding them)`);
  const [first] = damaged.summary().files;
  throw new DataError(root, undefined, undefined, `no usable ${kind.what}: ${damaged.count} damaged file(s) skipped (${first.file}: ${first.reason}${damaged.count > 1 ? '; …' : ''})`);
}

/**
 * Training needs every class: a class whose files were all damaged is an error naming it (a class
 * folder with no file of the kind at all stays a class without examples, as before).
 * @throws DataError naming the class folder.
 */
export function requireEveryClass(root: string, classes: readonly string[], keptLabels: ArrayLike<number>, damaged: DamagedFiles): void {
  const kept = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < keptLabels.length; i++) kept[keptLabels[i]]++;
  classes.forEach((name, k) => {
    const folder = join(root, name);
    const lost = damaged.countIn(folder);
    if (kept[k] > 0 || lost === 0) return;
    const first = damaged.summary().files.find((f) => dirname(f.file) === folder);
    const example = first === undefined ? '' : `; first: ${basename(first.file)}: ${first.reason}`;
    throw new DataError(folder, undefined, undefined, `every file of class '${name}' is damaged (${lost} skipped${example})`);
  });
}

/** `eachEntry`, with a folder that cannot be read taken as empty (the lister names it later). */
function eachReadableEntry(dir: string, visit: (entry: Dirent) => boolean | void): boolean {
  try {
    return eachEntry(dir, visit);
  } catch (e) {
    if (e instanceof DataError) return false;
    throw e;
  }
}

/**
 * True when some class subfolder of `dir` holds a file of the kind (by name; nothing is read):
 * the cheap test that picks how a folder is prepared, stopping at the first match.
 */
export function hasClassFiles(dir: string, kind: FileKind): boolean {
  return eachReadableEntry(dir, (e) => {
    const sub = join(dir, e.name);
    return !isHidden(e.name) && isFolder(e, sub) && eachReadableEntry(sub, (f) => isFileOfKind(f.name, kind));
  });
}

/**
 * Which of `kinds` the class subfolders of `dir` hold most files of (by name, nothing read;
 * entries streamed), ties going to the earlier kind; null when they hold none of any. The one
 * test of what a class folder holds: training and `dlflow explore` both ask it (explore/detect.ts).
 *
 * @example
 * classFolderKind('scans', [IMAGE_FILES, WAV_FILES, VOLUME_FILES]); // VOLUME_FILES
 */
export function classFolderKind<K extends FileKind>(dir: string, kinds: readonly K[]): K | null {
  const counts = new Array<number>(kinds.length).fill(0);
  eachReadableEntry(dir, (e) => {
    const sub = join(dir, e.name);
    if (isHidden(e.name) || !isFolder(e, sub)) return;
    eachReadableEntry(sub, (f) => {
      const k = kinds.findIndex((kind) => isFileOfKind(f.name, kind));
      if (k >= 0) counts[k]++;
    });
  });
  const most = Math.max(0, ...counts);
  return most === 0 ? null : kinds[counts.indexOf(most)];
}
