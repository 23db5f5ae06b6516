/**
 * The report of a study: one self-contained HTML page (src/report's builder and SVG charts) with
 * a summary, the optimisation history (each complete trial's value and the best so far), a
 * parallel-coordinates plot of the parameters coloured by value, the parameter importances
 * (mean decrease in impurity, see importance.ts) and the table of every trial.
 */
import { defineOptions, isPlainObject, option, type OptionsInput } from '../base/options.js';
import * as r from '../report/index.js';
import type { Distribution, ParamValue } from './distributions.js';
import { FAIL_REASON_ATTR, isBetter, type FrozenTrial, type StudyDirection } from './frozen_trial.js';
import { parameterImportances } from './importance.js';

const STUDY_REPORT_SPEC = defineOptions('studyReport', {
  studyName: option.required(option.string()),
  direction: option.required(option.choice(['minimize', 'maximize'])),
  trials: option.required(option.custom<readonly FrozenTrial[]>('a list of trials (study.trials)', (v): v is readonly FrozenTrial[] => Array.isArray(v))),
  /** What the value is (default 'value'). */
  metric: option.string('value'),
  /** Where the study is stored, shown in the summary. */
  storage: option.string(),
  /** Extra summary rows (the data file, the best config's path). */
  extra: option.custom<Record<string, string | number>>('an object of strings and numbers',
    (v): v is Record<string, string | number> => isPlainObject(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number')),
});

/** Input of {@link studyReport}. */
export type StudyReportSpec = OptionsInput<typeof STUDY_REPORT_SPEC>;

function bestTrialOf(trials: readonly FrozenTrial[], direction: StudyDirection): FrozenTrial | null {
  let best: FrozenTrial | null = null;
  for (const t of trials) if (t.state === 'complete' && t.value !== null && (best === null || isBetter(direction, t.value, best.value as number))) best = t;
  return best;
}

/** Parameter names in first-seen order, with the distribution each was first seen with. */
function paramsOf(trials: readonly FrozenTrial[]): [string, Distribution][] {
  const seen = new Map<string, Distribution>();
  for (const t of trials) for (const [n, d] of Object.entries(t.distributions)) if (!seen.has(n)) seen.set(n, d);
  return [...seen];
}

function historySection(trials: readonly FrozenTrial[], direction: StudyDirection, metric: string): string {
  const x = trials.map((t) => t.number);
  const values = trials.map((t) => (t.state === 'complete' && t.value !== null ? t.value : Number.NaN));
  let best = Number.NaN;
  const bestSoFar = values.map((v) => {
    if (Number.isFinite(v) && (Number.isNaN(best) || isBetter(direction, v, best))) best = v;
    return best;
  });
  const chart = r.lineChart([{ name: `${metric} of the trial`, x, y: values }, { name: 'best so far', x, y: bestSoFar, dashed: true }],
    { title: 'Optimisation history', xLabel: 'trial', yLabel: metric, markers: true });
  return r.figure(chart, `Each complete trial's ${metric} (pruned and failed trials have none) and the best so far (${direction}).`);
}

function parallelSection(trials: readonly FrozenTrial[], params: [string, Distribution][], direction: StudyDirection, metric: string, best: FrozenTrial | null): string {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null);
  const axes: r.ParallelAxis[] = params.map(([name, d]) => ({
    name, kind: d.kind === 'categorical' ? 'categorical' : d.log ? 'log' : 'linear',
    values: complete.map((t) => (name in t.params ? (t.params[name] as ParamValue) : null)),
  }));
  axes.push({ name: metric, kind: 'linear', values: complete.map((t) => t.value) });
  const highlight = best === null ? null : complete.indexOf(best);
  const chart = r.parallelCoordinates(axes, { title: 'Parameters of the complete trials', darkerForLower: direction === 'minimize', highlight });
  return r.figure(chart, `One line per complete trial, darker for a better ${metric}; the best trial in orange.`);
}

function importanceSection(trials: readonly FrozenTrial[]): string {
  const imp = parameterImportances(trials);
  const names = Object.keys(imp);
  if (names.length === 0) return '<p>Too few complete trials sharing parameters to rank them.</p>';
  const chart = r.barChart(names, names.map((n) => imp[n]), { title: 'Parameter importances', xLabel: 'share of the explained variation', orientation: 'horizontal' });
  return r.figure(chart, 'Mean decrease in impurity of a 64-tree random forest fitted to the complete trials (Optuna\'s MeanDecreaseImpurityImportanceEvaluator); parameters every complete trial has.');
}

function trialsTable(trials: readonly FrozenTrial[], params: [string, Distribution][], metric: string, best: FrozenTrial | null): string {
  const seconds = (t: FrozenTrial): number | null => (t.datetimeStart && t.datetimeComplete ? (t.datetimeComplete.getTime() - t.datetimeStart.getTime()) / 1000 : null);
  const columns: (string | r.TableColumn)[] = ['trial', 'state', { label: metric, align: 'right' }, ...params.map(([n]) => ({ label: n, align: 'right' as const })), { label: 'seconds', align: 'right' }, 'note'];
  const rows = trials.map((t) => [
    t === best ? `${t.number} (best)` : t.number, t.state, t.value, ...params.map(([n]) => (n in t.params ? (t.params[n] as r.Cell) : null)), seconds(t),
    t.state === 'failed' ? String(t.systemAttrs[FAIL_REASON_ATTR] ?? '') : '',
  ]);
  return r.htmlTable(columns, rows, { caption: `${trials.length} trials`, digits: 4 });
}

/**
 * The study's report page (HTML).
 *
 * @example
 * writeFileAtomicSync('runs/mlp/report.html', dl.tune.studyReport({ studyName: study.studyName, direction: study.direction, trials: study.trials }));
 */
export function studyReport(input: StudyReportSpec): string {
  const spec = STUDY_REPORT_SPEC.parse(input);
  const metric = spec.metric;
  const trials = [...spec.trials].sort((a, b) => a.number - b.number);
  const best = bestTrialOf(trials, spec.direction);
  const params = paramsOf(trials);
  const count = (s: FrozenTrial['state']): number => trials.filter((t) => t.state === s).length;
  const summary = r.keyValueTable({
    study: spec.studyName, ...(spec.storage === undefined ? {} : { storage: spec.storage }), direction: `${spec.direction} ${metric}`,
    trials: trials.length, complete: count('complete'), pruned: count('pruned'), failed: count('failed'), running: count('running'),
    'best trial': best?.number ?? null, [`best ${metric}`]: best?.value ?? null, ...(spec.extra ?? {}),
  }, 'Study');
  const bestParams = best === null ? '' : r.keyValueTable(best.params as Record<string, r.Cell>, 'Parameters of the best trial');
  return r.buildReport({
    title: `dlflow study ${spec.studyName}`,
    subtitle: `${trials.length} trials · ${spec.direction} ${metric}`,
    sections: [
      { id: 'summary', title: 'Summary', html: summary + bestParams },
      { id: 'history', title: 'Optimisation history', html: historySection(trials, spec.direction, metric) },
      { id: 'parameters', title: 'Parameters', html: parallelSection(trials, params, spec.direction, metric, best) },
      { id: 'importances', title: 'Parameter importances', html: importanceSection(trials) },
      { id: 'trials', title: 'Trials', html: trialsTable(trials, params, metric, best) },
    ],
  });
}
