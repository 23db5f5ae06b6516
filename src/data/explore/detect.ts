/**
 * What kind of data a path holds, from names and magic bytes:
 * - a file: `.csv/.tsv/.tab/.txt` or `.jsonl/.ndjson` → table (a time series
 *   is recognised later, from the table's columns), `.parquet` → table in
 *   Parquet, `.npy`, `.nii` or `.nii.gz` → volume, `.wav` → audio, an IDX file
 *   (`*idx*-ubyte[.gz]` or IDX magic) → idx;
 * - a folder: IDX files → idx; class subfolders holding PNG/JPEG → images,
 *   WAV → audio, NIfTI/.npy → volumes (whichever most files are: the same
 *   test as training's, {@link classFolderModality}); else the folder's own
 *   files by the same rule; a single table file → that table.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { WAV_FILES } from '../audio/folder.js';
import { DataError } from '../errors.js';
import { IMAGE_FILES } from '../image/folder.js';
import { classFolderKind, isFileOfKind, type FileKind } from '../prepare/class_folder.js';
import { VOLUME_FILES } from '../prepare/prepare_volumes.js';

/** Modalities. */
export type Modality = 'table' | 'timeseries' | 'images' | 'audio' | 'idx' | 'volume';

/** Result of {@link detectModality} (`timeseries` is decided after reading the table). */
export interface Detected {
  modality: Exclude<Modality, 'timeseries'>;
  path: string;
  isDir: boolean;
  /** For tables: the format. */
  format?: 'csv' | 'jsonl' | 'parquet';
  /** Files found (folders), relative to path. */
  files: string[];
}

const TABLE_EXT: Record<string, 'csv' | 'jsonl' | 'parquet'> = { '.csv': 'csv', '.tsv': 'csv', '.tab': 'csv', '.txt': 'csv', '.jsonl': 'jsonl', '.ndjson': 'jsonl', '.parquet': 'parquet' };

/** The modalities of class folders and their files, in the order that breaks ties. */
const FOLDER_MODALITIES: readonly { modality: 'images' | 'audio' | 'volume'; files: FileKind }[] = [
  { modality: 'images', files: IMAGE_FILES }, { modality: 'audio', files: WAV_FILES }, { modality: 'volume', files: VOLUME_FILES },
];

/**
 * What a folder of class subfolders holds: images, audio or volumes, by the files most of them
 * are; null when its subfolders hold none. Training (data/prepare/prepare.ts) and explore decide
 * with this one test.
 *
 * @example
 * classFolderModality('scans'); // 'volume' (scans/healthy/001.nii.gz, ...)
 */
export function classFolderModality(dir: string): 'images' | 'audio' | 'volume' | null {
  const kind = classFolderKind(dir, FOLDER_MODALITIES.map((m) => m.files));
  return FOLDER_MODALITIES.find((m) => m.files === kind)?.modality ?? null;
}

function head(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try { const b = Buffer.alloc(n); const k = readSync(fd, b, 0, n, 0); return b.subarray(0, k); } finally { closeSync(fd); }
}

function isIdxName(name: string): boolean {
  return /idx\d-ubyte(\.gz)?$/i.test(name) || /\.idx\d?(\.gz)?$/i.test(name);
}

/** Files under `dir`, one level of subfolders deep, as relative paths. */
function listTwoLevels(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    if (e.startsWith('.')) continue;
    const p = join(dir, e);
    if (statSync(p).isDirectory()) { for (const f of readdirSync(p).sort()) if (!f.startsWith('.') && statSync(join(p, f)).isFile()) out.push(join(e, f)); } else out.push(e);
  }
  return out;
}

/** The modality most of `files` (a folder's own files; no class subfolder held any) are, ties in table order. */
function ownFilesModality(files: readonly string[]): (typeof FOLDER_MODALITIES)[number] | undefined {
  const counts = FOLDER_MODALITIES.map((m) => files.filter((f) => isFileOfKind(f, m.files)).length);
  const most = Math.max(...counts);
  return most === 0 ? undefined : FOLDER_MODALITIES[counts.indexOf(most)];
}

/** Detect the modality of `path`. @throws DataError when nothing recognisable is there. */
export function detectModality(path: string): Detected {
  let st;
  try { st = statSync(path); } catch { throw new DataError(path, undefined, undefined, 'no such file or folder'); }
  if (st.isFile()) {
    const name = path.toLowerCase();
    const ext = extname(name);
    if (st.size === 0) throw new DataError(path, undefined, undefined, 'empty file (0 bytes)');
    if (isIdxName(name)) return { modality: 'idx', path, isDir: false, files: [] };
    if (isFileOfKind(name, VOLUME_FILES)) return { modality: 'volume', path, isDir: false, files: [] };
    if (ext === '.wav') return { modality: 'audio', path, isDir: false, files: [] };
    if (TABLE_EXT[ext] !== undefined) return { modality: 'table', path, isDir: false, format: TABLE_EXT[ext], files: [] };
    const b = head(path, 8);
    if (b[0] === 0x93 && b.subarray(1, 6).toString('latin1') === 'NUMPY') return { modality: 'volume', path, isDir: false, files: [] };
    if (b.subarray(0, 4).toString('latin1') === 'RIFF') return { modality: 'audio', path, isDir: false, files: [] };
    if (b[0] === 0 && b[1] === 0 && b[2] >= 8 && b[2] <= 0x0e && b[3] >= 1 && b[3] <= 4) return { modality: 'idx', path, isDir: false, files: [] };
    return { modality: 'table', path, isDir: false, format: 'csv', files: [] };
  }
  const files = listTwoLevels(path);
  if (files.some(isIdxName)) return { modality: 'idx', path, isDir: true, files: files.filter(isIdxName) };
  const classes = classFolderModality(path);
  const media = FOLDER_MODALITIES.find((m) => m.modality === classes) ?? ownFilesModality(files);
  if (media !== undefined) return { modality: media.modality, path, isDir: true, files: files.filter((f) => isFileOfKind(f, media.files)) };
  const tables = files.filter((f) => TABLE_EXT[extname(f).toLowerCase()] !== undefined);
  if (tables.length === 1) return { modality: 'table', path: join(path, tables[0]), isDir: false, format: TABLE_EXT[extname(tables[0]).toLowerCase()], files: [] };
  throw new DataError(path, undefined, undefined, `no data recognised (looked for tables, IDX, PNG/JPEG, WAV, NIfTI and .npy files among ${files.length} files${tables.length > 1 ? `; several tables: ${tables.join(', ')} — name one` : ''})`);
}
