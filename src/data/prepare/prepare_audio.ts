/**
 * The data step for an audio folder (one subfolder per class holding WAV files): each clip mixed
 * to mono, resampled to the first clip's rate, turned into a log-mel spectrogram (40 mels, 512-point
 * FFT, hop 256), cropped or padded with its quietest value to the longest training clip's frame
 * count (at most 256 frames) and standardised with the training mean and std. Each clip is one
 * example `[1, nMels, frames]` — a one-channel image of mels by time — so the auto model is the
 * CNN of images (it beat the MLP over the same features flattened: README, audio folders).
 */
import { listAudioFolder, WAV_FILES } from '../audio/folder.js';
import { logMelSpectrogram } from '../audio/mel.js';
import { resample } from '../audio/resample.js';
import { splitRows } from '../loader/split.js';
import { readWav, toMono, type Wav } from '../sources/wav.js';
import { DamagedFiles, hasClassFiles, requireEveryClass, type ClassFolderListing, type SkippedFiles } from './class_folder.js';
import { decodeListed } from './decode_listed.js';
import { DataRequestError } from './errors.js';
import type { PrepareOptions } from './options.js';
import { classificationData, takeExamples, trainedLabels } from './prepared_classes.js';
import type { PreparedData } from './types.js';

/** How clips become features; saved in model.json so evaluate and predict repeat it. */
export interface AudioPreprocessingJSON {
  type: 'audio';
  sampleRate: number;
  nFft: number;
  hop: number;
  nMels: number;
  frames: number;
  mean: number;
  std: number;
}

const N_FFT = 512;
const HOP = 256;
const N_MELS = 40;
const MAX_FRAMES = 256;

/** True when `dir` has class subfolders holding WAV files. */
export function isAudioFolder(dir: string): boolean {
  return hasClassFiles(dir, WAV_FILES);
}

/** The log-mel spectrogram [nMels, frames] of one clip at `sampleRate`. */
function clipSpectrogram(wav: Wav, sampleRate: number): { data: Float32Array; frames: number } {
  const mono = toMono(wav.channels);
  const signal = wav.sampleRate === sampleRate ? mono : resample(mono, wav.sampleRate, sampleRate);
  if (signal.length <= N_FFT / 2) throw new DataRequestError(`${wav.file}: clip of ${signal.length} samples is too short for a ${N_FFT}-point spectrogram`);
  const mel = logMelSpectrogram(signal, { sampleRate, nFft: N_FFT, hop: HOP, nMels: N_MELS });
  return { data: mel.data, frames: mel.frames };
}

/** Features of an audio folder's clips, with the kept clips' labels and what was left out. */
interface FeatureRows {
  x: Float32Array;
  frames: number;
  sampleRate: number;
  labels: Int32Array;
  /** The path of each clip, in row order. */
  files: string[];
  skipped: SkippedFiles;
}

/**
 * The listed clips as rows of `nMels × frames` features (cropped, or padded with each clip's
 * minimum), at the rate and frame count of `spec` or else of the first usable clip and the longest
 * one; damaged files go to `damaged`.
 */
function featureRows(dir: string, listing: ClassFolderListing, spec: Pick<AudioPreprocessingJSON, 'sampleRate' | 'frames'> | null, damaged: DamagedFiles): FeatureRows {
  let sampleRate = spec?.sampleRate ?? null;
  const mels: { data: Float32Array; frames: number }[] = [];
  const { labels, files } = decodeListed(dir, listing, WAV_FILES, damaged, readWav, (wav) => {
    sampleRate ??= wav.sampleRate;
    mels.push(clipSpectrogram(wav, sampleRate));
  });
  const frames = spec?.frames ?? Math.min(MAX_FRAMES, Math.max(...mels.map((m) => m.frames)));
  const units = N_MELS * frames;
  const x = new Float32Array(mels.length * units);
  mels.forEach((m, row) => {
    let floor = Infinity;
    for (const v of m.data) if (v < floor) floor = v;
    for (let b = 0; b < N_MELS; b++) {
      for (let t = 0; t < frames; t++) x[row * units + b * frames + t] = t < m.frames ? m.data[b * m.frames + t] : floor;
    }
  });
  return { x, frames, sampleRate: sampleRate!, labels, files, skipped: damaged.summary() };
}

/** Standardise in place with (mean, std). */
function standardise(x: Float32Array, mean: number, std: number): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / std;
  return x;
}

/** The example shape of a clip: one channel of `nMels × frames`. */
export function audioExampleShape(spec: Pick<AudioPreprocessingJSON, 'nMels' | 'frames'>): number[] {
  return [1, spec.nMels, spec.frames];
}

/**
 * Prepares an audio folder: each clip as a standardised log-mel spectrogram `[1, nMels, frames]`.
 *
 * @example
 * const data = await prepareAudioFolder({ data: { ...dataOptions, path: 'clips' }, seed: 0 });
 */
export async function prepareAudioFolder(options: PrepareOptions): Promise<PreparedData> {
  const dir = options.data.path;
  const damaged = new DamagedFiles(options.data.skipBadFiles);
  const listing = listAudioFolder(dir, { damaged });
  const { x, frames, sampleRate, labels, skipped } = featureRows(dir, listing, null, damaged);
  requireEveryClass(dir, listing.classes, labels, damaged);
  const units = N_MELS * frames;
  const n = labels.length;
  const y = Float64Array.from(labels);
  const s = splitRows(n, options.data.split, options.seed, options.data.stratify ? y : undefined);
  let sum = 0;
  let sq = 0;
  for (const r of s.train) for (let i = r * units; i < (r + 1) * units; i++) { sum += x[i]; sq += x[i] * x[i]; }
  const count = Math.max(1, s.train.length * units);
  const mean = sum / count;
  const std = Math.sqrt(Math.max(1e-12, sq / count - mean * mean));
  standardise(x, mean, std);
  const audio: AudioPreprocessingJSON = { type: 'audio', sampleRate, nFft: N_FFT, hop: HOP, nMels: N_MELS, frames, mean, std };
  const train = takeExamples(x, y, units, s.train);
  const val = takeExamples(x, y, units, s.val);
  const test = takeExamples(x, y, units, s.test);
  return classificationData({
    source: dir, kind: 'audio', column: 'class', classes: listing.classes, labels, features: audio,
    shape: audioExampleShape(audio), train, val, test, rows: n, notes: [`log-mel features: ${N_MELS} mels × ${frames} frames at ${sampleRate} Hz`], skipped,
  });
}

/** An audio folder as new data for a trained model. */
export interface AudioFolderData {
  x: Float32Array;
  y: Float64Array;
  rows: number;
  /** The path of each clip, in row order. */
  files: string[];
  /** The example shape, `[1, nMels, frames]`. */
  shape: number[];
  skipped: SkippedFiles;
}

/**
 * An audio folder for a model trained on one (evaluate, predict): the saved feature recipe and
 * scaling, labels by class name; damaged files go to `damaged` (by default the first is an error).
 */
export function readAudioFolder(dir: string, spec: AudioPreprocessingJSON, classes: readonly string[], damaged = new DamagedFiles()): AudioFolderData {
  if (!isAudioFolder(dir)) throw new DataRequestError(`${dir}: expected a folder with one subfolder of WAV files per class (the model was trained on an audio folder)`);
  const listing = listAudioFolder(dir, { damaged });
  const { x, labels, files, skipped } = featureRows(dir, listing, spec, damaged);
  const y = trainedLabels(dir, labels, listing.classes, classes);
  return { x: standardise(x, spec.mean, spec.std), y, rows: labels.length, files, shape: audioExampleShape(spec), skipped };
}
