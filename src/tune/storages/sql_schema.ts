/**
 * The tables of a SQL study storage (normalised as Optuna's RDB storage: one row per trial,
 * parameter, reported value and attribute, so writers never rewrite each other's rows).
 */
import type { Dialect } from './sql_driver.js';

interface Types { id: string; real: string; big: string }
const TYPES: { [D in Dialect]: Types } = {
  sqlite: { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', real: 'REAL', big: 'INTEGER' },
  postgres: { id: 'BIGSERIAL PRIMARY KEY', real: 'DOUBLE PRECISION', big: 'BIGINT' },
};

export function schemaStatements(dialect: Dialect): string[] {
  const t = TYPES[dialect];
  return [
    `CREATE TABLE IF NOT EXISTS tune_studies (study_id ${t.id}, name TEXT NOT NULL UNIQUE, direction TEXT NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS tune_trials (trial_id ${t.id}, study_id ${t.big} NOT NULL REFERENCES tune_studies(study_id),
      number ${t.big} NOT NULL, state TEXT NOT NULL, value ${t.real}, started_ms ${t.big}, completed_ms ${t.big},
      heartbeat_ms ${t.big}, stale INTEGER NOT NULL DEFAULT 0, UNIQUE (study_id, number))`,
    `CREATE TABLE IF NOT EXISTS tune_params (trial_id ${t.big} NOT NULL REFERENCES tune_trials(trial_id), name TEXT NOT NULL,
      internal ${t.real} NOT NULL, distribution TEXT NOT NULL, position INTEGER NOT NULL, PRIMARY KEY (trial_id, name))`,
    `CREATE TABLE IF NOT EXISTS tune_values (trial_id ${t.big} NOT NULL REFERENCES tune_trials(trial_id), step ${t.big} NOT NULL,
      value ${t.real}, PRIMARY KEY (trial_id, step))`,
    `CREATE TABLE IF NOT EXISTS tune_attrs (trial_id ${t.big} NOT NULL REFERENCES tune_trials(trial_id), kind TEXT NOT NULL,
      key TEXT NOT NULL, value_json TEXT NOT NULL, PRIMARY KEY (trial_id, kind, key))`,
    'CREATE INDEX IF NOT EXISTS tune_trials_state ON tune_trials (study_id, state)',
  ];
}

/** Statement that locks a study row for the rest of the transaction (SQLite's BEGIN IMMEDIATE already locks). */
export const LOCK_STUDY: { [D in Dialect]: string | null } = {
  sqlite: null,
  postgres: 'SELECT study_id FROM tune_studies WHERE study_id = $1 FOR UPDATE',
};

/** Serialises schema creation across processes (PostgreSQL races on CREATE TABLE IF NOT EXISTS). */
export const LOCK_SCHEMA: { [D in Dialect]: string | null } = {
  sqlite: null,
  postgres: 'SELECT pg_advisory_xact_lock(727274)',
};
