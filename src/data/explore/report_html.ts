/**
 * The exploration report: one self-contained HTML page (inline SVG charts,
 * no external loads) built with dlflow's report module — overview, warnings,
 * columns, missing-value map, histograms, target balance and associations,
 * the recommendation; for images/audio/IDX/volumes their summary.
 */
import { escapeXml } from '../../report/escape.js';
import { barChart } from '../../report/bar_chart.js';
import { heatmap } from '../../report/heatmap.js';
import { histogram } from '../../report/histogram.js';
import { buildReport, type ReportSection } from '../../report/html.js';
import { lineChart } from '../../report/line_chart.js';
import { figure, htmlTable, keyValueTable } from '../../report/table.js';
import type { ExploreResult } from './explore.js';
import type { MediaRecommendation } from './media_recommend.js';
import type { MediaSummary } from './media_summary.js';
import type { Profile } from './profile.js';

const list = (items: string[]): string => (items.length === 0 ? '<p>None.</p>' : `<ul>${items.map((w) => `<li>${escapeXml(w)}</li>`).join('')}</ul>`);

function tableSections(r: ExploreResult): ReportSection[] {
  const t = r.table!;
  const p: Profile = t.profile;
  const read = t.read as unknown as Record<string, unknown>;
  const missingCells = p.columns.reduce((s, c) => s + c.missing, 0);
  const overview = keyValueTable({
    modality: r.modality, source: r.path, rows: p.rows, columns: p.columns.length, 'missing cells': missingCells, 'duplicate rows': p.duplicateRows,
    'memory (MB)': +(p.memoryBytes / 1e6).toFixed(2), 'rows skipped while reading': Number(read.raggedRows ?? read.skippedLines ?? 0),
    'comment / blank lines': `${Number(read.commentLines ?? 0)} / ${Number(read.blankLines ?? 0)}`, 'read + profile (s)': +r.seconds.toFixed(3),
  }, 'Overview');
  const cols = htmlTable(['column', 'kind', 'count', 'missing', 'unique', 'mean', 'std', 'min', 'max', 'top'], p.columns.map((c) => [
    c.name, c.kind, c.count, c.missing, c.unique, c.numeric?.mean ?? null, c.numeric?.std ?? null,
    c.numeric?.min ?? c.datetime?.min ?? null, c.numeric?.max ?? c.datetime?.max ?? null, c.top.slice(0, 3).map((v) => `${v.value} (${v.count})`).join(', '),
  ]), { caption: 'Columns' });
  const sections: ReportSection[] = [
    { id: 'overview', title: 'Overview', html: overview },
    { id: 'warnings', title: 'Warnings', html: list(p.warnings.map((w) => w.message)) },
    { id: 'columns', title: 'Columns', html: cols },
  ];
  const mm = t.missingMap;
  const missingHtml = figure(barChart(p.columns.map((c) => c.name), p.columns.map((c) => c.missingFraction), { title: 'Missing share per column', yLabel: 'share missing' }))
    + figure(heatmap(mm.fractions, { title: 'Missing-value map (share missing per row block)', rowLabels: mm.columns, colLabels: mm.blocks.map(([s]) => String(s + 1)), xLabel: 'rows from', min: 0, max: 1, cellLabels: false }), 'Darker cells: more missing values in that block of rows.');
  sections.push({ id: 'missing', title: 'Missing values', html: missingHtml });
  const hists = p.columns.filter((c) => c.histogram && c.histogram.counts.length > 0)
    .map((c) => figure(histogram({ edges: c.histogram!.edges, counts: c.histogram!.counts }, { title: c.name, width: 420, height: 260 })));
  if (hists.length > 0) sections.push({ id: 'histograms', title: 'Histograms', html: `<div class="dl-grid">${hists.join('')}</div>` });
  if (t.seriesPreview !== undefined) {
    const s = t.series!;
    sections.push({ id: 'series', title: 'Time series', html: keyValueTable({ 'time column': s.timeColumn, start: s.start, end: s.end, step: s.stepText, 'regular steps': +(100 * s.stepShare).toFixed(1) + '%', gaps: s.gaps }, 'Series')
      + figure(lineChart([{ name: t.seriesPreview.column, x: t.seriesPreview.x.map((v) => v / 86400000 / 365.25 + 1970), y: t.seriesPreview.y }], { title: `${t.seriesPreview.column} over time`, xLabel: 'year', markers: false })) });
  }
  if (p.target !== undefined) {
    const tg = p.target;
    let html = keyValueTable({ column: tg.column, task: tg.task, reason: tg.reason, 'missing target rows': tg.missing }, 'Target');
    if (tg.classes) html += figure(barChart(tg.classes.map((c) => c.label), tg.classes.map((c) => c.count), { title: 'Class balance', yLabel: 'rows' }));
    if (tg.associations.length > 0) html += figure(barChart(tg.associations.map((a) => a.feature), tg.associations.map((a) => a.strength), { title: 'Association with the target', yLabel: '|r| or MI share', orientation: 'horizontal' }), '|Pearson r| for numeric pairs; otherwise mutual information over the target entropy.');
    sections.push({ id: 'target', title: 'Target', html });
  }
  if (p.recommendation !== undefined) {
    const rec = p.recommendation;
    sections.push({ id: 'recommendation', title: 'Recommendation', html: keyValueTable({ task: rec.task, loss: rec.loss, architecture: rec.architecture, 'input units': rec.inputUnits, 'output units': rec.outputUnits, ...rec.hyperparameters }, 'Model')
      + htmlTable(['column', 'encoding', 'units', 'reason'], rec.features.map((f) => [f.column, f.encoding, f.units, f.reason]), { caption: 'Features' })
      + (t.seriesRecommendation ? mediaRecommendation(t.seriesRecommendation) : '') });
  } else if (t.seriesRecommendation) sections.push({ id: 'recommendation', title: 'Recommendation', html: mediaRecommendation(t.seriesRecommendation) });
  return sections;
}

function mediaRecommendation(m: MediaRecommendation): string {
  return keyValueTable({ task: m.task, loss: m.loss ?? 'choose a target', architecture: m.architecture, alternatives: m.alternatives.join(', ') || '–', 'input shape': `[${m.inputShape.join(', ')}]`, 'input units': m.inputUnits, 'output units': m.outputUnits, why: m.reason, ...m.hyperparameters } as Record<string, string | number | string[]>, 'Model');
}

function mediaSections(r: ExploreResult, m: MediaSummary): ReportSection[] {
  const sections: ReportSection[] = [
    { id: 'overview', title: 'Overview', html: keyValueTable({ modality: m.modality, source: m.path, items: m.items, ...m.facts }, 'Overview') },
    { id: 'warnings', title: 'Warnings', html: list(m.warnings) },
  ];
  if (m.classes.length > 0) sections.push({ id: 'classes', title: 'Class balance', html: figure(barChart(m.classes.map((c) => c.label), m.classes.map((c) => c.count), { title: 'Items per class', yLabel: 'items' })) });
  if (m.values !== undefined) {
    const s = m.values.stats;
    sections.push({ id: 'values', title: m.modality === 'audio' ? 'Durations' : 'Values', html: keyValueTable({ min: s.min, max: s.max, mean: s.mean, std: s.std, median: s.q50 }, m.modality === 'audio' ? 'Duration (s)' : 'Statistics')
      + figure(histogram({ edges: m.values.histogram.edges, counts: m.values.histogram.counts }, { title: m.modality === 'audio' ? 'Durations (s)' : 'Value histogram' })) });
  }
  if (m.unreadable.length > 0) sections.push({ id: 'unreadable', title: 'Unreadable files', html: htmlTable(['file', 'reason'], m.unreadable.map((u) => [u.file, u.reason])) });
  sections.push({ id: 'recommendation', title: 'Recommendation', html: mediaRecommendation(m.recommendation) });
  return sections;
}

/** The report page for an exploration result. */
export function renderReportHtml(r: ExploreResult): string {
  const sections = r.table !== undefined ? tableSections(r) : mediaSections(r, r.media!);
  return buildReport({ title: `Explore: ${r.name}`, subtitle: `${r.modality} · ${r.path}`, sections });
}
