/**
 * The engine-independent data layer: reading tables (CSV/TSV, JSON Lines),
 * typing columns, and profiling a table for exploration.
 */
export { DataError } from './errors.js';
export { readCsv, parseCsv, type CsvOptions, type CsvReport, type CsvResult } from './sources/csv.js';
export { readJsonl, parseJsonl, type JsonlReport } from './sources/jsonl.js';
export { DEFAULT_NA_TOKENS } from './sources/na.js';
export { Table, type Column, type CellValue } from './table/table.js';
export { inferColumn, type ColumnKind, type TypeEvidence, type InferOptions } from './table/infer.js';
export type { ColumnStorage, FloatStorage, DateTimeStorage, DictStorage } from './table/storage.js';
export { profileTable, profileColumn, type Profile, type ColumnProfile, type ProfileOptions, type ProfileWarning } from './explore/profile.js';
export { profileTarget, detectTask, type TargetProfile, type TaskType, type Association } from './explore/target.js';
export { recommend, type Recommendation, type LossName, type FeaturePlan } from './explore/recommend.js';
