/**
 * The typed shape of a dlflow config after defaults, shorthands and validation: inferred from the
 * schema (schema.ts), so the validator, the JSON Schema (`dlflow schema`) and these types are one
 * source. What each key means is in the schema's docs (and so in the editor's hover on dlflow.yaml).
 */
import type { DataOptions } from '../../data/prepare/options.js';
import type { CnnOptions } from '../model/architectures.js';
import type { CONFIG_SPEC } from './schema.js';
import type { Infer } from './spec.js';

export type { LayerConfig } from './schema.js';
export type { AugmentConfig, ColumnTreatment, SeriesOptions as SeriesConfig } from '../../data/prepare/options.js';

/** A whole config. */
export type DlflowConfig = Infer<typeof CONFIG_SPEC>;
/** The `data:` section; the data step takes it as its DataOptions (src/data/prepare/options.ts). */
export type DataConfig = DlflowConfig['data'];
export type ModelConfig = DlflowConfig['model'];
/** `model.cnn`: the CNN's sizes (null: chosen from the data), dropout null meaning hyperparameters.dropout. */
export type CnnConfig = ModelConfig['cnn'];
/** `model.gru`: the GRU forecaster of time series (the last step's state into a linear layer). */
export type GruConfig = ModelConfig['gru'];
export type HyperparametersConfig = DlflowConfig['hyperparameters'];
export type SchedulerConfig = HyperparametersConfig['scheduler'];

/** Compiles only when A is assignable to B. */
type Fits<A extends B, B> = [A, B];

/**
 * Compile-time checks that the inferred sections fit what the lower layers take: the data step's
 * options and the CNN builder's (dropout resolved). A schema change they do not accept fails here.
 */
export type SectionsFit = [Fits<DataConfig, DataOptions>, Fits<Omit<CnnConfig, 'dropout'> & { dropout: number }, CnnOptions>];
