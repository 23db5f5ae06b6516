/**
 * Study: createStudy / loadStudy and optimize, with Optuna's interface in camelCase. A study
 * lives in a storage (memory, SQLite, PostgreSQL); several processes optimizing the same study
 * in a shared storage get unique trial numbers, and with `totalTrials` they stop together when
 * the study holds that many trials.
 */
import { randomUUID } from 'node:crypto';
import { defineOptions, isPlainObject, option, type OptionsInput, type OptionsSchema, type ResolvedOptions } from '../base/options.js';
import type { ParamValue } from './distributions.js';
import { isTrialPruned, TuneError } from './errors.js';
import { FAIL_REASON_ATTR, isBetter, lastStep, type FrozenTrial, type StudyDirection } from './frozen_trial.js';
import { NopPruner, type Pruner } from './pruners/pruner.js';
import type { Sampler, SamplerContext } from './samplers/sampler.js';
import { TPESampler } from './samplers/tpe.js';
import type { FinalState, Storage, StudyRecord } from './storages/storage.js';
import { openStorage } from './storages/open.js';
import { Trial, type TrialHost } from './trial.js';

const hasMethod = (v: unknown, name: string): boolean => isPlainObject(v) && typeof (v as Record<string, unknown>)[name] === 'function';
const positiveSeconds = option.number({ min: 0, minExclusive: true });

const HEARTBEAT_OPTIONS = defineOptions('heartbeat', {
  /** Seconds between the beats a running trial writes to the storage. */
  intervalSeconds: option.required(positiveSeconds),
  /** Seconds without a beat after which a running trial counts as dead (and is marked failed). */
  graceSeconds: option.required(positiveSeconds),
});

/** Heartbeat of running trials in shared storages: how often, and after how long silent a trial counts as dead. */
export type HeartbeatOptions = OptionsInput<typeof HEARTBEAT_OPTIONS>;

const STUDY_FIELDS = {
  /** 'minimize' (default) or 'maximize' the objective's value. */
  direction: option.choice(['minimize', 'maximize'], 'minimize'),
  /** How parameters are drawn (default a TPESampler). */
  sampler: option.custom<Sampler>('a sampler (an object with sampleIndependent)', (v): v is Sampler => hasMethod(v, 'sampleIndependent')),
  /** When a trial stops early (default a NopPruner: never). */
  pruner: option.custom<Pruner>('a pruner (an object with prune)', (v): v is Pruner => hasMethod(v, 'prune')),
  /** Load the study when the name exists (else that is an error). */
  loadIfExists: option.boolean(false),
  // only its shape here: checkedHeartbeat checks its fields, naming them
  /** Default for SQLite and PostgreSQL: every 10 s, dead after 120 s; false turns it off. */
  heartbeat: option.custom<HeartbeatOptions | false>('false or { intervalSeconds, graceSeconds }', (v): v is HeartbeatOptions | false => v === false || isPlainObject(v)),
};
const storageField = option.custom<string | Storage>('a storage URL or a Storage', (v): v is string | Storage => typeof v === 'string' || hasMethod(v, 'getStudy'));
const STUDY_WHERE = {
  /** A Storage, or a URL: 'sqlite:///path.db', 'postgresql://user@host/db'. Default: in memory. */
  storage: storageField,
  /** The study's name in the storage (default a fresh `no-name-<uuid>`). */
  studyName: option.string(),
};
const LOADED_STUDY_WHERE = {
  /** The Storage holding the study, or its URL: 'sqlite:///path.db', 'postgresql://user@host/db'. */
  storage: option.required(storageField),
  /** The study's name in the storage. */
  studyName: option.required(option.string()),
};
// Typed by name, so that the shared fields keep their doc comments in the .d.ts.
const CREATE_STUDY_OPTIONS: OptionsSchema<typeof STUDY_WHERE & typeof STUDY_FIELDS> = defineOptions('createStudy', { ...STUDY_WHERE, ...STUDY_FIELDS });
const LOAD_STUDY_OPTIONS: OptionsSchema<typeof LOADED_STUDY_WHERE & typeof STUDY_FIELDS> = defineOptions('loadStudy', { ...LOADED_STUDY_WHERE, ...STUDY_FIELDS });

export type CreateStudyOptions = OptionsInput<typeof CREATE_STUDY_OPTIONS>;
/** `createStudy`'s options with the study's name and storage required. */
export type LoadStudyOptions = OptionsInput<typeof LOAD_STUDY_OPTIONS>;
type ResolvedStudyOptions = ResolvedOptions<typeof CREATE_STUDY_OPTIONS>;

export type Objective = (trial: Trial) => number | Promise<number>;

const trialCount = option.number({ min: 0, integer: true });

const OPTIMIZE_OPTIONS = defineOptions('optimize', {
  /** Trials this call runs (at most). */
  nTrials: trialCount,
  /** Seconds after which no new trial starts. */
  timeout: positiveSeconds,
  /** Trials run concurrently in this process (async objectives interleave at their awaits; default 1). */
  nJobs: option.number({ default: 1, min: 1, integer: true }),
  /** The most trials the study may hold, counted across every worker and earlier run. */
  totalTrials: trialCount,
  /** Called after each trial ends; default: failed trials are reported on stderr. */
  onTrialFinished: option.custom<(trial: FrozenTrial, study: Study) => void>('a function (trial, study) => void', (v): v is (trial: FrozenTrial, study: Study) => void => typeof v === 'function'),
});

export type OptimizeOptions = OptionsInput<typeof OPTIMIZE_OPTIONS>;

/** A heartbeat option checked field by field (false and undefined pass as they are). */
function checkedHeartbeat(owner: string, heartbeat: HeartbeatOptions | false | undefined): HeartbeatOptions | false | undefined {
  return heartbeat === undefined || heartbeat === false ? heartbeat : HEARTBEAT_OPTIONS.parse(heartbeat, `${owner}: heartbeat`);
}

function reportFailure(t: FrozenTrial): void {
  if (t.state === 'failed') process.stderr.write(`trial ${t.number} failed: ${String(t.systemAttrs[FAIL_REASON_ATTR])}\n`);
}

export class Study {
  readonly studyName: string;
  readonly direction: StudyDirection;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  /** Resolves when the storage is open and the study created or loaded; rejects with the reason. */
  readonly ready: Promise<Study>;
  private storageValue: Storage | null = null;
  private record: StudyRecord | null = null;
  private cached: FrozenTrial[] = [];
  private stopRequested = false;
  private readonly heartbeat: HeartbeatOptions | false | undefined;
  private readonly lastBeat = new Map<number, number>();

  /** @internal Use createStudy or loadStudy. */
  constructor(input: CreateStudyOptions, mode: 'create' | 'load') {
    const owner = mode === 'create' ? 'createStudy' : 'loadStudy';
    const options = CREATE_STUDY_OPTIONS.parse(input, owner);
    this.studyName = options.studyName ?? `no-name-${randomUUID()}`;
    this.direction = options.direction;
    this.sampler = options.sampler ?? new TPESampler();
    this.pruner = options.pruner ?? new NopPruner();
    this.heartbeat = checkedHeartbeat(owner, options.heartbeat);
    this.ready = this.open(options, mode);
    this.ready.catch(() => {}); // awaited by every method; an unread failure is not a crash
  }

  private async open(options: ResolvedStudyOptions, mode: 'create' | 'load'): Promise<Study> {
    const storage = typeof options.storage === 'object' ? options.storage : await openStorage(options.storage);
    this.storageValue = storage;
    const existing = await storage.getStudy(this.studyName);
    if (mode === 'load') {
      if (existing === null) throw new TuneError(`no study named '${this.studyName}' in ${storage.description}`);
      (this as { direction: StudyDirection }).direction = existing.direction;
      this.record = existing;
    } else if (existing !== null) {
      this.record = this.continueExisting(existing, options, storage);
    } else {
      try {
        this.record = await storage.createStudy(this.studyName, this.direction);
      } catch (e) {
        // Another worker created it between the look-up and the insert.
        const again = await storage.getStudy(this.studyName);
        if (again === null) throw e;
        this.record = this.continueExisting(again, options, storage);
      }
    }
    await this.refresh();
    return this;
  }

  private continueExisting(existing: StudyRecord, options: ResolvedStudyOptions, storage: Storage): StudyRecord {
    if (!options.loadIfExists) throw new TuneError(`study '${this.studyName}' already exists in ${storage.description} (pass loadIfExists: true to continue it)`);
    if (existing.direction !== this.direction) {
      throw new TuneError(`study '${this.studyName}' in ${storage.description} exists with direction ${existing.direction}, not ${this.direction}`);
    }
    return existing;
  }

  /** The storage (after `ready`). */
  get storage(): Storage {
    if (this.storageValue === null) throw new TuneError(`study '${this.studyName}' is not open yet: await study.ready`);
    return this.storageValue;
  }

  private get studyId(): number {
    if (this.record === null) throw new TuneError(`study '${this.studyName}' is not open yet: await study.ready`);
    return this.record.studyId;
  }

  private heartbeatSettings(): HeartbeatOptions | false {
    if (this.heartbeat !== undefined) return this.heartbeat;
    return this.storage.description === 'memory' ? false : { intervalSeconds: 10, graceSeconds: 120 };
  }

  /** Reads the trials from the storage again (the sync getters show what was read last). */
  async refresh(): Promise<FrozenTrial[]> {
    this.cached = await this.storage.getTrials(this.studyId);
    return this.cached;
  }

  /** All trials, as read after the last trial this process ran (or `refresh()`). */
  get trials(): readonly FrozenTrial[] { return this.cached; }

  /** The complete trial with the best value (the first of ties). */
  get bestTrial(): FrozenTrial {
    let best: FrozenTrial | null = null;
    for (const t of this.cached) {
      if (t.state === 'complete' && t.value !== null && (best === null || isBetter(this.direction, t.value, best.value as number))) best = t;
    }
    if (best === null) throw new TuneError(`study '${this.studyName}' has no complete trial yet`);
    return best;
  }

  get bestValue(): number { return this.bestTrial.value as number; }
  get bestParams(): Readonly<Record<string, ParamValue>> { return this.bestTrial.params; }

  /** Ends optimize() after the running trials. */
  stop(): void { this.stopRequested = true; }

  /** Runs trials until nTrials, timeout, totalTrials, stop() or the sampler's end. */
  async optimize(objective: Objective, input: OptimizeOptions = {}): Promise<void> {
    await this.ready;
    const options = OPTIMIZE_OPTIONS.parse(input);
    const start = Date.now();
    let started = 0;
    this.stopRequested = false;
    const more = (): boolean => !this.stopRequested && (options.nTrials === undefined || started < options.nTrials)
      && (options.timeout === undefined || Date.now() - start < options.timeout * 1000);
    const loop = async (): Promise<void> => {
      while (more()) {
        started++;
        const t = await this.runTrial(objective, options.totalTrials);
        if (t === null) return;
        (options.onTrialFinished ?? reportFailure)(t, this);
      }
    };
    try {
      await Promise.all(Array.from({ length: options.nJobs }, loop));
    } finally {
      await this.refresh();
    }
  }

  private host(): TrialHost {
    const hb = this.heartbeatSettings();
    return {
      studyName: this.studyName, direction: this.direction, sampler: this.sampler, pruner: this.pruner, storage: this.storage,
      beat: (trialId) => {
        if (hb === false) return;
        const now = Date.now();
        if (now - (this.lastBeat.get(trialId) ?? 0) < hb.intervalSeconds * 1000) return;
        this.lastBeat.set(trialId, now);
        this.storage.heartbeat(trialId).catch(() => {}); // a missed beat only shortens the grace; writes report errors
      },
    };
  }

  /** One trial; null when the study is full or the sampler has nothing left. */
  private async runTrial(objective: Objective, totalTrials: number | undefined): Promise<FrozenTrial | null> {
    const hb = this.heartbeatSettings();
    if (hb !== false) await this.storage.failStaleTrials(this.studyId, hb.graceSeconds * 1000);
    const ctx: SamplerContext = { studyName: this.studyName, direction: this.direction, trials: await this.storage.getTrials(this.studyId) };
    if (this.sampler.isExhausted?.(ctx)) return null;
    const rec = await this.storage.createTrial(this.studyId, totalTrials);
    if (rec === null) return null;
    const host = this.host();
    const trial = new Trial(host, rec, ctx, {});
    const timer = hb === false ? null : setInterval(() => host.beat(rec.trialId), hb.intervalSeconds * 1000);
    timer?.unref();
    let state: FinalState;
    let value: number | null = null;
    try {
      trial.sampleRelative();
      for (const [k, v] of Object.entries(this.sampler.beforeTrial?.(ctx, trial.frozen()) ?? {})) trial.setSystemAttr(k, v);
      const result = await objective(trial);
      if (typeof result !== 'number' || Number.isNaN(result)) throw new TuneError(`the objective returned ${String(result)}, not a number`);
      state = 'complete';
      value = result;
    } catch (e) {
      if (isTrialPruned(e)) {
        state = 'pruned';
        const step = lastStep(trial);
        value = step === null ? null : (trial.intermediateValues.get(step) as number);
        if (value !== null && !Number.isFinite(value)) value = null;
      } else {
        state = 'failed';
        trial.setSystemAttr(FAIL_REASON_ATTR, e instanceof Error ? e.message : String(e));
      }
    } finally {
      if (timer !== null) clearInterval(timer);
      this.lastBeat.delete(rec.trialId);
    }
    try {
      await trial.flush();
    } catch (e) {
      state = 'failed';
      value = null;
      await this.storage.setSystemAttr(rec.trialId, FAIL_REASON_ATTR, (e as Error).message).catch(() => {});
    }
    const recorded = await this.storage.finishTrial(rec.trialId, state, value);
    const all = await this.refresh();
    const frozen = all.find((t) => t.trialId === rec.trialId) as FrozenTrial;
    if (!recorded) {
      throw new TuneError(`trial ${rec.number} of study '${this.studyName}' was marked failed by another worker while it ran (no heartbeat for longer than the grace period); raise heartbeat.graceSeconds`);
    }
    return frozen;
  }

  /** Closes the storage. */
  async close(): Promise<void> {
    await this.ready.catch(() => {});
    await this.storageValue?.close();
  }
}

/** Creates a study (or, with loadIfExists, continues it). Usable at once; `await study.ready` surfaces storage errors early. */
export function createStudy(options: CreateStudyOptions = {}): Study {
  return new Study(options, 'create');
}

/** Loads an existing study by name; its direction comes from the storage. */
export async function loadStudy(options: LoadStudyOptions): Promise<Study> {
  LOAD_STUDY_OPTIONS.parse(options); // the name and storage are required; the Study checks the rest
  return new Study(options, 'load').ready;
}
