/**
 * The data step for an audio folder (one subfolder per class holding WAV files): each clip mixed
 * to mono, resampled to the first clip's rate, turned into a log-mel spectrogram (40 mels, 512-point
 * FFT, hop 256), cropped or padded with its quietest value to the longest training clip's frame
 * count (at most 256 frames), flattened and standardised with the training mean and std.
 */
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { logMelSpectrogram } from '../../data/audio/mel.js';
import { resample } from '../../data/audio/resample.js';
import { readWav, toMono } from '../../data/sources/wav.js';
import type { DlflowConfig } from '../config/types.js';
import { UsageError } from '../errors.js';
import type { PreparedData } from './prepare.js';
import { classificationData } from './prepared_classes.js';
import { takeExamples } from './prepare_idx.js';
import { splitIndices } from './split.js';

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

interface AudioListing { classes: string[]; files: string[]; labels: Int32Array }

/** Class subfolders holding .wav files, sorted by name. */
function listAudioFolder(dir: string): AudioListing {
  const classes = readdirSync(dir).sort().filter((d) => !d.startsWith('.') && statSync(join(dir, d)).isDirectory());
  const files: string[] = [];
  const labels: number[] = [];
  classes.forEach((c, k) => {
    for (const f of readdirSync(join(dir, c)).sort()) {
      if (extname(f).toLowerCase() === '.wav') {
        files.push(join(dir, c, f));
        labels.push(k);
      }
    }
  });
  return { classes, files, labels: Int32Array.from(labels) };
}

/** True when `dir` has class subfolders holding WAV files. */
export function isAudioFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory() && listAudioFolder(dir).files.length > 0;
  } catch {
    return false;
  }
}

/** The log-mel spectrogram [nMels, frames] of one clip at `sampleRate`. */
function clipSpectrogram(file: string, sampleRate: number): { data: Float32Array; frames: number } {
  const wav = readWav(file);
  const mono = toMono(wav.channels);
  const signal = wav.sampleRate === sampleRate ? mono : resample(mono, wav.sampleRate, sampleRate);
  if (signal.length <= N_FFT / 2) throw new UsageError(`${file}: clip of ${signal.length} samples is too short for a ${N_FFT}-point spectrogram`);
  const mel = logMelSpectrogram(signal, { sampleRate, nFft: N_FFT, hop: HOP, nMels: N_MELS });
  return { data: mel.data, frames: mel.frames };
}

/** Clips as rows of `nMels × frames` features (cropped, or padded with each clip's minimum). */
function featureRows(files: readonly string[], spec: Pick<AudioPreprocessingJSON, 'sampleRate' | 'frames'> | null): { x: Float32Array; frames: number; sampleRate: number } {
  const sampleRate = spec?.sampleRate ?? readWav(files[0]).sampleRate;
  const mels = files.map((f) => clipSpectrogram(f, sampleRate));
  const frames = spec?.frames ?? Math.min(MAX_FRAMES, Math.max(...mels.map((m) => m.frames)));
  const units = N_MELS * frames;
  const x = new Float32Array(files.length * units);
  mels.forEach((m, row) => {
    let floor = Infinity;
    for (const v of m.data) if (v < floor) floor = v;
    for (let b = 0; b < N_MELS; b++) {
      for (let t = 0; t < frames; t++) x[row * units + b * frames + t] = t < m.frames ? m.data[b * m.frames + t] : floor;
    }
  });
  return { x, frames, sampleRate };
}

/** Standardise in place with (mean, std). */
function standardise(x: Float32Array, mean: number, std: number): Float32Array {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / std;
  return x;
}

export async function prepareAudioFolder(config: DlflowConfig): Promise<PreparedData> {
  const dir = config.data.path;
  const listing = listAudioFolder(dir);
  const { x, frames, sampleRate } = featureRows(listing.files, null);
  const units = N_MELS * frames;
  const n = listing.files.length;
  const y = Float64Array.from(listing.labels);
  const s = splitIndices(n, config.data.split, config.seed, config.data.stratify ? y : undefined);
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
    source: dir, kind: 'audio', column: 'class', classes: listing.classes, labels: listing.labels, features: audio,
    units, train, val, test, rows: n, notes: [`log-mel features: ${N_MELS} mels × ${frames} frames at ${sampleRate} Hz`],
  });
}

/** An audio folder for a model trained on one: the saved feature recipe and scaling, labels by class name. */
export function readAudioFolder(dir: string, spec: AudioPreprocessingJSON, classes: readonly string[]): { x: Float32Array; y: Float64Array; rows: number; units: number } {
  if (!isAudioFolder(dir)) throw new UsageError(`${dir}: expected a folder with one subfolder of WAV files per class (the model was trained on an audio folder)`);
  const listing = listAudioFolder(dir);
  const { x } = featureRows(listing.files, spec);
  const y = Float64Array.from(listing.labels, (k) => {
    const index = classes.indexOf(listing.classes[k]);
    if (index < 0) throw new UsageError(`${dir}: class folder '${listing.classes[k]}' is not one of the trained classes (${classes.join(', ')})`);
    return index;
  });
  return { x: standardise(x, spec.mean, spec.std), y, rows: listing.files.length, units: spec.nMels * spec.frames };
}
