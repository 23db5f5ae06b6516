/**
 * `explore` as a library call: detect what a path holds, profile it (tables,
 * time series) or summarise it (images, audio, IDX, volumes), recommend a
 * model, and write `profile.json` and a self-contained `report.html` into an
 * output folder (each file written atomically: a reader sees the old file or
 * the new one, never part of one).
 */
import { mkdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { writeFileAtomicSync } from '../../io/atomic_write.js';
import { readCsv, type CsvOptions, type CsvReport } from '../sources/csv.js';
import { readJsonl, type JsonlReport } from '../sources/jsonl.js';
import { readParquet, type ParquetReport } from '../sources/parquet.js';
import type { Table } from '../table/table.js';
import { detectModality, type Modality } from './detect.js';
import { recommendSeries, type MediaRecommendation } from './media_recommend.js';
import { summarizeAudio, summarizeIdx, summarizeImages, summarizeVolume, type MediaSummary } from './media_summary.js';
import { profileTable, type Profile } from './profile.js';
import { checkTargetTypes } from './target_check.js';
import { renderReportHtml } from './report_html.js';
import { detectSeries, timesOf, type SeriesInfo } from './series.js';
import { missingMap, preview, type MissingMap } from './missing_map.js';

/** Settings for {@link explore}. */
export interface ExploreOptions {
  /** Target column (tables) — enables task detection, associations and a recommendation. */
  target?: string;
  /** Output folder (default `./explore-<name>/`); null writes nothing. */
  out?: string | null;
  /** CSV reading settings. */
  csv?: CsvOptions;
}

/** What exploring found. */
export interface ExploreResult {
  modality: Modality;
  path: string;
  /** Short name (file or folder name without extension). */
  name: string;
  /** Tables and series. */
  table?: {
    profile: Profile;
    read: CsvReport | JsonlReport | ParquetReport;
    series?: SeriesInfo & { stepText: string };
    /** For a series: windows into a GRU/1-D CNN (the profile's recommendation is the row-wise MLP view). */
    seriesRecommendation?: MediaRecommendation;
    /** Target (or first value column) against time, thinned, for a series. */
    seriesPreview?: { column: string; x: number[]; y: number[] };
    missingMap: MissingMap;
  };
  media?: MediaSummary;
  outDir: string | null;
  files: string[];
  seconds: number;
}

async function readTable(path: string, format: 'csv' | 'jsonl' | 'parquet', csv: CsvOptions): Promise<{ table: Table; read: CsvReport | JsonlReport | ParquetReport }> {
  if (format === 'parquet') { const r = await readParquet(path); return { table: r.table, read: r.report }; }
  if (format === 'jsonl') { const r = await readJsonl(path); return { table: r.table, read: r.report }; }
  const r = await readCsv(path, csv);
  return { table: r.table, read: r.report };
}

function lookbackFor(stepMs: number, rows: number): number {
  const day = 86400000;
  const guess = stepMs === 7 * day ? 52 : stepMs === day ? 28 : stepMs === 3600000 ? 48 : stepMs >= 28 * day && stepMs <= 31 * day ? 12 : 32;
  return Math.max(2, Math.min(guess, Math.floor(rows / 10)));
}

/** Explore `path`; see the module notes. @throws DataError for unreadable input, Error for an unknown target. */
export async function explore(path: string, o: ExploreOptions = {}): Promise<ExploreResult> {
  const t0 = performance.now();
  const d = detectModality(path);
  const name = basename(d.isDir ? resolve(path) : path, d.isDir ? '' : extname(path)) || 'data';
  const result: ExploreResult = { modality: d.modality, path, name, outDir: null, files: [], seconds: 0 };
  if (d.modality === 'table') {
    const { table, read } = await readTable(d.path, d.format ?? 'csv', o.csv ?? {});
    const series = detectSeries(table);
    let target = o.target;
    if (series !== null) {
      result.modality = 'timeseries';
      if (target === undefined && series.valueColumns.length === 1) target = series.valueColumns[0];
    }
    if (target !== undefined && !table.has(target)) throw new Error(`--target ${JSON.stringify(target)}: no such column; columns are: ${table.columnNames.join(', ')}`);
    if (target !== undefined) checkTargetTypes(table, target, d.path, d.format === 'csv' ? (read as CsvReport) : null);
    const profile = profileTable(table, target === undefined ? {} : { target });
    if (series !== null) timeAxisIsNotAFeature(profile, series.timeColumn);
    result.table = { profile, read, missingMap: missingMap(table) };
    if (series !== null) {
      result.table.series = series;
      const col = target ?? series.valueColumns[0];
      const tv = timesOf(table, series.timeColumn);
      const yc = col === undefined ? null : table.column(col).storage;
      if (tv !== null && yc !== null && yc.type === 'float64') result.table.seriesPreview = { column: col!, ...preview(tv.t, yc.values) };
      result.table.seriesRecommendation = recommendSeries(Math.max(1, series.valueColumns.length), table.rowCount, lookbackFor(series.stepMs, table.rowCount));
    }
  } else if (d.modality === 'images') result.media = summarizeImages(d);
  else if (d.modality === 'audio') result.media = summarizeAudio(d);
  else if (d.modality === 'idx') result.media = summarizeIdx(d);
  else result.media = summarizeVolume(d);
  result.seconds = (performance.now() - t0) / 1000;
  if (o.out !== null) writeOutputs(result, o.out ?? join('.', `explore-${name}`));
  return result;
}

/**
 * In a series the time column orders the rows; it is not an input. Its high
 * association with a trending target is not leakage, and the row-wise plan drops it.
 */
function timeAxisIsNotAFeature(p: Profile, time: string): void {
  p.warnings = p.warnings.filter((w) => !(w.code === 'leakage' && w.column === time));
  const rec = p.recommendation;
  if (rec === undefined) return;
  rec.features = rec.features.map((f) => (f.column === time ? { ...f, encoding: 'drop', units: 0, missingIndicator: false, reason: 'the time axis (windows are cut along it)' } : f));
  rec.inputUnits = rec.features.reduce((s, f) => s + f.units, 0);
  if (rec.inputUnits === 0) delete p.recommendation; // nothing but the series itself: only the windowed view applies
}

/** The JSON written to profile.json. */
export function profileJson(r: ExploreResult): unknown {
  return {
    dlflow: 'explore', version: 1, modality: r.modality, source: r.path, name: r.name, seconds: r.seconds,
    ...(r.table ? { read: r.table.read, series: r.table.series, seriesRecommendation: r.table.seriesRecommendation, ...r.table.profile, missingMap: r.table.missingMap } : {}),
    ...(r.media ? { summary: r.media, recommendation: r.media.recommendation } : {}),
  };
}

function writeOutputs(r: ExploreResult, out: string): void {
  mkdirSync(out, { recursive: true });
  const json = JSON.stringify(profileJson(r), (_, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1);
  const files = [join(out, 'profile.json'), join(out, 'report.html')];
  writeFileAtomicSync(files[0], json + '\n');
  writeFileAtomicSync(files[1], renderReportHtml(r));
  r.outDir = out;
  r.files = files;
}
