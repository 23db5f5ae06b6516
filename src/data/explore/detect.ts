/**
 * What kind of data a path holds, from names and magic bytes:
 * - a file: `.csv/.tsv/.tab/.txt` or `.jsonl/.ndjson` → table (a time series
 *   is recognised later, from the table's columns), `.parquet` → table in
 *   Parquet, `.npy` → volume, `.wav` → audio, an IDX file (`*idx*-ubyte[.gz]`
 *   or IDX magic) → idx;
 * - a folder: IDX files → idx; class subfolders (or the folder itself)
 *   holding PNG/JPEG → images; holding WAV → audio; `.npy` files → volumes;
 *   a single table file → that table.
 */
import { closeSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DataError } from '../errors.js';

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
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

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

/** Detect the modality of `path`. @throws DataError when nothing recognisable is there. */
export function detectModality(path: string): Detected {
  let st;
  try { st = statSync(path); } catch { throw new DataError(path, undefined, undefined, 'no such file or folder'); }
  if (st.isFile()) {
    const name = path.toLowerCase();
    const ext = extname(name);
    if (st.size === 0) throw new DataError(path, undefined, undefined, 'empty file (0 bytes)');
    if (isIdxName(name)) return { modality: 'idx', path, isDir: false, files: [] };
    if (ext === '.npy') return { modality: 'volume', path, isDir: false, files: [] };
    if (ext === '.wav') return { modality: 'audio', path, isDir: false, files: [] };
    if (TABLE_EXT[ext] !== undefined) return { modality: 'table', path, isDir: false, format: TABLE_EXT[ext], files: [] };
    const b = head(path, 8);
    if (b[0] === 0x93 && b.subarray(1, 6).toString('latin1') === 'NUMPY') return { modality: 'volume', path, isDir: false, files: [] };
    if (b.subarray(0, 4).toString('latin1') === 'RIFF') return { modality: 'audio', path, isDir: false, files: [] };
    if (b[0] === 0 && b[1] === 0 && b[2] >= 8 && b[2] <= 0x0e && b[3] >= 1 && b[3] <= 4) return { modality: 'idx', path, isDir: false, files: [] };
    return { modality: 'table', path, isDir: false, format: 'csv', files: [] };
  }
  const files = listTwoLevels(path);
  const exts = files.map((f) => extname(f).toLowerCase());
  const count = (pred: (e: string, f: string) => boolean): number => files.filter((f, i) => pred(exts[i], f)).length;
  if (count((_, f) => isIdxName(f)) > 0) return { modality: 'idx', path, isDir: true, files: files.filter(isIdxName) };
  const images = count((e) => IMAGE_EXT.has(e)), wavs = count((e) => e === '.wav'), npys = count((e) => e === '.npy');
  const tables = files.filter((_, i) => TABLE_EXT[exts[i]] !== undefined);
  const best = Math.max(images, wavs, npys);
  if (best > 0) {
    if (images === best) return { modality: 'images', path, isDir: true, files: files.filter((_, i) => IMAGE_EXT.has(exts[i])) };
    if (wavs === best) return { modality: 'audio', path, isDir: true, files: files.filter((_, i) => exts[i] === '.wav') };
    return { modality: 'volume', path, isDir: true, files: files.filter((_, i) => exts[i] === '.npy') };
  }
  if (tables.length === 1) return { modality: 'table', path: join(path, tables[0]), isDir: false, format: TABLE_EXT[extname(tables[0]).toLowerCase()], files: [] };
  throw new DataError(path, undefined, undefined, `no data recognised (looked for tables, IDX, PNG/JPEG, WAV and .npy files among ${files.length} files${tables.length > 1 ? `; several tables: ${tables.join(', ')} — name one` : ''})`);
}
