/**
 * Report rendering: every SVG is well-formed XML with the expected elements,
 * escaping holds, the HTML page is self-contained, atomic writes leave no
 * partial files.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import * as r from '../src/report/index.js';
import { sampleReport, SAMPLE_LAYERS } from './report_sample.js';
import { parseXml, type XmlElement } from './xml_check.js';

const { html, charts, architecture } = sampleReport();

function count(els: XmlElement[], pred: (e: XmlElement) => boolean): number {
  return els.filter(pred).length;
}

describe('SVG charts', () => {
  for (const [name, svg] of Object.entries(charts)) {
    test(`${name}: well-formed standalone SVG with title, desc and size`, () => {
      const els = parseXml(svg);
      const root = els[0];
      assert.equal(root.name, 'svg');
      assert.equal(root.attrs.xmlns, 'http://www.w3.org/2000/svg');
      assert.ok(Number(root.attrs.width) > 0 && Number(root.attrs.height) > 0);
      assert.match(root.attrs.viewBox, /^0 0 \d+(\.\d+)? \d+(\.\d+)?$/);
      const title = els.find((e) => e.name === 'title')!;
      assert.ok(title.text.trim().length > 0, 'empty <title>');
      assert.ok(els.some((e) => e.name === 'desc' && e.text.trim()), 'no <desc>');
      const [t, d] = root.attrs['aria-labelledby'].split(' ');
      assert.ok(els.some((e) => e.attrs.id === t) && els.some((e) => e.attrs.id === d));
      assert.doesNotMatch(svg, /NaN|undefined|Infinity|null/);
    });
  }
  test('expected elements per chart kind', () => {
    const series = parseXml(charts.loss).filter((e) => e.attrs.class === 'dl-series');
    assert.equal(series.length, 2);
    assert.ok(charts.loss.includes('stroke-dasharray="6 4"'));
    assert.equal(count(parseXml(charts.loss), (e) => e.attrs.class === 'dl-legend'), 1);
    // The NaN at epoch 6 splits the validation line into two subpaths.
    const valPath = parseXml(charts.loss).filter((e) => e.name === 'path')[1];
    assert.equal(valPath.attrs.d.match(/M/g)!.length, 2);
    assert.equal(count(parseXml(charts.classBalance), (e) => e.name === 'rect' && e.attrs.fill === '#0072B2'), 3);
    assert.equal(count(parseXml(charts.association), (e) => e.name === 'rect' && e.attrs.fill === '#0072B2'), 14);
    assert.ok(charts.association.includes('>n/a<'));
    assert.ok(count(parseXml(charts.histogram), (e) => e.name === 'rect' && e.attrs.fill === '#0072B2') >= 3);
    const heat = parseXml(charts.confusion);
    assert.equal(count(heat, (e) => e.name === 'rect' && e.attrs.stroke === '#fff'), 9);
    assert.equal(count(heat, (e) => e.attrs.class === 'dl-colorbar'), 1);
    assert.ok(charts.confusionNormalized.includes('>–<'), 'NaN cell shows a dash');
    const roc = parseXml(charts.roc);
    assert.equal(count(roc, (e) => e.attrs.class === 'dl-roc'), 3);
    assert.equal(count(roc, (e) => e.attrs.class === 'dl-diagonal'), 1);
    assert.equal(count(parseXml(charts.predVsActual), (e) => e.name === 'circle'), 80);
    assert.equal(count(parseXml(charts.residuals), (e) => e.attrs.class === 'dl-reference'), 1);
    for (const k of ['lineEmpty', 'histogramEmpty']) assert.ok(charts[k].includes('No data'), k);
    assert.ok(charts.lineAllNaN.includes('No finite values'));
  });
  test('labels are escaped', () => {
    assert.ok(charts.confusion.includes('dog &lt;b&gt;&amp;'));
    assert.ok(charts.roc.includes('bird &quot;x&quot;'));
    assert.ok(!charts.confusion.includes('<b>'));
    const weird = r.barChart(['a\u0001b', 'x\uD800y'], [1, 2], { title: 'ctrl <chars>' });
    parseXml(weird);
    assert.ok(weird.includes('>ab<') && weird.includes('>xy<'));
  });
  test('scatter subsamples large inputs', () => {
    const n = 20000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const svg = r.scatterChart(x, x, { maxPoints: 1000 });
    assert.equal(count(parseXml(svg), (e) => e.name === 'circle'), 1000);
  });
  test('nice ticks', () => {
    assert.deepEqual(r.niceTicks(0.03, 0.97, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(r.niceTicks(1, 12, 5), [0, 2, 4, 6, 8, 10, 12]);
    assert.deepEqual(r.niceTicks(-3.2, 7.9, 5), [-4, -2, 0, 2, 4, 6, 8]);
    assert.equal(r.formatTick(0.30000000000000004), '0.3');
    assert.equal(r.formatTick(1500000), '1.5e6');
  });
});

describe('architecture diagram', () => {
  test('boxes, arrows, shapes, parameter counts and total', () => {
    const els = parseXml(architecture);
    assert.equal(els[0].name, 'svg');
    assert.equal(count(els, (e) => e.attrs.class === 'dl-layer'), SAMPLE_LAYERS.length + 1);
    assert.equal(count(els, (e) => e.attrs.class === 'dl-arrow'), SAMPLE_LAYERS.length);
    const marker = els.find((e) => e.name === 'marker')!;
    assert.ok(els.filter((e) => e.attrs.class === 'dl-arrow').every((e) => e.attrs['marker-end'] === `url(#${marker.attrs.id})`));
    assert.ok(architecture.includes('fc1 (Linear)'));
    assert.ok(architecture.includes('output N × 256  ·  200,960 params'));
    assert.ok(architecture.includes('shape N × 784'));
    assert.ok(architecture.includes('ReLU, dropout 0.2'));
    assert.ok(architecture.includes('Total parameters: 235,658'));
    assert.ok(architecture.includes('MLP &lt;auto&gt;'));
  });
  test('standalone document parses, including an empty model', () => {
    const doc = r.architectureSvgDocument(SAMPLE_LAYERS);
    assert.ok(doc.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
    parseXml(doc);
    const empty = r.architectureSvgDocument([]);
    parseXml(empty);
    assert.ok(empty.includes('Total parameters: 0'));
  });
});

describe('HTML report', () => {
  test('table of contents links every section; ids are unique', () => {
    for (const id of ['data', 'architecture', 'hyperparameters', 'training', 'evaluation']) {
      assert.ok(html.includes(`<a href="#${id}">`) && html.includes(`<section id="${id}"`), id);
    }
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((x) => x[1]);
    assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids.filter((x, i) => ids.indexOf(x) !== i)}`);
  });
  test('self-contained: no external loads, no script, a CSP that forbids them', () => {
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<(link|img|iframe)\b/i);
    const urls = [...html.matchAll(/(?:href|src)="([^"]*)"/g)].map((x) => x[1]);
    assert.ok(urls.every((u) => u.startsWith('#')), `non-anchor urls: ${urls.filter((u) => !u.startsWith('#'))}`);
    assert.deepEqual([...new Set(html.match(/https?:\/\/[^\s"')]+/g))], ['http://www.w3.org/2000/svg']);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; script-src 'none'/);
    assert.ok(html.includes('<title>Sample run &lt;&quot;report&quot;&gt; &amp; co</title>'));
  });
  test('tables escape cells; numbers right-aligned', () => {
    const t = r.htmlTable(['name', 'v'], [['<i>x</i>', 0.5], ['y & z', NaN]]);
    assert.ok(t.includes('&lt;i&gt;x&lt;/i&gt;') && t.includes('y &amp; z') && t.includes('>–<'));
    assert.ok(t.includes('<td class="num">0.5000</td>'));
  });
  test('optional inline script, bad section ids rejected', () => {
    const page = r.buildReport({ title: 't', sections: [], script: 'console.log("</script>")' });
    assert.ok(page.includes("script-src 'unsafe-inline'") && page.includes('<\\/script>'));
    assert.throws(() => r.buildReport({ title: 't', sections: [{ id: '1x', title: 'a', html: '' }] }), /section id '1x'/);
    assert.throws(() => r.buildReport({ title: 't', sections: [{ id: 'a', title: 'a', html: '' }, { id: 'a', title: 'b', html: '' }] }), /used twice/);
  });
});

describe('atomic writes', () => {
  test('replace content and leave no temporary files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlflow-atomic-'));
    try {
      const file = join(dir, 'report.html');
      writeFileSync(file, 'old');
      r.writeFileAtomicSync(file, 'new sync');
      assert.equal(readFileSync(file, 'utf8'), 'new sync');
      await r.writeFileAtomic(file, new TextEncoder().encode('new async'));
      assert.equal(readFileSync(file, 'utf8'), 'new async');
      assert.deepEqual(readdirSync(dir), ['report.html']);
      const missing = join(dir, 'no', 'such', 'dir', 'x.svg');
      assert.throws(() => r.writeFileAtomicSync(missing, 'x'), /ENOENT/);
      await assert.rejects(r.writeFileAtomic(missing, 'x'), /ENOENT/);
      assert.ok(!existsSync(join(dir, 'no')));
      assert.deepEqual(readdirSync(dir), ['report.html']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
