/**
 * The data layer: reading tables (CSV/TSV, JSON Lines), IDX, .npy, NIfTI, WAV and
 * image folders; typing columns; audio features; time-series windows; and
 * profiling a table for exploration; datasets, the DataLoader and splits
 * (`./loader/`, which make tensors).
 */
export { DataError } from './errors.js';
export { readCsv, parseCsv, type CsvOptions, type CsvReport, type CsvResult } from './sources/csv.js';
export { readJsonl, parseJsonl, type JsonlOptions, type JsonlReport } from './sources/jsonl.js';
export { DEFAULT_NA_TOKENS } from './sources/na.js';
export { Table, type Column, type CellValue } from './table/table.js';
export { inferColumn, type ColumnKind, type TypeEvidence, type InferOptions } from './table/infer.js';
export type { ColumnStorage, FloatStorage, DateTimeStorage, DictStorage } from './table/storage.js';
export { profileTable, profileColumn, type Profile, type ColumnProfile, type ProfileOptions, type ProfileWarning } from './explore/profile.js';
export { profileTarget, detectTask, type TargetProfile, type TaskType, type Association } from './explore/target.js';
export { recommend, type Recommendation, type LossName, type FeaturePlan } from './explore/recommend.js';
export { loadIdx, parseIdx, encodeIdx, type IdxArray, type IdxDType, type IdxData } from './sources/idx.js';
export { loadFashionMnist, loadMnistFolder, normalizeImages, FASHION_MNIST_CLASSES, FASHION_MNIST_DIR, type MnistLike, type ImageSplit } from './sources/mnist.js';
export { readNpy, parseNpy, loadVolume, type NpyArray, type NpyDType, type Volume } from './sources/npy.js';
export { readNifti, parseNifti, MAX_NIFTI_VOXELS, type NiftiVolume, type NiftiDatatype } from './sources/nifti.js';
export { readWav, parseWav, wavInfo, toMono, type Wav, type WavInfo } from './sources/wav.js';
export { resample, type ResampleOptions } from './audio/resample.js';
export { fft } from './audio/fft.js';
export { logMelSpectrogram, melFilterBank, hzToMel, melToHz, type LogMel, type LogMelOptions, type MelScale } from './audio/mel.js';
export { decodeImage, decodeImageAsync, readImage, readImageAsync, imageSize, type Image, type ImageDecoder } from './image/decode.js';
export { resizeBilinear, flipHorizontal, padCrop, rotate, toCHW } from './image/transform.js';
export { augment, drawAugment, applyAugment, applyAugmentCHW, type AugmentOptions, type AugmentDraw } from './image/augment.js';
export { ImageFolder, listImageFolder, IMAGE_EXTENSIONS, type ImageFolderOptions } from './image/folder.js';
export { makeWindows, type WindowOptions, type Windows, type WindowSet, type WindowReport } from './series/windows.js';
export * from './loader/index.js';
export * from './preprocess/index.js';
export { explore, profileJson, type ExploreOptions, type ExploreResult } from './explore/explore.js';
export { detectModality, type Modality, type Detected } from './explore/detect.js';
export { renderSummary } from './explore/terminal.js';
export { renderReportHtml } from './explore/report_html.js';
export { runExplore } from './explore/cli.js';
export type { MediaSummary } from './explore/media_summary.js';
export type { MediaRecommendation } from './explore/media_recommend.js';
export { readParquet, type ParquetReport } from './sources/parquet.js';
export { AudioFolder, listAudioFolder, type AudioFolderOptions } from './audio/folder.js';
