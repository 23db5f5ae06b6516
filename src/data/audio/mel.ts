/**
 * Mel filter banks and log-mel spectrograms.
 *
 * Conventions (so numbers line up with librosa and torchaudio):
 * - STFT: periodic Hann window of `winLength` samples, zero-padded to `nFft`
 *   centred; frames every `hop` samples; `center` pads `nFft/2` samples on both
 *   sides by reflection (torchaudio's default, librosa < 0.10's default);
 *   power spectrum |X|² (`power: 2`) of bins 0..nFft/2.
 * - Mel scale: `'slaney'` (librosa's default: linear below 1 kHz at 200/3 Hz
 *   per mel, logarithmic above with step ln(6.4)/27) or `'htk'`
 *   (2595·log10(1 + f/700), torchaudio's default).
 * - Filters: triangles between `nMels + 2` points equally spaced in mel from
 *   `fMin` to `fMax`, evaluated at the FFT bin frequencies; `norm: 'slaney'`
 *   divides each by its width in Hz (area normalisation: librosa's default),
 *   `norm: null` leaves peaks at 1 (torchaudio's default).
 * - Log: decibels `10·log10(max(amin, S))`, amin 1e-10, then floored at
 *   `max − topDb` (librosa's `power_to_db` with ref 1.0, top_db 80).
 *   Output layout [nMels, frames], row-major.
 */
import { defineOptions, option, type OptionsInput, type OptionsSchema, type ResolvedOptions } from '../../base/options.js';
import { fft, isPowerOfTwo } from './fft.js';

/** Mel scale variant. */
export type MelScale = 'htk' | 'slaney';

/** Hz → mel. */
export function hzToMel(f: number, scale: MelScale = 'slaney'): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + f / 700);
  const fSp = 200 / 3;
  if (f < 1000) return f / fSp;
  return 1000 / fSp + Math.log(f / 1000) / (Math.log(6.4) / 27);
}

/** Mel → Hz. */
export function melToHz(m: number, scale: MelScale = 'slaney'): number {
  if (scale === 'htk') return 700 * (10 ** (m / 2595) - 1);
  const fSp = 200 / 3, minLogMel = 1000 / fSp;
  if (m < minLogMel) return m * fSp;
  return 1000 * Math.exp((Math.log(6.4) / 27) * (m - minLogMel));
}

/** The filters' settings, shared by the filter bank and the spectrogram. */
const FILTER_FIELDS = {
  /** Mel bands (default 128). */
  nMels: option.number({ default: 128, min: 1, integer: true }),
  /** Lowest frequency in Hz (default 0). */
  fMin: option.number({ default: 0, min: 0 }),
  /** Highest frequency in Hz (default sampleRate / 2). */
  fMax: option.number({ min: 0, minExclusive: true }),
  /** Mel scale (default 'slaney', librosa's; 'htk' is torchaudio's). */
  scale: option.choice(['htk', 'slaney'], 'slaney'),
  /** 'slaney' (default): each filter divided by its width in Hz; null: peaks at 1. */
  norm: option.custom<'slaney' | null, 'slaney'>("'slaney' or null", (v): v is 'slaney' | null => v === 'slaney' || v === null, 'slaney'),
};

const SAMPLE_RATE = {
  /** The signal's sample rate in Hz. */
  sampleRate: option.required(option.number({ min: 0, minExclusive: true })),
};

const BANK_SIZE = {
  /** FFT size: the bank has nFft / 2 + 1 columns. */
  nFft: option.required(option.number({ min: 2, integer: true })),
};

// The schemas built from shared fields are typed by name, so that the fields' doc comments reach the .d.ts.
const MEL_BANK_OPTIONS: OptionsSchema<typeof SAMPLE_RATE & typeof BANK_SIZE & typeof FILTER_FIELDS> =
  defineOptions('melFilterBank', { ...SAMPLE_RATE, ...BANK_SIZE, ...FILTER_FIELDS });

/** Mel filter bank settings. */
export type MelBankOptions = OptionsInput<typeof MEL_BANK_OPTIONS>;
type ResolvedMelBank = ResolvedOptions<typeof MEL_BANK_OPTIONS>;

/** Filter bank, [nMels, nFft/2 + 1] row-major. */
export function melFilterBank(options: MelBankOptions): Float64Array {
  return filterBank(MEL_BANK_OPTIONS.parse(options));
}

/** The filter bank of checked settings. */
function filterBank(o: ResolvedMelBank): Float64Array {
  const { nMels, fMin, scale, norm } = o;
  const fMax = o.fMax ?? o.sampleRate / 2;
  const bins = o.nFft / 2 + 1;
  const lo = hzToMel(fMin, scale), hi = hzToMel(fMax, scale);
  const pts = Array.from({ length: nMels + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (nMels + 1), scale));
  const freqs = Array.from({ length: bins }, (_, k) => (k * o.sampleRate) / o.nFft);
  const w = new Float64Array(nMels * bins);
  for (let m = 0; m < nMels; m++) {
    const d0 = pts[m + 1] - pts[m], d1 = pts[m + 2] - pts[m + 1];
    const enorm = norm === 'slaney' ? 2 / (pts[m + 2] - pts[m]) : 1;
    for (let k = 0; k < bins; k++) {
      const lower = (freqs[k] - pts[m]) / d0, upper = (pts[m + 2] - freqs[k]) / d1;
      w[m * bins + k] = Math.max(0, Math.min(lower, upper)) * enorm;
    }
  }
  return w;
}

const FRAME_FIELDS = {
  /** FFT size, a power of two (default 512). */
  nFft: option.custom<number, 512>('an integer power of two', (v): v is number => typeof v === 'number' && Number.isInteger(v) && isPowerOfTwo(v), 512),
  /** Window length ≤ nFft (default nFft). */
  winLength: option.number({ min: 1, integer: true }),
  /** Hop between frames (default winLength / 4). */
  hop: option.number({ min: 1, integer: true }),
  /** Pad nFft/2 on both sides by reflection (default true). */
  center: option.boolean(true),
  /** Floor below the maximum in dB (default 80; null: none). */
  topDb: option.custom<number | null, number>('a number ≥ 0 or null', (v): v is number | null => v === null || (typeof v === 'number' && v >= 0), 80),
};

/**
 * The spectrogram's settings but the sample rate (AudioFolder takes them as `mel`, the rate
 * being its own option).
 */
export const SPECTROGRAM_FIELDS: typeof FRAME_FIELDS & typeof FILTER_FIELDS = { ...FRAME_FIELDS, ...FILTER_FIELDS };

const LOG_MEL_OPTIONS: OptionsSchema<typeof SAMPLE_RATE & typeof SPECTROGRAM_FIELDS> =
  defineOptions('logMelSpectrogram', { ...SAMPLE_RATE, ...SPECTROGRAM_FIELDS });

/** Log-mel spectrogram settings. */
export type LogMelOptions = OptionsInput<typeof LOG_MEL_OPTIONS>;

/** What the shape of a spectrogram depends on, defaults applied. */
interface FrameSettings { nFft: number; winLength?: number; hop?: number; center: boolean; nMels: number }

/** The window length (default nFft) and the hop between frames (default a quarter window). */
function windowAndHop(o: FrameSettings): { win: number; hop: number } {
  const win = o.winLength ?? o.nFft;
  return { win, hop: o.hop ?? Math.floor(win / 4) };
}

/** Frames of `samples` samples after the optional centre padding. */
function frameCount(samples: number, o: FrameSettings, hop: number): number {
  const padded = o.center ? samples + o.nFft : samples;
  return padded < o.nFft ? 0 : 1 + Math.floor((padded - o.nFft) / hop);
}

/** [nMels, frames] of the spectrogram of a signal of `samples` samples, settings checked. */
export function spectrogramShape(samples: number, o: FrameSettings): [number, number] {
  return [o.nMels, frameCount(samples, o, windowAndHop(o).hop)];
}

/** A log-mel spectrogram, [nMels, frames] row-major, in dB. */
export interface LogMel {
  data: Float32Array;
  nMels: number;
  frames: number;
}

function reflectPad(x: Float32Array, p: number): Float32Array {
  if (x.length <= p) throw new RangeError(`logMelSpectrogram: signal of ${x.length} samples is too short for reflect padding of ${p}`);
  const out = new Float32Array(x.length + 2 * p);
  out.set(x, p);
  for (let i = 0; i < p; i++) { out[p - 1 - i] = x[i + 1]; out[p + x.length + i] = x[x.length - 2 - i]; }
  return out;
}

/** Log-mel spectrogram of mono `signal` (see the module notes for conventions). */
export function logMelSpectrogram(signal: Float32Array, options: LogMelOptions): LogMel {
  const o = LOG_MEL_OPTIONS.parse(options);
  const nFft = o.nFft, { win, hop } = windowAndHop(o);
  if (win > nFft) throw new RangeError(`logMelSpectrogram: winLength (${win}) must not exceed nFft (${nFft})`);
  if (hop < 1) throw new RangeError(`logMelSpectrogram: the hop (a quarter of winLength ${win} by default) must be at least 1`);
  const x = o.center ? reflectPad(signal, nFft / 2) : signal;
  const frames = frameCount(signal.length, o, hop);
  const nMels = o.nMels, bins = nFft / 2 + 1;
  const bank = filterBank(o);
  const window = new Float64Array(nFft);
  const off = Math.floor((nFft - win) / 2);
  for (let i = 0; i < win; i++) window[off + i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / win);
  const re = new Float64Array(nFft), im = new Float64Array(nFft), power = new Float64Array(bins);
  const out = new Float32Array(nMels * frames);
  let max = -Infinity;
  for (let f = 0; f < frames; f++) {
    const s = f * hop;
    for (let i = 0; i < nFft; i++) { re[i] = x[s + i] * window[i]; im[i] = 0; }
    fft(re, im);
    for (let k = 0; k < bins; k++) power[k] = re[k] * re[k] + im[k] * im[k];
    for (let m = 0; m < nMels; m++) {
      let acc = 0;
      const row = m * bins;
      for (let k = 0; k < bins; k++) acc += bank[row + k] * power[k];
      const db = 10 * Math.log10(Math.max(1e-10, acc));
      out[m * frames + f] = db;
      if (db > max) max = db;
    }
  }
  const topDb = o.topDb;
  if (topDb !== null) { const floor = max - topDb; for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor; }
  return { data: out, nMels, frames };
}
