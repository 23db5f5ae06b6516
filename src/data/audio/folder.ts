/**
 * Audio folders: one subfolder per class holding WAV files. Each item is the
 * clip mixed to mono, resampled to `sampleRate`, cut or zero-padded to
 * `seconds`, and turned into a log-mel spectrogram [nMels, frames] (float32),
 * with its class index — the input of a 1-D CNN (mel bands as channels) or a
 * GRU (frames as steps).
 */
import { defineOptions, isPlainObject, option, type OptionsInput, type OptionsSchema, type ResolvedOptions } from '../../base/options.js';
import type { ArrayItem, Dataset } from '../loader/dataset.js';
import { listClassFolder, type ClassFolderListing, type ClassFolderOptions, type FileKind } from '../prepare/class_folder.js';
import { readWav, toMono } from '../sources/wav.js';
import { logMelSpectrogram, SPECTROGRAM_FIELDS, spectrogramShape } from './mel.js';
import { resample } from './resample.js';

/** The spectrogram settings of an AudioFolder: logMelSpectrogram's, the sample rate being the folder's. */
const MEL_OPTIONS: OptionsSchema<typeof SPECTROGRAM_FIELDS> = defineOptions('AudioFolder: mel', SPECTROGRAM_FIELDS);
type SpectrogramOptions = OptionsInput<typeof MEL_OPTIONS>;

/** Where AudioFolder's spectrogram defaults differ from logMelSpectrogram's (speech-like clips at 16 kHz). */
const FOLDER_MEL_DEFAULTS = { nFft: 512, winLength: 400, hop: 160, nMels: 64 };

const AUDIO_FOLDER_OPTIONS = defineOptions('AudioFolder', {
  /** Rate every clip is resampled to (default 16000 Hz). */
  sampleRate: option.number({ default: 16000, min: 1, integer: true }),
  /** Clip length in seconds: longer clips are cut, shorter ones zero-padded at the end (default 1). */
  seconds: option.number({ default: 1, min: 0, minExclusive: true }),
  /** Spectrogram settings (defaults: nFft 512, winLength 400, hop 160, 64 mel bands, Slaney scale). */
  mel: option.custom<SpectrogramOptions>('log-mel settings (logMelSpectrogram\'s, without sampleRate)',
    (v): v is SpectrogramOptions => isPlainObject(v)),
});

/** Settings for {@link AudioFolder}. */
export type AudioFolderOptions = OptionsInput<typeof AUDIO_FOLDER_OPTIONS>;

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
  private readonly mel: ResolvedOptions<typeof MEL_OPTIONS> & { sampleRate: number };

  constructor(readonly root: string, options: AudioFolderOptions = {}) {
    const opts = AUDIO_FOLDER_OPTIONS.parse(options);
    const mel = MEL_OPTIONS.parse({ ...FOLDER_MEL_DEFAULTS, ...opts.mel });
    const l = listAudioFolder(root);
    this.classes = l.classes; this.files = l.files; this.labels = l.labels;
    this.sampleRate = opts.sampleRate;
    this.samples = Math.round(opts.seconds * this.sampleRate);
    this.mel = { ...mel, sampleRate: this.sampleRate };
  }

  get length(): number { return this.files.length; }

  /** [nMels, frames] of every item. */
  get itemShape(): [number, number] {
    return spectrogramShape(this.samples, this.mel);
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
