/**
 * NIfTI images (`.nii`, and `.nii.gz` recognised by the gzip magic bytes) as float32 volumes
 * `[C, D, H, W]`: NIfTI-1 (and NIfTI-2) single files, headers parsed by nifti-reader-js, voxels
 * of datatype uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32 or float64 in
 * either byte order, with `scl_slope`/`scl_inter` applied as nibabel's `get_fdata()` applies them
 * (a slope of 0 or NaN means no scaling).
 *
 * Axes: the file's voxel axes (i, j, k) become (D, H, W) in that order and a 4th dimension
 * becomes the channels, so `volume[c, i, j, k]` is nibabel's `get_fdata()[i, j, k, c]` — the
 * channel-first layout MONAI's and TorchIO's loaders give. No reorientation (the affine is not
 * applied): volumes of one data set are expected to share an orientation.
 *
 * A damaged file is a DataError naming it. The sizes the header claims are checked against the
 * file before anything of that size is allocated: a plain file must hold them, a gzipped one
 * could (deflate expands at most 1032×) and is inflated with that bound.
 */
import { readFileSync } from 'node:fs';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { readHeader, type NIFTI1, type NIFTI2 } from 'nifti-reader-js';
import { DataError } from '../errors.js';
import { gunzipBounded, isGzip } from './gzip.js';
import type { Volume } from './npy.js';

/** Voxel datatypes read, by NIfTI's names. */
export type NiftiDatatype = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float32' | 'float64';

/** A NIfTI image as a {@link Volume} (float32 `[C, D, H, W]`), with the file's datatype and format. */
export interface NiftiVolume extends Omit<Volume, 'dtype'> {
  /** Datatype of the voxels in the file (int16 has no .npy name, hence its own type). */
  dtype: NiftiDatatype;
  format: 'nifti1' | 'nifti2';
}

/** Most voxels read from one file (2^28: a 640³ volume, 1 GiB as float32). */
export const MAX_NIFTI_VOXELS = 2 ** 28;

type Reader = (view: DataView, offset: number, little: boolean) => number;

/** NIfTI datatype codes (nifti1.h) → name, bytes per voxel and reader. */
const DATATYPES: Record<number, { name: NiftiDatatype; bytes: number; read: Reader }> = {
  2: { name: 'uint8', bytes: 1, read: (v, o) => v.getUint8(o) },
  256: { name: 'int8', bytes: 1, read: (v, o) => v.getInt8(o) },
  4: { name: 'int16', bytes: 2, read: (v, o, le) => v.getInt16(o, le) },
  512: { name: 'uint16', bytes: 2, read: (v, o, le) => v.getUint16(o, le) },
  8: { name: 'int32', bytes: 4, read: (v, o, le) => v.getInt32(o, le) },
  768: { name: 'uint32', bytes: 4, read: (v, o, le) => v.getUint32(o, le) },
  1024: { name: 'int64', bytes: 8, read: (v, o, le) => Number(v.getBigInt64(o, le)) },
  1280: { name: 'uint64', bytes: 8, read: (v, o, le) => Number(v.getBigUint64(o, le)) },
  16: { name: 'float32', bytes: 4, read: (v, o, le) => v.getFloat32(o, le) },
  64: { name: 'float64', bytes: 8, read: (v, o, le) => v.getFloat64(o, le) },
};
/** Codes of nifti1.h that are not read, named in the error. */
const UNSUPPORTED: Record<number, string> = { 1: 'binary', 32: 'complex64', 128: 'RGB24', 1536: 'float128', 1792: 'complex128', 2048: 'complex256', 2304: 'RGBA32' };

/** The two header layouts: size (sizeof_hdr, the first int32), magic string and where it is. */
const LAYOUTS = [
  { format: 'nifti1', size: 348, magicAt: 344, magic: 'n+1\0', pair: 'ni1\0' },
  { format: 'nifti2', size: 540, magicAt: 4, magic: 'n+2\0', pair: 'ni2\0' },
] as const;
type Layout = (typeof LAYOUTS)[number];

/** Largest expansion of deflate (RFC 1951: a 258-byte match per 2 bits, ~1032:1), plus gzip's framing. */
const MAX_DEFLATE_RATIO = 1032;
/** Compressed bytes inflated to read the header (at least 540 bytes of header come out of them). */
const HEADER_PREFIX = 4096;
/** Bytes past the image tolerated in a gzipped file (padding some writers add). */
const TRAILING_SLACK = 1 << 20;

const ascii = (b: Uint8Array, at: number, n: number): string => String.fromCharCode(...b.subarray(at, at + n));

/** The header layout of `head` (the file's first bytes, decompressed), by sizeof_hdr and magic. */
function layoutOf(head: Uint8Array, fail: (msg: string) => never): Layout {
  if (head.length < 4) fail(`truncated NIfTI file: ${head.length} bytes, the header alone needs 348`);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const sizes = [view.getInt32(0, true), view.getInt32(0, false)];
  const layout = LAYOUTS.find((l) => sizes.includes(l.size));
  if (layout === undefined) fail('not a NIfTI file (sizeof_hdr, its first 4 bytes, is neither 348 nor 540)');
  if (head.length < layout.size) fail(`truncated NIfTI header: ${head.length} of its ${layout.size} bytes`);
  const magic = ascii(head, layout.magicAt, 4);
  if (magic === layout.pair) fail('the header of a .hdr/.img pair; dlflow reads single-file NIfTI (.nii, .nii.gz)');
  if (magic !== layout.magic) fail(`not a NIfTI file (magic ${JSON.stringify(magic)} where ${JSON.stringify(layout.magic)} belongs)`);
  return layout;
}

/** The header fields dlflow uses, parsed by nifti-reader-js from the header bytes alone (no extensions). */
function parseHeader(head: Uint8Array, layout: Layout, fail: (msg: string) => never): NIFTI1 | NIFTI2 {
  // A copy: nifti-reader-js reads an ArrayBuffer from its start, and a Buffer's may be Node's shared pool.
  const bytes = new Uint8Array(layout.size);
  bytes.set(head.subarray(0, layout.size));
  try {
    return readHeader(bytes.buffer);
  } catch (e) {
    return fail(`damaged NIfTI header: ${(e as Error).message}`);
  }
}

/** What the header says about the image: shape [C, D, H, W], datatype, where the voxels start and how many bytes they take. */
interface ImageLayout {
  shape: [number, number, number, number];
  datatype: (typeof DATATYPES)[number];
  offset: number;
  end: number;
  little: boolean;
  slope: number;
  inter: number;
}

/** Slope and intercept as nibabel applies them: none for a slope of 0 or NaN; a valid slope needs a finite intercept. */
function scaling(h: NIFTI1 | NIFTI2, fail: (msg: string) => never): { slope: number; inter: number } {
  if (!Number.isFinite(h.scl_slope) || h.scl_slope === 0) return { slope: 1, inter: 0 };
  if (!Number.isFinite(h.scl_inter)) fail(`scl_slope ${h.scl_slope} with an invalid scl_inter ${h.scl_inter}`);
  return { slope: h.scl_slope, inter: h.scl_inter };
}

/** The image's layout from a parsed header; nonsensical or unsupported values are errors. */
function imageLayout(h: NIFTI1 | NIFTI2, layout: Layout, fail: (msg: string) => never): ImageLayout {
  const rank = h.dims[0];
  if (!Number.isInteger(rank) || rank < 1 || rank > 7) fail(`damaged NIfTI header: dim[0] (the number of dimensions) is ${rank}, not 1 to 7`);
  const dims = h.dims.slice(1, rank + 1);
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 1)) fail(`damaged NIfTI header: dimensions [${dims.join(', ')}] (each must be at least 1)`);
  if (rank < 3 || dims.slice(4).some((d) => d !== 1)) fail(`a volume needs 3 dimensions (i, j, k) or 4 (i, j, k, channels), found [${dims.join(', ')}]`);
  const [ni, nj, nk, nc = 1] = dims;
  const datatype = DATATYPES[h.datatypeCode];
  if (datatype === undefined) {
    const name = UNSUPPORTED[h.datatypeCode];
    fail(`unsupported NIfTI datatype ${name ?? 'code'} (${h.datatypeCode}); read: ${Object.values(DATATYPES).map((d) => d.name).join(', ')}`);
  }
  const voxels = ni * nj * nk * nc;
  if (voxels > MAX_NIFTI_VOXELS) fail(`the header describes ${voxels} voxels ([${dims.join(', ')}]), more than dlflow reads from one file (${MAX_NIFTI_VOXELS})`);
  const offset = Math.floor(h.vox_offset);
  if (!Number.isSafeInteger(offset) || offset < layout.size) fail(`damaged NIfTI header: vox_offset ${h.vox_offset} is inside the ${layout.size}-byte header`);
  return { shape: [nc, ni, nj, nk], datatype, offset, end: offset + voxels * datatype.bytes, little: h.littleEndian, ...scaling(h, fail) };
}

/** The first bytes of a gzipped file, decompressed: enough for the header, whatever the image's size. */
function gzipHead(gz: Uint8Array, fail: (msg: string) => never): Uint8Array {
  try {
    return gunzipSync(gz.subarray(0, HEADER_PREFIX), { finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (e) {
    return fail(`damaged gzip data: ${(e as Error).message}`);
  }
}

/** Voxels in file order (i fastest, then j, k, channel) scaled into a float32 [C, i, j, k] array (k fastest). */
function decodeVoxels(bytes: Uint8Array, l: ImageLayout): Float32Array {
  const [nc, ni, nj, nk] = l.shape;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { read, bytes: size } = l.datatype;
  const out = new Float32Array(nc * ni * nj * nk);
  let at = l.offset;
  for (let c = 0; c < nc; c++) {
    for (let k = 0; k < nk; k++) {
      for (let j = 0; j < nj; j++) {
        for (let i = 0; i < ni; i++, at += size) out[((c * ni + i) * nj + j) * nk + k] = read(view, at, l.little) * l.slope + l.inter;
      }
    }
  }
  return out;
}

/**
 * Parses NIfTI bytes (plain or gzipped); `file` names the source in errors.
 *
 * @throws DataError for a damaged, truncated or unsupported file.
 * @example
 * const v = parseNifti(readFileSync('brain.nii.gz'), 'brain.nii.gz');
 * v.shape; // [1, 91, 109, 91]
 */
export function parseNifti(bytes: Uint8Array, file = '<input>'): NiftiVolume {
  const fail = (msg: string): never => { throw new DataError(file, undefined, undefined, msg); };
  const gz = isGzip(bytes);
  const head = gz ? gzipHead(bytes, fail) : bytes;
  const layout = layoutOf(head, fail);
  const image = imageLayout(parseHeader(head, layout, fail), layout, fail);
  if (gz && image.end > bytes.length * MAX_DEFLATE_RATIO) {
    fail(`the header describes ${image.end} bytes, more than a gzip file of ${bytes.length} bytes can hold`);
  }
  const limit = image.end + TRAILING_SLACK;
  const raw = gz ? gunzipBounded(bytes, limit, (why) => fail(why.tooLarge ? `decompresses to more than the ${limit} bytes its header accounts for` : `truncated or damaged gzip data: ${why.message}`)) : bytes;
  if (raw.length < image.end) {
    fail(`truncated NIfTI file: the header describes ${image.shape.join('×')} ${image.datatype.name} voxels from byte ${image.offset} (${image.end} bytes), ` +
      `the ${gz ? 'decompressed ' : ''}file has ${raw.length}`);
  }
  return { file, shape: image.shape, data: decodeVoxels(raw, image), dtype: image.datatype.name, format: layout.format };
}

/**
 * Reads a NIfTI file (`.nii` or `.nii.gz`).
 *
 * @throws DataError naming the file.
 * @example
 * readNifti('scans/healthy/001.nii.gz').shape; // [C, D, H, W]
 */
export function readNifti(path: string): NiftiVolume {
  let bytes: Uint8Array;
  try { bytes = readFileSync(path); } catch (e) { throw new DataError(path, undefined, undefined, `cannot read: ${(e as Error).message}`); }
  return parseNifti(bytes, path);
}
