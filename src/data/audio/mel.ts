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

/** Mel filter bank settings. */
export interface MelBankOptions {
  sampleRate: number;
  nFft: number;
  nMels?: number;
  fMin?: number;
  /** Default sampleRate / 2. */
  fMax?: number;
  scale?: MelScale;
  norm?: 'slaney' | null;
}

/** Filter bank, [nMels, nFft/2 + 1] row-major. */
export function melFilterBank(o: MelBankOptions): Float64Array {
  const nMels = o.nMels ?? 128, fMin = o.fMin ?? 0, fMax = o.fMax ?? o.sampleRate / 2;
  const scale = o.scale ?? 'slaney', norm = o.norm === undefined ? 'slaney' : o.norm;
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

/** Log-mel spectrogram settings. */
export interface LogMelOptions extends Omit<MelBankOptions, 'nFft'> {
  /** FFT size, a power of two (default 512). */
  nFft?: number;
  /** Window length ≤ nFft (default nFft). */
  winLength?: number;
  /** Hop between frames (default winLength / 4). */
  hop?: number;
  /** Pad nFft/2 on both sides by reflection (default true). */
  center?: boolean;
  /** Floor below the maximum in dB (default 80; null: none). */
  topDb?: number | null;
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
export function logMelSpectrogram(signal: Float32Array, o: LogMelOptions): LogMel {
  const nFft = o.nFft ?? 512, win = o.winLength ?? nFft, hop = o.hop ?? Math.floor(win / 4);
  if (!isPowerOfTwo(nFft)) throw new RangeError(`logMelSpectrogram: nFft must be a power of two, got ${nFft}`);
  if (win > nFft || win < 1 || hop < 1) throw new RangeError(`logMelSpectrogram: need 1 ≤ winLength ≤ nFft and hop ≥ 1 (got ${win}, ${nFft}, ${hop})`);
  const x = o.center ?? true ? reflectPad(signal, nFft / 2) : signal;
  const frames = x.length < nFft ? 0 : 1 + Math.floor((x.length - nFft) / hop);
  const nMels = o.nMels ?? 128, bins = nFft / 2 + 1;
  const bank = melFilterBank({ ...o, nFft, nMels });
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
  const topDb = o.topDb === undefined ? 80 : o.topDb;
  if (topDb !== null) { const floor = max - topDb; for (let i = 0; i < out.length; i++) if (out[i] < floor) out[i] = floor; }
  return { data: out, nMels, frames };
}
