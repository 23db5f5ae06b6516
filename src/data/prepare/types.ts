/** What the data step produces: model-ready arrays per split, the saved preprocessing and a summary. */
import type { TaskType } from '../explore/target.js';
import type { SkippedFiles } from './class_folder.js';
import type { LazyImages } from './lazy_images.js';
import type { SeriesSplits } from './prepare_series.js';
import type { Preprocessing } from './preprocessing.js';
import type { TargetEncoding } from './target.js';

/** Model-ready examples: inputs stored flat (`rows × prod(inputShape)` values) and encoded targets. */
export interface Arrays {
  x: Float32Array;
  y: Float64Array;
  rows: number;
}

/**
 * A split's examples: in memory ({@link Arrays}), or an image folder's decoded on demand
 * ({@link LazyImages}, `data.lazy`), which has the same `rows` and `y` and hands out examples as a
 * dataset (examples.ts turns either into one).
 */
export type Examples = Arrays | LazyImages;

/** What the report and summary say about the data. */
export interface DataSummary {
  source: string;
  kind: 'table' | 'idx' | 'images' | 'audio' | 'volumes' | 'series';
  rows: number;
  columns: number;
  task: TaskType;
  target: string;
  classCounts: { label: string; count: number }[] | null;
  splits: { train: number; val: number; test: number };
  inputUnits: number;
  notes: string[];
  /**
   * Damaged files of an image, audio or volume folder left out with `data.skipBadFiles`, each with its
   * reason (saved in model.json as `data.skipped`); absent when none was.
   */
  skipped?: SkippedFiles;
}

export interface PreparedData {
  task: TaskType;
  target: TargetEncoding;
  preprocessing: Preprocessing;
  /** Values per example: the product of `inputShape`. */
  inputUnits: number;
  /** Shape of one example: `[C, H, W]` for images (`[1, 28, 28]` for IDX digits), `[C, D, H, W]` for volumes, `[lookback, inputs]` for series, `[features]` for tables and audio features. */
  inputShape: number[];
  train: Examples;
  val: Examples;
  test: Examples;
  summary: DataSummary;
  /** Time series: each span's windows with their truths and baseline forecasts (prepare_series.ts). */
  series?: SeriesSplits;
}
