/**
 * What the data step is asked to do: the `data:` section of a dlflow config and the run's seed.
 * The CLI's config types are these (src/cli/config/types.ts re-exports them).
 */

/** Per-column preprocessing override. */
export type ColumnTreatment = 'standardize' | 'minmax' | 'one_hot' | 'binary' | 'passthrough' | 'drop';

/** Training-time augmentation of images and spectrograms; every part off by default. */
export interface AugmentConfig {
  /** Images: zero-pad this many pixels on each side, then crop back at a random offset (null: off). */
  crop: { padding: number } | null;
  /** Images: `horizontal` mirrors left–right with probability 1/2; `none`: off (digits, text: where a flip changes the class). */
  flip: 'horizontal' | 'none';
  /**
   * SpecAugment's masks (Park et al. 2019), for spectrograms (and as stripes on images): `count`
   * frequency masks of a width uniform in [0, freq] mels and `count` time masks of a width uniform
   * in [0, time] frames, set to the mean (null: off; in a mask given in part, count defaults to 1
   * and a missing width to 0).
   */
  mask?: { freq?: number; time?: number; count?: number } | null;
}

/**
 * Forecasting a regular time series (`data.series`): windows of `lookback` steps predict the
 * next `horizon` values of the target. null values are chosen from the data.
 */
export interface SeriesOptions {
  /** Time column (default: the one explore detects). */
  time: string | null;
  /** Steps each window reads (default: from the season, 52 for weekly data). */
  lookback: number | null;
  /** Steps predicted (default 1). */
  horizon: number;
  /** Steps between training windows' starts (default 1). */
  stride: number;
  /** Other numeric columns read as inputs (default: every other numeric column; [] for none). */
  covariates: string[] | null;
}

export interface DataOptions {
  /** A table file (CSV/TSV/JSONL/Parquet), or an IDX, image, audio or volume folder. */
  path: string;
  /** Target column (tables). */
  target: string | null;
  /** Columns to use as features (default: all but the target). */
  features: string[] | null;
  /** Columns to leave out. */
  drop: string[];
  /** A separate test file; when set, `split.test` is ignored. */
  test: string | null;
  /** Fractions of the rows for train / validation / test (they must sum to 1). */
  split: { train: number; val: number; test: number };
  /** Keep class proportions in each split (classification). */
  stratify: boolean;
  /** Per-column preprocessing, overriding the automatic plan. */
  preprocessing: Record<string, ColumnTreatment>;
  /**
   * Leave damaged files (empty, truncated, undecodable) of an image, audio or volume folder out, listing
   * each with its reason, instead of failing on the first.
   */
  skipBadFiles: boolean;
  /**
   * Image folders: decode the images on demand, batch by batch in worker threads, instead of holding
   * every example in memory. `auto` (the default): when the examples as float32 would exceed
   * `memoryBudget`. Training gives the same numbers either way.
   */
  lazy?: 'auto' | boolean;
  /** Bytes the examples of an image folder may take in memory before `lazy: auto` decodes on demand (null: a quarter of the machine's memory). */
  memoryBudget?: number | null;
  /** Image augmentation of the training split (image and IDX folders). */
  augment: AugmentConfig;
  /** Forecasting when the table is a regular time series (absent: automatic); null: rows are independent examples. */
  series?: SeriesOptions | null;
}

/** The inputs of {@link prepareData}: a dlflow config satisfies it. */
export interface PrepareOptions {
  data: DataOptions;
  /** Seeds the splits. */
  seed: number;
}
