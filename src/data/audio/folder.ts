/**
 * Audio folders: one subfolder per class holding WAV files. Each item is the
 * clip mixed to mono, resampled to `sampleRate`, cut or zero-padded to
 * `seconds`, and turned into a log-mel spectrogram [nMels, frames] (float32),
 * with its class index — the input of a 1-D CNN (mel bands as channels) or a
 * GRU (frames as steps).
 */
import type { ArrayItem, Dataset } from '../loader/dataset.js';
import { listClassFolder, type ClassFolderListing, type ClassFolderOptions, type FileKind } from '../prepare/class_folder.js';
import { readWav, toMono } from '../sources/wav.js';
import { logMelSpectrogram, type LogMelOptions } from './mel.js';
import { resample } from './resample.js';

/** Settings for {@link AudioFolder}. */
export interface AudioFolderOptions {
  /** Rate every clip is resampled to (default 16000 Hz). */
  sampleRate?: number;
  /** Clip length in seconds: longer clips are cut, shorter ones zero-padded at the end (default 1). */
  seconds?: number;
  /** Spectrogram settings (defaults: nFft 512, winLength 400, hop 160, 64 mel bands, Slaney scale). */
  mel?: Omit<LogMelOptions, 'sampleRate'>;
}

/** The files of an audio folder. */
export const WAV_FILES: FileKind = { what: 'WAV files', extensions: new Set(['.wav']) };

/**
 * List `root/<class>/*.wav`, classes and files sorted (src/data/prepare/class_folder.ts).
 * @throws DataError when there are none, or for a damaged (empty) file unless `opts.damaged` skips it.
 */
export function listAudioFolder(root: string, opts: Omit<ClassFolderOptions, 'files'> = {}): ClassFolderListing {
  return listClassFolder(root, { ...opts, files: WAV_FILES });
}

/** A dataset over an audio folder; see the module notes. */
export class AudioFolder implements Dataset<[ArrayItem, number]> {
  readonly classes: string[];
  readonly files: string[];
  readonly labels: Int32Array;
  readonly sampleRate: number;
  readonly samples: number;
  private readonly mel: LogMelOptions;

  constructor(readonly root: string, opts: AudioFolderOptions = {}) {
    const l = listAudioFolder(root);
    this.classes = l.classes; this.files = l.files; this.labels = l.labels;
    this.sampleRate = opts.sampleRate ?? 16000;
    this.samples = Math.round((opts.seconds ?? 1) * this.sampleRate);
    this.mel = { nFft: 512, winLength: 400, hop: 160, nMels: 64, ...opts.mel, sampleRate: this.sampleRate };
  }

  get length(): number { return this.files.length; }

  /** [nMels, frames] of every item. */
  get itemShape(): [number, number] {
    const nFft = this.mel.nFft ?? 512, hop = this.mel.hop ?? Math.floor((this.mel.winLength ?? nFft) / 4);
    const padded = (this.mel.center ?? true) ? this.samples + nFft : this.samples;
    return [this.mel.nMels ?? 128, padded < nFft ? 0 : 1 + Math.floor((padded - nFft) / hop)];
  }

  /** Log-mel spectrogram of clip `i` and its class. @throws DataError naming an unreadable or unsupported file. */
  getItem(i: number): [ArrayItem, number] {
    const w = readWav(this.files[i]);
    let x = resample(toMono(w.channels), w.sampleRate, this.sampleRate);
    if (x.length !== this.samples) { const fixed = new Float32Array(this.samples); fixed.set(x.subarray(0, this.samples)); x = fixed; }
    const s = logMelSpectrogram(x, this.mel);
    return [{ data: s.data, shape: [s.nMels, s.frames] }, this.labels[i]];
  }
}
