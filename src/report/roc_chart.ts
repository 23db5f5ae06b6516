/**
 * ROC curves (one or several, e.g. one-vs-rest per class) with the chance
 * diagonal.
 */
import { seriesColor } from './colors.js';
import { coord, escapeXml } from './escape.js';
import { axes, emptyChart, legend, plotArea, svgRoot, type ChartOptions } from './frame.js';
import { linear } from './ticks.js';

/** One curve: rates as returned by `metrics.rocCurve`, and its AUC for the legend. */
export interface RocSeries {
  name: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc?: number;
}

/**
 * Renders ROC curves on the unit square with the diagonal of a random classifier.
 *
 * @example
 * rocChart([{ name: 'model', fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], auc: 0.875 }], { title: 'ROC' });
 */
export function rocChart(curves: readonly RocSeries[], opts: ChartOptions = {}): string {
  const o = { width: 480, height: 440, xLabel: 'False positive rate', yLabel: 'True positive rate', ...opts };
  if (curves.length === 0) return emptyChart('roc', o);
  const p = plotArea(o);
  const ticks = [0, 0.2, 0.4, 0.6, 0.8, 1];
  const sx = linear(0, 1, p.left, p.right);
  const sy = linear(0, 1, p.bottom, p.top);
  const parts = [axes(p, { ticks, scale: sx, title: o.xLabel, grid: true }, { ticks, scale: sy, title: o.yLabel })];
  parts.push(`<line class="dl-diagonal" x1="${coord(sx(0))}" y1="${coord(sy(0))}" x2="${coord(sx(1))}" y2="${coord(sy(1))}" stroke="#999" stroke-dasharray="4 4"/>`);
  let drawn = 0;
  curves.forEach((c, k) => {
    let d = '';
    let pen = false;
    const n = Math.min(c.fpr.length, c.tpr.length);
    for (let i = 0; i < n; i++) {
      const x = c.fpr[i];
      const y = c.tpr[i];
      if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${coord(sx(x))} ${coord(sy(y))}`;
      pen = true;
    }
    if (!d) return;
    drawn++;
    parts.push(`<path class="dl-roc" d="${d}" fill="none" stroke="${seriesColor(k)}" stroke-width="2"><title>${escapeXml(label(c))}</title></path>`);
  });
  if (drawn === 0) return emptyChart('roc', o, 'No finite ROC points (a class is missing from y_true)');
  parts.push(legend(curves.map((c, k) => ({ label: label(c), color: seriesColor(k) })), p.right - 6, p.bottom - 12 - curves.length * 18));
  return svgRoot('roc', o, `ROC curves: ${curves.map(label).join('; ')}.`, parts.join(''));
}

function label(c: RocSeries): string {
  return c.auc === undefined || !Number.isFinite(c.auc) ? c.name : `${c.name} (AUC ${c.auc.toFixed(3)})`;
}
