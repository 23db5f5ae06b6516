/**
 * The data step for a volume folder (one subfolder per class holding NIfTI `.nii`/`.nii.gz` or
 * `.npy` volumes, [D, H, W] or [C, D, H, W]): every volume decoded as float32 [C, D, H, W],
 * resampled by trilinear interpolation to the training size (the most common size, scaled down
 * to at most 64³ voxels), and z-scored by its own mean and std (volume_transform.ts); examples
 * keep their shape and split into train/validation/test like a table. model.json records the
 * size, so evaluate and predict bring new volumes to it the same way.
 *
 * Volumes are read twice when they do not all fit in {@link RAW_CACHE_BYTES}: once for their
 * sizes (the training size depends on all of them), once to resample, so memory holds the
 * examples and one raw volume rather than every raw scan.
 */
import { splitRows } from '../loader/split.js';
import { readNifti } from '../sources/nifti.js';
import { loadVolume, type Volume } from '../sources/npy.js';
import { DataError } from '../errors.js';
import {
  DamagedFiles, hasClassFiles, listClassFolder, requireEveryClass, type ClassFolderListing, type FileKind, type SkippedFiles,
} from './class_folder.js';
import { decodeListed } from './decode_listed.js';
import { DataRequestError } from './errors.js';
import type { PrepareOptions } from './options.js';
import { classificationData, takeExamples, trainedLabels } from './prepared_classes.js';
import type { PreparedData } from './types.js';
import {
  MAX_VOLUME_VOXELS, mostCommon, resampleTrilinear, standardizeVolume, trainingVolumeSize, type TrainingVolumeSize, type VolumeSize,
} from './volume_transform.js';

/** The files of a volume folder. */
export const VOLUME_FILES: FileKind = { what: 'NIfTI/.npy volumes', extensions: new Set(['.nii', '.nii.gz', '.npy']) };

/** How volumes become model input; saved in model.json so evaluate and predict repeat it. */
export interface VolumePreprocessingJSON {
  type: 'volume';
  /** One volume as the model sees it, [C, D, H, W]: every volume is resampled (trilinear) to it. */
  shape: number[];
  /** `zscore`: each volume standardised by its own mean and std over all its voxels. */
  intensity: 'zscore';
}

/** A decoded volume: float32 data of shape [C, D, H, W], and the file's element type (a .npy dtype or a NIfTI datatype). */
export type VolumeData = Omit<Volume, 'dtype'> & { dtype: string };

/**
 * Raw voxels kept between the two reads of the training data (256 MiB); past that, volumes are
 * read again instead of held.
 */
const RAW_CACHE_BYTES = 256 * 2 ** 20;

/**
 * Reads a volume file: `.npy` ([D, H, W] or [C, D, H, W]) or NIfTI (`.nii`, `.nii.gz`).
 * @throws DataError naming a damaged or unsupported file.
 */
export function readVolumeFile(file: string): VolumeData {
  return file.toLowerCase().endsWith('.npy') ? loadVolume(file) : readNifti(file);
}

/** True when `dir` has class subfolders holding NIfTI or .npy volumes. */
export function isVolumeFolder(dir: string): boolean {
  return hasClassFiles(dir, VOLUME_FILES);
}

/** A volume of the listing: its shape, and its voxels when still held. */
interface ScannedVolume {
  file: string;
  shape: Volume['shape'];
  data: Float32Array | null;
}

/** The listed volumes that decode, with their class labels (damaged files go to `damaged`). */
function scanVolumes(dir: string, listing: ClassFolderListing, damaged: DamagedFiles): { volumes: ScannedVolume[]; labels: Int32Array } {
  const volumes: ScannedVolume[] = [];
  let held = 0;
  const { labels } = decodeListed(dir, listing, VOLUME_FILES, damaged, readVolumeFile, (v) => {
    const keep = held + v.data.byteLength <= RAW_CACHE_BYTES;
    if (keep) held += v.data.byteLength;
    volumes.push({ file: v.file, shape: v.shape, data: keep ? v.data : null });
  });
  return { volumes, labels };
}

/**
 * The volumes with `channels` channels; each other one is a damaged file (`why` says why), an
 * error unless files are skipped.
 */
function withChannels(
  scanned: { volumes: ScannedVolume[]; labels: Int32Array }, channels: number, damaged: DamagedFiles, why: (c: number) => string,
): { volumes: ScannedVolume[]; labels: Int32Array } {
  const keep = scanned.volumes.map((v) => v.shape[0] === channels);
  scanned.volumes.forEach((v, i) => { if (!keep[i]) damaged.add(v.file, why(v.shape[0])); });
  return { volumes: scanned.volumes.filter((_, i) => keep[i]), labels: scanned.labels.filter((_, i) => keep[i]) };
}

const sizeOf = (shape: readonly number[]): VolumeSize => [shape[1], shape[2], shape[3]];
const sizeText = (s: readonly number[]): string => s.join('×');

/**
 * The volumes as rows of model input, each resampled to `shape` [C, D, H, W] and standardised;
 * with how many were resampled and how many had non-finite voxels.
 */
function volumeRows(volumes: readonly ScannedVolume[], shape: readonly number[]): { x: Float32Array; resampled: number; nonFinite: number } {
  const units = shape.reduce((a, b) => a * b, 1);
  const size = sizeOf(shape);
  const x = new Float32Array(volumes.length * units);
  let resampled = 0, nonFinite = 0;
  volumes.forEach((v, row) => {
    const data = v.data ?? reread(v);
    const same = sizeText(sizeOf(v.shape)) === sizeText(size);
    const values = same ? data : resampleTrilinear(data, v.shape, size);
    if (!same) resampled++;
    if (standardizeVolume(values) > 0) nonFinite++;
    x.set(values, row * units);
  });
  return { x, resampled, nonFinite };
}

/** A volume's voxels read again (not held after the first read); it must not have changed. */
function reread(v: ScannedVolume): Float32Array {
  const again = readVolumeFile(v.file);
  if (again.shape.join() !== v.shape.join()) throw new DataError(v.file, undefined, undefined, `changed while being read: [${v.shape.join(', ')}], then [${again.shape.join(', ')}]`);
  return again.data;
}

/** What the summary says about sizes and intensities. */
function volumeNotes(s: TrainingVolumeSize, volumes: number, resampled: number, nonFinite: number): string[] {
  const size = sizeText(s.size);
  const capped = sizeText(s.common) !== size;
  const notes = [capped
    ? `volumes resampled (trilinear) to ${size}: the most common size, ${sizeText(s.common)} (${s.count} of ${volumes}), has more than ${MAX_VOLUME_VOXELS} = 64³ voxels`
    : resampled > 0
      ? `${resampled} of ${volumes} volume(s) resampled (trilinear) to ${size}, the most common size (${s.count} of ${volumes})`
      : `every volume is ${size}`];
  notes.push('intensities z-scored per volume (each volume\'s own mean and std over all its voxels)');
  if (nonFinite > 0) notes.push(`${nonFinite} volume(s) with NaN or infinite voxels: those voxels set to 0 (the volume mean)`);
  return notes;
}

/**
 * Prepares a volume folder: examples [C, D, H, W] at the training size.
 *
 * @example
 * const data = await prepareVolumeFolder({ data: { ...dataOptions, path: 'scans' }, seed: 0 });
 * data.inputShape; // [1, 16, 16, 16]
 */
export async function prepareVolumeFolder(options: PrepareOptions): Promise<PreparedData> {
  const cfg = options.data;
  const damaged = new DamagedFiles(cfg.skipBadFiles);
  const listing = listClassFolder(cfg.path, { files: VOLUME_FILES, damaged });
  const scanned = scanVolumes(cfg.path, listing, damaged);
  const channels = mostCommon(scanned.volumes.map((v) => v.shape[0]));
  const { volumes, labels } = withChannels(scanned, channels, damaged, (c) => `${c} channel(s), but most volumes of the folder have ${channels}`);
  requireEveryClass(cfg.path, listing.classes, labels, damaged);
  const size = trainingVolumeSize(volumes.map((v) => sizeOf(v.shape)));
  const shape = [channels, ...size.size];
  const { x, resampled, nonFinite } = volumeRows(volumes, shape);
  const units = x.length / Math.max(1, volumes.length);
  const y = Float64Array.from(labels);
  const s = splitRows(labels.length, cfg.split, options.seed, cfg.stratify ? y : undefined);
  const volume: VolumePreprocessingJSON = { type: 'volume', shape, intensity: 'zscore' };
  return classificationData({
    source: cfg.path, kind: 'volumes', column: 'class', classes: listing.classes, labels, features: volume, shape,
    train: takeExamples(x, y, units, s.train), val: takeExamples(x, y, units, s.val), test: takeExamples(x, y, units, s.test),
    rows: labels.length, notes: volumeNotes(size, volumes.length, resampled, nonFinite), skipped: damaged.summary(),
  });
}

/** A volume folder as new data for a trained model. */
export interface VolumeFolderData {
  x: Float32Array;
  /** Class indices in the trained order, or null when not asked for. */
  y: Float64Array | null;
  rows: number;
  /** The path of each volume, in row order. */
  files: string[];
  skipped: SkippedFiles;
  notes: string[];
}

/**
 * A volume folder for a model trained on one (evaluate, predict): each volume resampled to the
 * trained shape and standardised as in training. With `classes` (evaluate) the class folders
 * must be trained classes and give the labels; without, any subfolder names do. A volume of
 * another channel count is a damaged file; damaged files go to `damaged` (by default the first is an error).
 *
 * @throws DataRequestError when `dir` is no volume folder or names an unknown class.
 */
export function readVolumeFolder(dir: string, spec: VolumePreprocessingJSON, classes: readonly string[] | null, damaged = new DamagedFiles()): VolumeFolderData {
  if (!isVolumeFolder(dir)) throw new DataRequestError(`${dir}: expected a folder with one subfolder of NIfTI/.npy volumes per class (the model was trained on a volume folder)`);
  const listing = listClassFolder(dir, { files: VOLUME_FILES, damaged });
  const channels = spec.shape[0];
  const { volumes, labels } = withChannels(scanVolumes(dir, listing, damaged), channels, damaged, (c) => `${c} channel(s), but the model was trained on ${channels}`);
  const { x, resampled, nonFinite } = volumeRows(volumes, spec.shape);
  const notes = resampled > 0 ? [`${resampled} of ${volumes.length} volume(s) resampled (trilinear) to ${sizeText(sizeOf(spec.shape))}, the trained size`] : [];
  if (nonFinite > 0) notes.push(`${nonFinite} volume(s) with NaN or infinite voxels: those voxels set to 0 (the volume mean)`);
  const y = classes === null ? null : trainedLabels(dir, labels, listing.classes, classes);
  return { x, y, rows: volumes.length, files: volumes.map((v) => v.file), skipped: damaged.summary(), notes };
}
