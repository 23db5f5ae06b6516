/**
 * Band-limited resampling with a Kaiser-windowed sinc filter, evaluated as a
 * polyphase filter bank when the rate ratio reduces to at most 4096 phases
 * (e.g. 44100 → 16000 is 160/441: 160 phases), per output sample otherwise.
 *
 * The low-pass cutoff is `rolloff × min(1, out/in)` of the input Nyquist rate,
 * the filter spans `zeroCrossings` zero crossings of the sinc on each side,
 * and the window is Kaiser with shape `beta` (defaults 0.945, 16, 8.6: about
 * 80 dB stop-band attenuation). The output has `ceil(n × out / in)` samples;
 * signal edges are treated as zeros.
 */
import { defineOptions, option, type OptionsInput } from '../../base/options.js';

const RESAMPLE_OPTIONS = defineOptions('resample', {
  /** Fraction of the lower Nyquist rate kept (default 0.945). */
  rolloff: option.number({ default: 0.945, min: 0, minExclusive: true, max: 1 }),
  /** Sinc zero crossings on each side of the centre (default 16). */
  zeroCrossings: option.number({ default: 16, min: 1, integer: true }),
  /** Kaiser window shape (default 8.6; 0 is a rectangular window). */
  beta: option.number({ default: 8.6, min: 0 }),
});

/** Resampler settings. */
export type ResampleOptions = OptionsInput<typeof RESAMPLE_OPTIONS>;

/** The largest ratio between the two rates {@link resample} accepts: 1536 kHz to 100 Hz fits (see wav.ts). */
export const MAX_RESAMPLE_RATIO = 16384;

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1, term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) { term *= q / (k * k); sum += term; if (term < sum * 1e-17) break; }
  return sum;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Filter kernel at offset `d` input samples from the output instant. */
function kernel(d: number, cutoff: number, half: number, beta: number, i0beta: number): number {
  if (Math.abs(d) >= half) return 0;
  const x = d * cutoff;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  const r = d / half;
  return cutoff * sinc * besselI0(beta * Math.sqrt(1 - r * r)) / i0beta;
}

/**
 * Resample `x` from `inRate` to `outRate` (both positive integers, Hz).
 * Returns a new array (or a copy when the rates are equal).
 */
export function resample(x: Float32Array, inRate: number, outRate: number, options: ResampleOptions = {}): Float32Array {
  const { rolloff, zeroCrossings, beta } = RESAMPLE_OPTIONS.parse(options);
  if (!Number.isInteger(inRate) || !Number.isInteger(outRate) || inRate <= 0 || outRate <= 0) throw new RangeError(`resample: rates must be positive integers, got ${inRate} → ${outRate}`);
  if (inRate === outRate) return x.slice();
  // the output grows with the ratio when upsampling and the filter when downsampling (16 zero
  // crossings at the lower rate); beyond any two rates a WAV may declare, it is a wrong rate
  if (Math.max(inRate / outRate, outRate / inRate) > MAX_RESAMPLE_RATIO) {
    throw new RangeError(`resample: ${inRate} Hz → ${outRate} Hz is a ratio beyond ${MAX_RESAMPLE_RATIO}`);
  }
  const g = gcd(inRate, outRate);
  const up = outRate / g, down = inRate / g;
  const cutoff = rolloff * Math.min(1, up / down);
  const half = Math.ceil(zeroCrossings / cutoff);
  const i0beta = besselI0(beta);
  const taps = 2 * half;
  const nOut = Math.ceil((x.length * up) / down);
  const out = new Float32Array(nOut);
  const n = x.length;
  const table = up <= 4096 ? new Float64Array(up * taps) : null;
  if (table !== null) {
    for (let p = 0; p < up; p++) for (let j = 0; j < taps; j++) table[p * taps + j] = kernel(half - 1 - j + p / up, cutoff, half, beta, i0beta);
  }
  const w = new Float64Array(taps);
  for (let m = 0; m < nOut; m++) {
    const num = m * down;
    const base = Math.floor(num / up), phase = num - base * up;
    let weights: Float64Array;
    if (table !== null) weights = table.subarray(phase * taps, (phase + 1) * taps);
    else { for (let j = 0; j < taps; j++) w[j] = kernel(half - 1 - j + phase / up, cutoff, half, beta, i0beta); weights = w; }
    const k0 = base - half + 1;
    let acc = 0;
    const jlo = Math.max(0, -k0), jhi = Math.min(taps, n - k0);
    for (let j = jlo; j < jhi; j++) acc += x[k0 + j] * weights[j];
    out[m] = acc;
  }
  return out;
}
