/**
 * What the data step is asked to do: the `data:` section of a dlflow config and the run's seed.
 * The CLI's config types are these (src/cli/config/types.ts re-exports them).
 */

/** Per-column preprocessing override. */
export type ColumnTreatment = 'standardize' | 'minmax' | 'one_hot' | 'binary' | 'passthrough' | 'drop';

/** Training-time image augmentation; every part off by default. */
export interface AugmentConfig {
  /** Zero-pad this many pixels on each side, then crop back at a random offset (null: off). */
  crop: { padding: number } | null;
  /** `horizontal`: mirror left–right with probability 1/2; `none`: off (digits, text: where a flip changes the class). */
  flip: 'horizontal' | 'none';
}

export interface DataOptions {
  /** A table file (CSV/TSV/JSONL/Parquet), or an IDX, image or audio folder. */
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
  /** Image augmentation of the training split (image and IDX folders). */
  augment: AugmentConfig;
}

/** The inputs of {@link prepareData}: a dlflow config satisfies it. */
export interface PrepareOptions {
  data: DataOptions;
  /** Seeds the splits. */
  seed: number;
}
