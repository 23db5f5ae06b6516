/** The table Preprocessor: imputation, scaling, encoding, datetime parts, JSON round trip. */
export { Preprocessor } from './preprocessor.js';
export type { PreprocessorOptions, ColumnOptions } from './options.js';
export type { PreprocessorJSON, FeatureTransform, NumericTransform, CategoricalTransform, DatetimeTransform, TargetTransform, Scaler, Scaling, NumericImpute, CategoricalImpute, DatePart } from './spec.js';
export type { TransformResult, TransformOptions, RowProblem } from './transform.js';
