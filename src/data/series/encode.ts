/**
 * Windows of a series as a forecaster sees them, and the facts its evaluation needs beside them.
 *
 * The target is read relative to the window's last value: inputs `(x_t − x_last) / s` and
 * targets `(y_{+h} − x_last) / s_y`, so the model predicts the change from the last value (a
 * drifting level, as CO₂'s, then never leaves the range seen in training); a forecast is
 * `x_last + output · s_y`. Covariates are standardised: `(x − mean) / std`. Every center and scale
 * is fitted on the training windows only.
 */
import type { WindowSet } from './windows.js';

/** How window values become model inputs; saved in model.json. */
export interface SeriesScaling {
  /** Per input column (the target first): its center, or null for "the window's last value". */
  centers: (number | null)[];
  scales: number[];
  /** Scale of the target's change from the last input value. */
  targetScale: number;
}

/** One span's windows, encoded, with raw truths and the baseline forecasts on the same rows. */
export interface SeriesWindows {
  /** Model inputs `[count, lookback, inputs]`. */
  x: Float32Array;
  /** Encoded targets `[count, horizon]` (NaN-free). */
  y: Float64Array;
  count: number;
  horizon: number;
  /** The target's last input value of each window (what outputs are added to). */
  anchors: Float64Array;
  /** True values, naive (last value) and seasonal-naive forecasts, and their times: `[count, horizon]`. */
  truth: Float64Array;
  naive: Float64Array;
  seasonalNaive: Float64Array;
  times: Float64Array;
}

const std = (sum: number, sq: number, n: number): number => {
  const v = n > 1 ? (sq - (sum * sum) / n) / (n - 1) : 0;
  return v > 1e-24 ? Math.sqrt(v) : 1;
};

/**
 * Centers and scales from the training windows (input 0 is the target).
 *
 * @example
 * const scaling = fitScaling(windows.train, 1);
 */
export function fitScaling(train: WindowSet, inputs: number): SeriesScaling {
  const L = train.x.length / Math.max(1, train.count * inputs);
  const H = train.y.length / Math.max(1, train.count);
  const sums = new Float64Array(inputs), sqs = new Float64Array(inputs);
  let ySum = 0, ySq = 0;
  for (let w = 0; w < train.count; w++) {
    const last = train.x[(w * L + L - 1) * inputs];
    for (let t = 0; t < L; t++) {
      for (let f = 0; f < inputs; f++) {
        const v = train.x[(w * L + t) * inputs + f] - (f === 0 ? last : 0);
        sums[f] += v; sqs[f] += v * v;
      }
    }
    for (let h = 0; h < H; h++) { const d = train.y[w * H + h] - last; ySum += d; ySq += d * d; }
  }
  const n = train.count * L;
  const centers = Array.from(sums, (s, f) => (f === 0 ? null : n > 0 ? s / n : 0));
  // the target's inputs are relative to the last value: their scale is the spread of those differences
  const scales = Array.from(sums, (s, f) => std(s, sqs[f], n));
  return { centers, scales, targetScale: std(ySum, ySq, train.count * H) };
}

/**
 * Encodes a span's windows; `ordered` holds the rows' times and the target in time order as the
 * inputs see it (filled), from which the seasonal-naive forecast of step h (1-based) is the value `season·⌈h/season⌉` steps
 * before the target (NaN where that is before the series or missing).
 *
 * @example
 * const test = encodeWindows(windows.test, scaling, { times: windows.ordered.times, target: windows.ordered.target! }, 52);
 */
export function encodeWindows(set: WindowSet, scaling: SeriesScaling, ordered: { times: Float64Array; target: Float64Array }, season: number): SeriesWindows {
  const F = scaling.scales.length, count = set.count;
  const L = set.x.length / Math.max(1, count * F);
  const H = set.y.length / Math.max(1, count);
  const x = new Float32Array(set.x.length);
  const y = new Float64Array(count * H);
  const anchors = new Float64Array(count);
  const truth = new Float64Array(count * H), naive = new Float64Array(count * H), seasonalNaive = new Float64Array(count * H), times = new Float64Array(count * H);
  // The target is read from `ordered` (float64; the window set holds float32 copies), so truths and
  // baselines are the file's values exactly.
  for (let w = 0; w < count; w++) {
    const s = set.starts[w], first = s + L; // positions of the window and of its first target in the ordered rows
    const last = ordered.target[first - 1];
    anchors[w] = last;
    for (let t = 0; t < L; t++) {
      for (let f = 0; f < F; f++) {
        const i = (w * L + t) * F + f;
        x[i] = ((f === 0 ? ordered.target[s + t] : set.x[i]) - (scaling.centers[f] ?? last)) / scaling.scales[f];
      }
    }
    for (let h = 0; h < H; h++) {
      const i = w * H + h;
      truth[i] = ordered.target[first + h];
      y[i] = (truth[i] - last) / scaling.targetScale;
      naive[i] = last;
      const back = first + h - season * Math.ceil((h + 1) / season);
      seasonalNaive[i] = back >= 0 ? ordered.target[back] : Number.NaN;
      times[i] = ordered.times[first + h];
    }
  }
  return { x, y, count, horizon: H, anchors, truth, naive, seasonalNaive, times };
}

/**
 * Forecasts in the target's units from encoded outputs `[count, horizon]`.
 *
 * @example
 * const forecast = decodeOutputs(outputs, test.anchors, scaling.targetScale);
 */
export function decodeOutputs(outputs: ArrayLike<number>, anchors: ArrayLike<number>, targetScale: number): Float64Array {
  const H = outputs.length / Math.max(1, anchors.length);
  return Float64Array.from(outputs, (v, i) => anchors[Math.floor(i / H)] + v * targetScale);
}

/**
 * One input window `[lookback, inputs]` (raw values, in time order) encoded for the model.
 *
 * @example
 * const { x, anchor } = encodeInput(lastRows, scaling);
 */
export function encodeInput(raw: Float64Array, scaling: SeriesScaling): { x: Float32Array; anchor: number } {
  const F = scaling.scales.length, L = raw.length / F;
  const anchor = raw[(L - 1) * F];
  const x = Float32Array.from(raw, (v, i) => (v - (scaling.centers[i % F] ?? anchor)) / scaling.scales[i % F]);
  return { x, anchor };
}
