/** InMemoryStorage: studies in this process only (Optuna's default storage). */
import type { Distribution } from '../distributions.js';
import { toExternal } from '../distributions.js';
import { TuneError } from '../errors.js';
import { FAIL_REASON_ATTR, type FrozenTrial, type StudyDirection, type TrialState } from '../frozen_trial.js';
import { STALE_ATTR, type FinalState, type NewTrial, type Storage, type StudyRecord } from './storage.js';

interface MutableTrial {
  number: number; trialId: number; studyId: number; state: TrialState; value: number | null;
  params: Record<string, number | string | boolean | null>; distributions: Record<string, Distribution>;
  intermediateValues: Map<number, number>; userAttrs: Record<string, unknown>; systemAttrs: Record<string, unknown>;
  datetimeStart: Date | null; datetimeComplete: Date | null; heartbeat: number;
}

/** A deep copy through JSON for attribute values, so callers cannot alias stored state. */
function copyJson(v: unknown): unknown {
  return v === undefined ? undefined : JSON.parse(JSON.stringify(v));
}

export class InMemoryStorage implements Storage {
  readonly description = 'memory';
  private readonly studies: StudyRecord[] = [];
  private readonly trials: MutableTrial[] = [];

  async getStudy(name: string): Promise<StudyRecord | null> {
    return this.studies.find((s) => s.name === name) ?? null;
  }

  async createStudy(name: string, direction: StudyDirection): Promise<StudyRecord> {
    if (this.studies.some((s) => s.name === name)) throw new TuneError(`study '${name}' already exists in ${this.description}`);
    const rec = { studyId: this.studies.length + 1, name, direction };
    this.studies.push(rec);
    return rec;
  }

  async listStudies(): Promise<StudyRecord[]> {
    return [...this.studies];
  }

  async createTrial(studyId: number, maxTrials?: number): Promise<NewTrial | null> {
    const own = this.trials.filter((t) => t.studyId === studyId);
    if (maxTrials !== undefined && own.filter((t) => t.systemAttrs[STALE_ATTR] !== true).length >= maxTrials) return null;
    const t: MutableTrial = {
      number: own.length, trialId: this.trials.length + 1, studyId, state: 'running', value: null, params: {}, distributions: {},
      intermediateValues: new Map(), userAttrs: {}, systemAttrs: {}, datetimeStart: new Date(), datetimeComplete: null, heartbeat: Date.now(),
    };
    this.trials.push(t);
    return { trialId: t.trialId, number: t.number };
  }

  private trial(trialId: number): MutableTrial {
    const t = this.trials[trialId - 1];
    if (t === undefined) throw new TuneError(`no trial with id ${trialId}`);
    return t;
  }

  async setParam(trialId: number, name: string, internal: number, dist: Distribution): Promise<void> {
    const t = this.trial(trialId);
    t.params[name] = toExternal(dist, internal);
    t.distributions[name] = dist;
  }

  async setIntermediateValue(trialId: number, step: number, value: number): Promise<void> {
    this.trial(trialId).intermediateValues.set(step, value);
  }

  async setUserAttr(trialId: number, key: string, value: unknown): Promise<void> {
    this.trial(trialId).userAttrs[key] = copyJson(value);
  }

  async setSystemAttr(trialId: number, key: string, value: unknown): Promise<void> {
    this.trial(trialId).systemAttrs[key] = copyJson(value);
  }

  async finishTrial(trialId: number, state: FinalState, value: number | null): Promise<boolean> {
    const t = this.trial(trialId);
    if (t.state !== 'running') return false;
    t.state = state;
    t.value = value;
    t.datetimeComplete = new Date();
    return true;
  }

  async heartbeat(trialId: number): Promise<void> {
    this.trial(trialId).heartbeat = Date.now();
  }

  async failStaleTrials(studyId: number, graceMs: number): Promise<number[]> {
    const now = Date.now();
    const stale = this.trials.filter((t) => t.studyId === studyId && t.state === 'running' && now - t.heartbeat > graceMs);
    for (const t of stale) {
      t.state = 'failed';
      t.datetimeComplete = new Date();
      t.systemAttrs[STALE_ATTR] = true;
      t.systemAttrs[FAIL_REASON_ATTR] = `no heartbeat for ${graceMs} ms: its worker stopped`;
    }
    return stale.map((t) => t.number);
  }

  async getTrials(studyId: number): Promise<FrozenTrial[]> {
    return this.trials.filter((t) => t.studyId === studyId).map((t) => ({
      number: t.number, trialId: t.trialId, state: t.state, value: t.value, params: { ...t.params }, distributions: { ...t.distributions },
      intermediateValues: new Map(t.intermediateValues), userAttrs: copyJson(t.userAttrs) as Record<string, unknown>,
      systemAttrs: copyJson(t.systemAttrs) as Record<string, unknown>, datetimeStart: t.datetimeStart, datetimeComplete: t.datetimeComplete,
    }));
  }

  async close(): Promise<void> {}
}
