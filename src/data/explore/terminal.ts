/**
 * The terminal summary of an exploration: aligned plain-text tables; ANSI
 * colours only when asked (the CLI asks when stdout is a TTY and NO_COLOR is
 * unset).
 */
import type { ExploreResult } from './explore.js';
import type { MediaRecommendation } from './media_recommend.js';

interface Paint { bold(s: string): string; dim(s: string): string; warn(s: string): string; head(s: string): string }

function paint(color: boolean): Paint {
  const wrap = (code: string) => (s: string): string => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { bold: wrap('1'), dim: wrap('2'), warn: wrap('33'), head: wrap('1;36') };
}

/** Format a number compactly (integers as is, others to 4 significant digits). */
function num(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3 ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

/** Columns of text, left aligned except numbers. */
function table(header: string[], rows: string[][], p: Paint): string[] {
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const right = header.map((_, j) => rows.length > 0 && rows.every((r) => /^[-–\d.e+%]*$/.test(r[j] ?? '')));
  const line = (r: string[]): string => r.map((c, j) => (right[j] ? c.padStart(w[j]) : c.padEnd(w[j]))).join('  ').trimEnd();
  return [p.bold(line(header)), ...rows.map(line)];
}

function mediaRec(m: MediaRecommendation): string[] {
  return [`  task ${m.task}, loss ${m.loss ?? '(choose a target)'}, ${m.architecture}${m.alternatives.length ? ` (or ${m.alternatives.join(', ')})` : ''}`,
    `  input [${m.inputShape.join(', ')}] (${m.inputUnits} units) → ${m.outputUnits} outputs`, `  ${m.reason}`,
    `  adam lr ${m.hyperparameters.learningRate}, batch ${m.hyperparameters.batchSize}, ${m.hyperparameters.epochs} epochs${m.hyperparameters.lookback ? `, lookback ${m.hyperparameters.lookback}, horizon ${m.hyperparameters.horizon}` : ''}`];
}

/** The summary as lines of text. */
export function renderSummary(r: ExploreResult, opts: { color?: boolean; maxColumns?: number } = {}): string {
  const p = paint(opts.color ?? false);
  const out: string[] = [p.head(`${r.name} — ${r.modality}`) + p.dim(`  (${r.path}, ${r.seconds.toFixed(2)} s)`)];
  if (r.table !== undefined) {
    const pr = r.table.profile;
    const read = r.table.read as unknown as Record<string, number>;
    const missing = pr.columns.reduce((s, c) => s + c.missing, 0);
    out.push(`${pr.rows} rows × ${pr.columns.length} columns, ${missing} missing cells, ${pr.duplicateRows} duplicate rows, ${(pr.memoryBytes / 1e6).toFixed(1)} MB in memory`);
    if ((read.raggedRows ?? 0) > 0 || (read.skippedLines ?? 0) > 0) out.push(p.warn(`${read.raggedRows ?? read.skippedLines} rows skipped while reading`));
    if (r.table.series) { const s = r.table.series; out.push(`time series: ${s.timeColumn} from ${s.start} to ${s.end}, every ${s.stepText} (${(100 * s.stepShare).toFixed(0)}% regular, ${s.gaps} gaps)`); }
    out.push('');
    const max = opts.maxColumns ?? 40;
    out.push(...table(['column', 'kind', 'missing', 'unique', 'mean', 'std', 'min', 'max / top'], pr.columns.slice(0, max).map((c) => [
      c.name, c.kind, String(c.missing), String(c.unique), num(c.numeric?.mean), num(c.numeric?.std), c.numeric ? num(c.numeric.min) : c.datetime?.min ?? '',
      c.numeric ? num(c.numeric.max) : c.datetime?.max ?? c.top.slice(0, 2).map((t) => `${t.value} (${t.count})`).join(', '),
    ]), p));
    if (pr.columns.length > max) out.push(p.dim(`… ${pr.columns.length - max} more columns in profile.json`));
    if (pr.target) {
      const t = pr.target;
      out.push('', p.bold(`target ${t.column}: ${t.task}`) + ` (${t.reason})${t.missing ? `, ${t.missing} rows missing` : ''}`);
      if (t.classes) out.push('  ' + t.classes.slice(0, 10).map((c) => `${c.label} ${c.count} (${(100 * c.share).toFixed(1)}%)`).join(', '));
      if (t.associations.length) out.push('  strongest: ' + t.associations.slice(0, 5).map((a) => `${a.feature} ${a.strength.toFixed(2)}`).join(', '));
    }
    if (pr.warnings.length) out.push('', p.warn(`warnings (${pr.warnings.length}):`), ...pr.warnings.map((w) => p.warn(`  ! ${w.message}`)));
    if (pr.recommendation) {
      const rec = pr.recommendation, h = rec.hyperparameters;
      out.push('', p.bold('recommendation:'), `  ${rec.task}, loss ${rec.loss}, ${rec.architecture} [${h.hiddenLayers.join(', ')}], ${rec.inputUnits} input units → ${rec.outputUnits} outputs`,
        `  adam lr ${h.learningRate}, batch ${h.batchSize}, ${h.epochs} epochs, dropout ${h.dropout}${h.classWeights === 'balanced' ? ', balanced class weights' : ''}`);
    }
    if (r.table.seriesRecommendation) out.push('', p.bold('as a series:'), ...mediaRec(r.table.seriesRecommendation));
    if (!pr.target && !r.table.seriesRecommendation) out.push('', p.dim('give --target <column> for the task, associations and a model recommendation'));
  } else if (r.media) {
    const m = r.media;
    out.push(...Object.entries(m.facts).map(([k, v]) => `${k}: ${typeof v === 'number' ? num(v) : v}`));
    if (m.classes.length) out.push('', p.bold('classes: ') + m.classes.slice(0, 20).map((c) => `${c.label} ${c.count}`).join(', ') + (m.classes.length > 20 ? ', …' : ''));
    if (m.values) out.push(`values: min ${num(m.values.stats.min)}, max ${num(m.values.stats.max)}, mean ${num(m.values.stats.mean)}, std ${num(m.values.stats.std)}`);
    if (m.warnings.length) out.push('', p.warn(`warnings (${m.warnings.length}):`), ...m.warnings.map((w) => p.warn(`  ! ${w}`)));
    for (const u of m.unreadable.slice(0, 10)) out.push(p.warn(`  unreadable: ${u.reason}`));
    out.push('', p.bold('recommendation:'), ...mediaRec(m.recommendation));
  }
  if (r.outDir) out.push('', p.dim(`wrote ${r.files.join(', ')}`));
  return out.join('\n') + '\n';
}
