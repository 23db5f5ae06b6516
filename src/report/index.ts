/**
 * Report rendering: SVG charts, the architecture diagram, HTML report pages
 * and atomic file writes. Everything is self-contained and offline.
 *
 * @example
 * import { report } from 'dlflow';
 * const svg = report.lineChart([{ name: 'train', y: [0.9, 0.5, 0.3] }], { title: 'Loss' });
 */
export { escapeXml } from './escape.js';
export { niceTicks, formatTick } from './ticks.js';
export { PALETTE, seriesColor, sequentialColor } from './colors.js';
export type { ChartOptions } from './frame.js';
export { lineChart } from './line_chart.js';
export type { LineSeries, LineChartOptions } from './line_chart.js';
export { barChart } from './bar_chart.js';
export type { BarChartOptions } from './bar_chart.js';
export { histogram, binValues } from './histogram.js';
export type { Bins, HistogramOptions } from './histogram.js';
export { heatmap } from './heatmap.js';
export type { HeatmapOptions } from './heatmap.js';
export { rocChart } from './roc_chart.js';
export type { RocSeries } from './roc_chart.js';
export { scatterChart } from './scatter_chart.js';
export type { ScatterOptions } from './scatter_chart.js';
export { architectureSvg, architectureSvgDocument, formatShape, formatCount } from './architecture_svg.js';
export type { LayerInfo, ArchitectureOptions } from './architecture_svg.js';
export { buildReport } from './html.js';
export type { ReportSection, ReportSpec } from './html.js';
export { htmlTable, keyValueTable, figure, formatCell } from './table.js';
export type { TableColumn, Cell, TableOptions } from './table.js';
export { writeFileAtomic, writeFileAtomicSync } from '../io/atomic_write.js';
export { parallelCoordinates } from './parallel_coordinates.js';
export type { ParallelAxis, ParallelCoordinatesOptions } from './parallel_coordinates.js';
