/**
 * The HTML report: one self-contained page (inline CSS, inline SVG, no
 * external loads — a Content-Security-Policy forbids them) with a title, a
 * table of contents and one section per part of the workflow.
 */
import { escapeXml } from './escape.js';

/** One section; `html` is trusted markup (charts, tables from this module). */
export interface ReportSection {
  /** Anchor id: a letter then letters, digits, '-' or '_'; unique in the report. */
  id: string;
  title: string;
  html: string;
}

/** Input of {@link buildReport}. */
export interface ReportSpec {
  title: string;
  /** A line under the title (run name, date, dlflow version). */
  subtitle?: string;
  sections: readonly ReportSection[];
  /** Optional inline script; omitted by default (the report needs none). */
  script?: string;
}

const CSS = `
:root { --fg: #1d1f23; --muted: #5b6270; --line: #dde1e7; --accent: #0072b2; --bg: #fff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin: 0; color: var(--fg); background: var(--bg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { padding: 24px 32px 12px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); }
.layout { display: grid; grid-template-columns: 220px minmax(0, 1fr); gap: 32px; padding: 0 32px 48px; }
nav.toc { position: sticky; top: 0; align-self: start; max-height: 100vh; overflow: auto; padding: 20px 0; }
nav.toc h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 8px; }
nav.toc ol { list-style: none; margin: 0; padding: 0; }
nav.toc a { display: block; padding: 4px 8px; border-radius: 4px; color: var(--fg); text-decoration: none; }
nav.toc a:hover, nav.toc a:focus { background: var(--panel); color: var(--accent); }
main section { padding-top: 20px; border-bottom: 1px solid var(--line); padding-bottom: 20px; }
main section:last-child { border-bottom: 0; }
main h2 { margin: 0 0 12px; font-size: 20px; }
.dl-figure { margin: 12px 0 20px; }
.dl-figure svg, main svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
.dl-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr)); gap: 16px; }
.dl-table-wrap { overflow-x: auto; margin: 12px 0 20px; }
table.dl-table { border-collapse: collapse; font-size: 14px; min-width: 50%; }
.dl-table caption { text-align: left; font-weight: 600; padding-bottom: 6px; }
.dl-table th, .dl-table td { padding: 5px 12px; border-bottom: 1px solid var(--line); text-align: left; }
.dl-table th { background: var(--panel); font-weight: 600; }
.dl-table .num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: var(--panel); padding: 12px; overflow-x: auto; border-radius: 4px; }
@media (max-width: 800px) {
  .layout { grid-template-columns: 1fr; padding: 0 16px 32px; gap: 0; }
  header { padding: 16px; }
  nav.toc { position: static; max-height: none; border-bottom: 1px solid var(--line); }
}
@media print { nav.toc { display: none; } .layout { grid-template-columns: 1fr; } }
`;

const ID = /^[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Builds the report page.
 *
 * @example
 * const html = buildReport({
 *   title: 'Run fashion-mnist-1',
 *   sections: [{ id: 'training', title: 'Training', html: figure(lineChart([{ name: 'train', y: [0.9, 0.5] }])) }],
 * });
 * writeFileAtomicSync('runs/fashion-mnist-1/report.html', html);
 */
export function buildReport(spec: ReportSpec): string {
  const seen = new Set<string>();
  for (const s of spec.sections) {
    if (!ID.test(s.id)) throw new Error(`buildReport: section id '${s.id}' must start with a letter and contain only letters, digits, '-' and '_'`);
    if (seen.has(s.id)) throw new Error(`buildReport: section id '${s.id}' is used twice`);
    seen.add(s.id);
  }
  const scriptSrc = spec.script ? "'unsafe-inline'" : "'none'";
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; script-src ${scriptSrc}; base-uri 'none'; form-action 'none'`;
  const toc = spec.sections.map((s) => `<li><a href="#${s.id}">${escapeXml(s.title)}</a></li>`).join('\n');
  const sections = spec.sections.map((s) => `<section id="${s.id}" aria-labelledby="${s.id}-h"><h2 id="${s.id}-h">${escapeXml(s.title)}</h2>\n${s.html}\n</section>`).join('\n');
  const script = spec.script ? `<script>${spec.script.replace(/<\/(script)/gi, '<\\/$1')}</script>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeXml(spec.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeXml(spec.title)}</h1>${spec.subtitle ? `<p>${escapeXml(spec.subtitle)}</p>` : ''}</header>
<div class="layout">
<nav class="toc" aria-label="Contents"><h2>Contents</h2><ol>
${toc}
</ol></nav>
<main>
${sections}
</main>
</div>
${script}
</body>
</html>
`;
}
