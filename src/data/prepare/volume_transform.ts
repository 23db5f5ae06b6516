/**
 * The arithmetic of the volume data step: the size every volume of a data set is brought to,
 * trilinear resampling to it, and per-volume intensity normalisation. Volumes are float32
 * `[C, D, H, W]` arrays in C order.
 */

/** A volume's spatial size [D, H, W]. */
export type VolumeSize = [number, number, number];

/**
 * Most voxels (D·H·W) of the size volumes are trained at by default: 64³. A 3-D CNN's cost grows
 * with the voxel count, and every example is kept in memory; larger scans are resampled down.
 */
export const MAX_VOLUME_VOXELS = 64 ** 3;

const voxels = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/** The most frequent of `values` by `key`, with how many share it (ties: the first met). */
function modeOf<T>(values: readonly T[], key: (v: T) => string | number): { value: T; count: number } {
  const counts = new Map<string | number, { value: T; count: number }>();
  for (const v of values) {
    const entry = counts.get(key(v)) ?? { value: v, count: 0 };
    entry.count++;
    counts.set(key(v), entry);
  }
  let best = { value: values[0], count: 0 };
  for (const e of counts.values()) if (e.count > best.count) best = e; // Map order: first met wins ties
  return best;
}

/**
 * The value most of `values` are (ties: the first met): the channel count a data set's volumes
 * are trained with.
 */
export function mostCommon(values: readonly number[]): number {
  return modeOf(values, (v) => v).value;
}

/** The size a data set's volumes are trained at: the most common one, and that scaled down to `maxVoxels`. */
export interface TrainingVolumeSize {
  /** The most common size (ties: the one met first). */
  common: VolumeSize;
  /** Volumes of that size. */
  count: number;
  /** `common`, or when it has more than `maxVoxels` voxels, every side scaled by one factor until it fits. */
  size: VolumeSize;
}

/**
 * The training size of volumes of `sizes`.
 *
 * @example
 * trainingVolumeSize([[16, 16, 16], [16, 16, 16], [20, 16, 16]]).size; // [16, 16, 16]
 * trainingVolumeSize([[256, 256, 128]]).size;                         // [80, 80, 40]: ≤ 64³ voxels
 */
export function trainingVolumeSize(sizes: readonly VolumeSize[], maxVoxels = MAX_VOLUME_VOXELS): TrainingVolumeSize {
  const best = modeOf(sizes, (s) => s.join('×'));
  return { common: [...best.value], count: best.count, size: shrinkToFit(best.value, maxVoxels) };
}

/**
 * `size` with its sides (those above 1) scaled by one factor, rounded down, until it has at most
 * `maxVoxels` voxels: the shape is kept as far as whole voxels allow.
 */
function shrinkToFit(size: VolumeSize, maxVoxels: number): VolumeSize {
  let out: VolumeSize = [...size];
  while (voxels(out) > maxVoxels) {
    const shrinking = out.filter((d) => d > 1).length;
    const factor = (maxVoxels / voxels(out)) ** (1 / shrinking);
    out = out.map((d) => (d > 1 ? Math.max(1, Math.floor(d * factor)) : d)) as VolumeSize;
  }
  return out;
}

/**
 * Axis `axis` of a C-order array of `shape` linearly resampled to `size` points, sampling at the
 * voxel centres (PyTorch's `align_corners=False`; positions before the first centre take the
 * first voxel, past the last the last).
 */
function resampleAxis(src: ArrayLike<number>, shape: readonly number[], axis: number, size: number): Float64Array {
  const n = shape[axis];
  const outer = voxels(shape.slice(0, axis));
  const inner = voxels(shape.slice(axis + 1));
  const out = new Float64Array(outer * size * inner);
  const scale = n / size;
  for (let o = 0; o < size; o++) {
    const at = Math.max(0, (o + 0.5) * scale - 0.5);
    const i0 = Math.floor(at);
    const i1 = Math.min(i0 + 1, n - 1);
    const w = at - i0;
    for (let a = 0; a < outer; a++) {
      const from0 = (a * n + i0) * inner, from1 = (a * n + i1) * inner, to = (a * size + o) * inner;
      for (let b = 0; b < inner; b++) out[to + b] = (1 - w) * src[from0 + b] + w * src[from1 + b];
    }
  }
  return out;
}

/**
 * A `[C, D, H, W]` volume resized to `[C, ...size]` by trilinear interpolation: PyTorch's
 * `F.interpolate(x, size, mode='trilinear', align_corners=False)`, computed as one linear pass
 * per axis (the same weights), without antialiasing (a large reduction skips voxels, as PyTorch's does).
 *
 * @example
 * resampleTrilinear(v.data, [1, 20, 16, 16], [16, 16, 16]).length; // 4096
 */
export function resampleTrilinear(data: Float32Array, shape: readonly number[], size: VolumeSize): Float32Array {
  let values: ArrayLike<number> = data;
  const current = [...shape];
  size.forEach((s, d) => {
    if (current[d + 1] === s) return;
    values = resampleAxis(values, current, d + 1, s);
    current[d + 1] = s;
  });
  return values === data ? data : Float32Array.from(values);
}

/**
 * Standardises a volume in place over all its voxels (every channel together): `(v − mean) / std`
 * with the volume's own mean and population std (MONAI's NormalizeIntensity; std 0 divides by 1),
 * so scans from different machines or intensity units meet the network on one scale. Voxels that
 * are NaN or infinite are left out of the statistics and set to 0, the mean. Returns how many there were.
 *
 * @example
 * standardizeVolume(Float32Array.of(1, 2, 3)); // 0; the array is now [-1.2247, 0, 1.2247]
 */
export function standardizeVolume(data: Float32Array): number {
  let sum = 0, finite = 0;
  for (const v of data) if (Number.isFinite(v)) { sum += v; finite++; }
  const mean = finite > 0 ? sum / finite : 0;
  let sq = 0;
  for (const v of data) if (Number.isFinite(v)) sq += (v - mean) * (v - mean);
  const std = finite > 0 ? Math.sqrt(sq / finite) : 0;
  const scale = std > 0 ? 1 / std : 1;
  for (let i = 0; i < data.length; i++) data[i] = Number.isFinite(data[i]) ? (data[i] - mean) * scale : 0;
  return data.length - finite;
}
