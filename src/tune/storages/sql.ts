/** A study storage over SQLite or PostgreSQL, behind the one Storage interface. */
import { parseDistribution, toExternal, type Distribution, type ParamValue } from '../distributions.js';
import { TuneError } from '../errors.js';
import { FAIL_REASON_ATTR, TRIAL_STATES, type FrozenTrial, type StudyDirection, type TrialState } from '../frozen_trial.js';
import type { Row, SqlDriver } from './sql_driver.js';
import { LOCK_SCHEMA, LOCK_STUDY, schemaStatements } from './sql_schema.js';
import { STALE_ATTR, type FinalState, type NewTrial, type Storage, type StudyRecord } from './storage.js';

type AttrKind = 'user' | 'system';
const num = (v: unknown): number => Number(v);
/** SQLite reads NaN back as NULL. */
const real = (v: unknown): number => (v === null ? NaN : Number(v));

function toStudy(r: Row): StudyRecord {
  return { studyId: num(r.study_id), name: String(r.name), direction: r.direction as StudyDirection };
}

function toState(v: unknown): TrialState {
  const s = String(v) as TrialState;
  if (!TRIAL_STATES.includes(s)) throw new TuneError(`unknown trial state '${s}' in the storage`);
  return s;
}

export class SqlStorage implements Storage {
  readonly description: string;
  private constructor(private readonly db: SqlDriver) {
    this.description = db.description;
  }

  /** Opens the storage, creating its tables when missing. */
  static async open(db: SqlDriver): Promise<SqlStorage> {
    await db.transaction(async (q) => {
      const lock = LOCK_SCHEMA[db.dialect];
      if (lock !== null) await q(lock);
      for (const s of schemaStatements(db.dialect)) await q(s);
    });
    return new SqlStorage(db);
  }

  async getStudy(name: string): Promise<StudyRecord | null> {
    const { rows } = await this.db.query('SELECT study_id, name, direction FROM tune_studies WHERE name = $1', [name]);
    return rows.length === 0 ? null : toStudy(rows[0]);
  }

  async createStudy(name: string, direction: StudyDirection): Promise<StudyRecord> {
    const { rows } = await this.db.query(
      'INSERT INTO tune_studies (name, direction) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING study_id, name, direction', [name, direction]);
    if (rows.length === 0) throw new TuneError(`study '${name}' already exists in ${this.description}`);
    return toStudy(rows[0]);
  }

  async listStudies(): Promise<StudyRecord[]> {
    return (await this.db.query('SELECT study_id, name, direction FROM tune_studies ORDER BY study_id')).rows.map(toStudy);
  }

  async createTrial(studyId: number, maxTrials?: number): Promise<NewTrial | null> {
    return this.db.transaction(async (q) => {
      const lock = LOCK_STUDY[this.db.dialect];
      if (lock !== null) await q(lock, [studyId]);
      const { rows } = await q(
        'SELECT COALESCE(MAX(number), -1) AS last, COALESCE(SUM(CASE WHEN stale = 0 THEN 1 ELSE 0 END), 0) AS counted FROM tune_trials WHERE study_id = $1',
        [studyId]);
      if (maxTrials !== undefined && num(rows[0].counted) >= maxTrials) return null;
      const number = num(rows[0].last) + 1;
      const now = Date.now();
      const ins = await q(
        "INSERT INTO tune_trials (study_id, number, state, started_ms, heartbeat_ms) VALUES ($1, $2, 'running', $3, $4) RETURNING trial_id",
        [studyId, number, now, now]);
      return { trialId: num(ins.rows[0].trial_id), number };
    });
  }

  async setParam(trialId: number, name: string, internal: number, dist: Distribution): Promise<void> {
    await this.db.query(
      'INSERT INTO tune_params (trial_id, name, internal, distribution, position) VALUES ($1, $2, $3, $4, (SELECT COUNT(*) FROM tune_params WHERE trial_id = $5))',
      [trialId, name, internal, JSON.stringify(dist), trialId]);
  }

  async setIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    await this.db.query('INSERT INTO tune_values (trial_id, step, value) VALUES ($1, $2, $3)', [trialId, step, value]);
  }

  private async setAttr(trialId: number, kind: AttrKind, key: string, value: unknown): Promise<void> {
    await this.db.query(
      'INSERT INTO tune_attrs (trial_id, kind, key, value_json) VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id, kind, key) DO UPDATE SET value_json = excluded.value_json',
      [trialId, kind, key, JSON.stringify(value)]);
  }

  setUserAttr(trialId: number, key: string, value: unknown): Promise<void> { return this.setAttr(trialId, 'user', key, value); }
  setSystemAttr(trialId: number, key: string, value: unknown): Promise<void> { return this.setAttr(trialId, 'system', key, value); }

  async finishTrial(trialId: number, state: FinalState, value: number | null): Promise<boolean> {
    const r = await this.db.query("UPDATE tune_trials SET state = $1, value = $2, completed_ms = $3 WHERE trial_id = $4 AND state = 'running'",
      [state, value, Date.now(), trialId]);
    return r.changes === 1;
  }

  async heartbeat(trialId: number): Promise<void> {
    await this.db.query("UPDATE tune_trials SET heartbeat_ms = $1 WHERE trial_id = $2 AND state = 'running'", [Date.now(), trialId]);
  }

  async failStaleTrials(studyId: number, graceMs: number): Promise<number[]> {
    return this.db.transaction(async (q) => {
      const now = Date.now();
      const { rows } = await q(
        "UPDATE tune_trials SET state = 'failed', stale = 1, completed_ms = $1 WHERE study_id = $2 AND state = 'running' AND heartbeat_ms < $3 RETURNING trial_id, number",
        [now, studyId, now - graceMs]);
      for (const r of rows) {
        for (const [key, value] of [[STALE_ATTR, true], [FAIL_REASON_ATTR, `no heartbeat for ${graceMs} ms: its worker stopped`]] as const) {
          await q('INSERT INTO tune_attrs (trial_id, kind, key, value_json) VALUES ($1, $2, $3, $4) ON CONFLICT (trial_id, kind, key) DO UPDATE SET value_json = excluded.value_json',
            [r.trial_id, 'system', key, JSON.stringify(value)]);
        }
      }
      return rows.map((r) => num(r.number)).sort((a, b) => a - b);
    });
  }

  async getTrials(studyId: number): Promise<FrozenTrial[]> {
    const q = this.db.query;
    const sub = 'trial_id IN (SELECT trial_id FROM tune_trials WHERE study_id = $1)';
    const [trials, params, values, attrs] = await Promise.all([
      q('SELECT trial_id, number, state, value, started_ms, completed_ms FROM tune_trials WHERE study_id = $1 ORDER BY number', [studyId]),
      q(`SELECT trial_id, name, internal, distribution FROM tune_params WHERE ${sub} ORDER BY trial_id, position`, [studyId]),
      q(`SELECT trial_id, step, value FROM tune_values WHERE ${sub} ORDER BY trial_id, step`, [studyId]),
      q(`SELECT trial_id, kind, key, value_json FROM tune_attrs WHERE ${sub}`, [studyId]),
    ]);
    const byId = new Map<number, { params: Record<string, ParamValue>; dists: Record<string, Distribution>; values: Map<number, number>; user: Record<string, unknown>; system: Record<string, unknown> }>();
    const entry = (id: unknown) => {
      const k = num(id);
      let e = byId.get(k);
      if (e === undefined) byId.set(k, e = { params: {}, dists: {}, values: new Map(), user: {}, system: {} });
      return e;
    };
    for (const r of params.rows) {
      const d = parseDistribution(JSON.parse(String(r.distribution)), `${this.description}, parameter '${String(r.name)}'`);
      const e = entry(r.trial_id);
      e.dists[String(r.name)] = d;
      e.params[String(r.name)] = toExternal(d, real(r.internal));
    }
    for (const r of values.rows) entry(r.trial_id).values.set(num(r.step), real(r.value));
    for (const r of attrs.rows) entry(r.trial_id)[r.kind === 'user' ? 'user' : 'system'][String(r.key)] = JSON.parse(String(r.value_json));
    return trials.rows.map((r) => {
      const e = entry(r.trial_id);
      return {
        number: num(r.number), trialId: num(r.trial_id), state: toState(r.state), value: r.value === null ? null : num(r.value),
        params: e.params, distributions: e.dists, intermediateValues: e.values, userAttrs: e.user, systemAttrs: e.system,
        datetimeStart: r.started_ms === null ? null : new Date(num(r.started_ms)),
        datetimeComplete: r.completed_ms === null ? null : new Date(num(r.completed_ms)),
      };
    });
  }

  close(): Promise<void> { return this.db.close(); }
}
