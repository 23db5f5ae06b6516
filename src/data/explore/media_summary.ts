/**
 * Summaries of non-tabular data for exploration: image folders (images per
 * class, sizes, channels, from file headers), audio (durations, sample rates,
 * channels, encodings, from WAV headers), IDX (shapes, label balance, pixel
 * statistics) and NIfTI/.npy volumes (shapes, formats, training size, value statistics). Each comes
 * with a recommendation and warnings.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { imageSize, readImage } from '../image/decode.js';
import { loadIdx, type IdxArray } from '../sources/idx.js';
import { FASHION_MNIST_CLASSES } from '../sources/mnist.js';
import { wavInfo } from '../sources/wav.js';
import { readVolumeFile, type VolumeData } from '../prepare/prepare_volumes.js';
import { mostCommon, trainingVolumeSize, type VolumeSize } from '../prepare/volume_transform.js';
import type { Detected } from './detect.js';
import { recommendAudio, recommendImages, recommendVolume, type MediaRecommendation } from './media_recommend.js';
import { histogram, numericStats, type Histogram, type NumericStats } from './stats.js';

/** Count per class, largest first. */
export interface ClassBalance { label: string; count: number }

/** Summary of non-tabular data. */
export interface MediaSummary {
  modality: 'images' | 'audio' | 'idx' | 'volume';
  path: string;
  items: number;
  classes: ClassBalance[];
  /** Facts, as label → value (shown as a table). */
  facts: Record<string, string | number>;
  /** Value statistics and histogram (pixels, samples, voxels), when computed. */
  values?: { stats: NumericStats; histogram: Histogram };
  /** Files that could not be read, with the reason (never skipped silently). */
  unreadable: { file: string; reason: string }[];
  warnings: string[];
  recommendation: MediaRecommendation;
}

function balance(labels: string[]): ClassBalance[] {
  const m = new Map<string, number>();
  for (const l of labels) m.set(l, (m.get(l) ?? 0) + 1);
  return [...m.entries()].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : 1));
}

function imbalanceWarning(c: ClassBalance[]): string[] {
  if (c.length < 2) return [];
  const r = c[0].count / c[c.length - 1].count;
  return r >= 10 ? [`heavy class imbalance: ${c[0].label} ${c[0].count} vs ${c[c.length - 1].label} ${c[c.length - 1].count} (ratio ${r.toFixed(1)})`] : [];
}

const classOf = (f: string): string => (dirname(f) === '.' ? '(none)' : dirname(f));

function valueSummary(v: ArrayLike<number>, cap = 2_000_000): { stats: NumericStats; histogram: Histogram } {
  const step = Math.max(1, Math.ceil(v.length / cap));
  const s = new Float64Array(Math.ceil(v.length / step));
  for (let i = 0, k = 0; i < v.length; i += step) s[k++] = v[i];
  const { sorted, count: _c, unique: _u, top: _t, ...stats } = numericStats(s, 0);
  return { stats, histogram: histogram(sorted, 20) };
}

/** Image folder summary (sizes and channels from headers, without decoding). */
export function summarizeImages(d: Detected): MediaSummary {
  const sizes = new Map<string, number>(), channels = new Map<number, number>();
  const unreadable: MediaSummary['unreadable'] = [];
  const labels: string[] = [], ok: string[] = [];
  for (const f of d.files) {
    const s = imageSize(readFileSync(join(d.path, f)));
    if (s === null) { unreadable.push({ file: join(d.path, f), reason: 'no PNG/JPEG header found' }); continue; }
    labels.push(classOf(f));
    ok.push(f);
    const key = `${s.width}×${s.height}`;
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    const ch = s.channels === 4 ? 3 : s.channels === 2 ? 1 : s.channels;
    channels.set(ch, (channels.get(ch) ?? 0) + 1);
  }
  const classes = balance(labels);
  const norm = channelStats(d, ok, 64);
  const commonSize = [...sizes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '0×0';
  const [w, h] = commonSize.split('×').map(Number);
  const ch = [...channels.keys()].some((c) => c >= 3) ? 3 : 1;
  const warnings = [...imbalanceWarning(classes)];
  if (sizes.size > 1) warnings.push(`${sizes.size} different image sizes; resize to one (most common: ${commonSize})`);
  if (unreadable.length > 0) warnings.push(`${unreadable.length} files could not be read`);
  return {
    modality: 'images', path: d.path, items: labels.length, classes, unreadable, warnings,
    facts: {
      images: labels.length, classes: classes.length, 'most common size': commonSize, 'distinct sizes': sizes.size,
      channels: [...channels.entries()].map(([c, n]) => `${c === 1 ? 'gray' : 'RGB'}: ${n}`).join(', '),
      ...(norm === null ? {} : { 'normalize mean (RGB, 0–1)': norm.mean.map((v) => v.toFixed(4)).join(', '), 'normalize std (RGB, 0–1)': norm.std.map((v) => v.toFixed(4)).join(', '), 'normalize from images': norm.images }),
    },
    recommendation: recommendImages([ch, h, w], classes.length, labels.length),
  };
}

/**
 * Per-channel mean and std of pixel values in [0, 1] over up to `max` images spread
 * evenly through the folder (decoded as RGB; undecodable ones are skipped here and
 * reported by the header scan or at load time). Null when none decodes.
 */
function channelStats(d: Detected, files: string[], max: number): { mean: number[]; std: number[]; images: number } | null {
  const step = Math.max(1, Math.floor(files.length / max));
  const sum = [0, 0, 0], sq = [0, 0, 0];
  let n = 0, images = 0;
  for (let i = 0; i < files.length && images < max; i += step) {
    let img;
    try { img = readImage(join(d.path, files[i]), 3); } catch { continue; }
    images++;
    const px = img.data;
    for (let p = 0; p < px.length; p += 3) for (let c = 0; c < 3; c++) { const v = px[p + c] / 255; sum[c] += v; sq[c] += v * v; }
    n += px.length / 3;
  }
  if (n === 0) return null;
  const mean = sum.map((s) => s / n);
  return { mean, std: sq.map((q, c) => Math.sqrt(Math.max(0, q / n - mean[c] * mean[c]))), images };
}

/** Audio folder (or file) summary from WAV headers. */
export function summarizeAudio(d: Detected): MediaSummary {
  const files = d.isDir ? d.files.map((f) => ({ rel: f, abs: join(d.path, f) })) : [{ rel: basename(d.path), abs: d.path }];
  const unreadable: MediaSummary['unreadable'] = [];
  const rates = new Map<number, number>(), chans = new Map<number, number>(), encs = new Map<string, number>();
  const durations: number[] = [], labels: string[] = [];
  for (const f of files) {
    try {
      const i = wavInfo(f.abs);
      durations.push(i.duration); labels.push(classOf(f.rel));
      rates.set(i.sampleRate, (rates.get(i.sampleRate) ?? 0) + 1);
      chans.set(i.channelCount, (chans.get(i.channelCount) ?? 0) + 1);
      const e = `${i.encoding} ${i.bitsPerSample}-bit`;
      encs.set(e, (encs.get(e) ?? 0) + 1);
    } catch (e) { unreadable.push({ file: f.abs, reason: (e as Error).message }); }
  }
  const classes = balance(labels);
  const warnings = [...imbalanceWarning(classes)];
  if (rates.size > 1) warnings.push(`${rates.size} sample rates; resample to one`);
  if (unreadable.length > 0) warnings.push(`${unreadable.length} files could not be read (${unreadable[0].reason}${unreadable.length > 1 ? ', …' : ''})`);
  const fmt = (m: Map<number | string, number>): string => [...m.entries()].map(([k, n]) => `${k}: ${n}`).join(', ');
  const sorted = Float64Array.from(durations).sort();
  const med = sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
  const rate = [...rates.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 16000;
  const frames = 1 + Math.floor((med * 16000) / 160);
  return {
    modality: 'audio', path: d.path, items: durations.length, classes, unreadable, warnings,
    facts: { files: durations.length, classes: classes.length, 'sample rates (Hz)': fmt(rates), channels: fmt(chans), encodings: fmt(encs), 'shortest (s)': sorted[0] ?? 0, 'median (s)': med, 'longest (s)': sorted[sorted.length - 1] ?? 0, 'most common rate': rate },
    values: durations.length ? { stats: valueSummary(durations).stats, histogram: histogram(sorted, 20) } : undefined,
    recommendation: recommendAudio(64, frames, classes.length),
  };
}

function idxSplit(a: IdxArray, labels: IdxArray | null): { classes: ClassBalance[] } {
  return { classes: labels === null ? [] : balance(Array.from(labels.data as ArrayLike<number>, String)).sort((x, y) => Number(x.label) - Number(y.label)) };
}

/** IDX file or folder summary. */
export function summarizeIdx(d: Detected): MediaSummary {
  const files = d.isDir ? d.files.map((f) => join(d.path, f)) : [d.path];
  const arrays = files.map((f) => loadIdx(f));
  const images = arrays.filter((a) => a.dims.length >= 2);
  const labels = arrays.filter((a) => a.dims.length === 1);
  const train = images.find((a) => !/t10k|test/i.test(a.file)) ?? images[0];
  const trainLabels = labels.find((a) => !/t10k|test/i.test(a.file)) ?? labels[0] ?? null;
  let { classes } = idxSplit(train ?? labels[0], trainLabels);
  if (/fashion/i.test(resolve(d.path)) && classes.length === FASHION_MNIST_CLASSES.length) classes = classes.map((c) => ({ label: FASHION_MNIST_CLASSES[Number(c.label)] ?? c.label, count: c.count }));
  const facts: Record<string, string | number> = {};
  for (const a of arrays) facts[basename(a.file)] = `${a.dtype} [${a.dims.join(', ')}]`;
  const warnings = [...imbalanceWarning(classes)];
  for (const im of images) {
    const l = labels.find((x) => /t10k|test/i.test(x.file) === /t10k|test/i.test(im.file));
    if (l !== undefined && l.dims[0] !== im.dims[0]) warnings.push(`${basename(l.file)}: ${l.dims[0]} labels for ${im.dims[0]} images in ${basename(im.file)}`);
  }
  const shape = train === undefined ? [0] : train.dims.slice(1);
  const inShape: [number, number, number] = shape.length === 2 ? [1, shape[0], shape[1]] : [shape[2] ?? 1, shape[0], shape[1] ?? 1];
  return {
    modality: 'idx', path: d.path, items: train?.dims[0] ?? labels[0]?.dims[0] ?? 0, classes, unreadable: [], warnings, facts,
    values: train === undefined ? undefined : valueSummary(train.data as ArrayLike<number>),
    recommendation: recommendImages(inShape, classes.length, train?.dims[0] ?? 0),
  };
}

/** The shape training brings volumes of these shapes to (prepare_volumes.ts): the common channel count, the training size of those volumes. */
function trainingShapeOf(shapes: readonly VolumeData['shape'][]): number[] {
  const channels = mostCommon(shapes.map((s) => s[0]));
  const sizes = shapes.filter((s) => s[0] === channels).map((s): VolumeSize => [s[1], s[2], s[3]]);
  return [channels, ...trainingVolumeSize(sizes).size];
}

/**
 * NIfTI/.npy volume (file or folder) summary: shapes as dlflow reads them ([C, D, H, W]), file
 * formats, the size training resamples to, and the first volume's values.
 */
export function summarizeVolume(d: Detected): MediaSummary {
  const files = d.isDir ? d.files.map((f) => ({ rel: f, abs: join(d.path, f) })) : [{ rel: basename(d.path), abs: d.path }];
  const unreadable: MediaSummary['unreadable'] = [];
  const shapes = new Map<string, number>(), dtypes = new Map<string, number>(), formats = new Map<string, number>();
  const labels: string[] = [], read: VolumeData['shape'][] = [];
  let first: VolumeData | null = null;
  for (const f of files) {
    try {
      const v = readVolumeFile(f.abs);
      const key = `[${v.shape.join(', ')}]`;
      shapes.set(key, (shapes.get(key) ?? 0) + 1);
      const format = f.abs.toLowerCase().endsWith('.npy') ? '.npy' : f.abs.toLowerCase().endsWith('.gz') ? '.nii.gz' : '.nii';
      formats.set(format, (formats.get(format) ?? 0) + 1);
      dtypes.set(v.dtype, (dtypes.get(v.dtype) ?? 0) + 1);
      labels.push(classOf(f.rel));
      read.push(v.shape);
      first ??= v;
    } catch (e) { unreadable.push({ file: f.abs, reason: (e as Error).message }); }
  }
  const classes = d.isDir ? balance(labels) : [];
  const warnings = [...imbalanceWarning(classes)];
  const trainingShape = read.length > 0 ? trainingShapeOf(read) : [];
  if (shapes.size > 1) warnings.push(`${shapes.size} different shapes; training resamples every volume to [${trainingShape.join(', ')}]`);
  if (unreadable.length > 0) warnings.push(`${unreadable.length} files could not be read (${unreadable[0].reason})`);
  const fmt = (m: Map<string, number>): string => [...m.entries()].map(([k, n]) => `${k}: ${n}`).join(', ');
  return {
    modality: 'volume', path: d.path, items: labels.length, classes, unreadable, warnings,
    facts: {
      files: labels.length, 'shapes [C, D, H, W]': fmt(shapes), dtypes: fmt(dtypes), formats: fmt(formats),
      ...(read.length > 0 ? { 'training shape [C, D, H, W]': `[${trainingShape.join(', ')}]` } : {}),
    },
    values: first === null ? undefined : valueSummary(first.data),
    recommendation: recommendVolume(trainingShape, classes.length),
  };
}
