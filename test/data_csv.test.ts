import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsv, readCsv, DataError } from '../src/data/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'dlflow-csv-'));
function file(name: string, content: string | Buffer): string {
  const p = join(tmp, name);
  writeFileSync(p, content);
  return p;
}
function values(csv: string, col: string, opts = {}): unknown[] {
  const { table } = parseCsv(csv, opts);
  return Array.from({ length: table.rowCount }, (_, i) => table.get(i, col));
}

test('RFC 4180 quoting: delimiters, doubled quotes and newlines inside quotes', () => {
  const { table, report } = parseCsv('a,b\n"x, y","he said ""hi"""\n"line1\nline2",plain\n');
  assert.equal(report.rows, 2);
  assert.deepEqual(table.row(0), { a: 'x, y', b: 'he said "hi"' });
  assert.deepEqual(table.row(1), { a: 'line1\nline2', b: 'plain' });
});

test('CRLF, lone CR and a last line without newline', () => {
  assert.deepEqual(values('n,s\r\n1,a\r\n2,b', 'n'), [1, 2]);
  assert.deepEqual(values('n,s\r1,a\r2,b\r', 's'), ['a', 'b']);
});

test('UTF-8 BOM is stripped from the first header name', () => {
  const { table } = parseCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,n\nÄlg,1\n')]));
  assert.deepEqual(table.columnNames, ['name', 'n']);
  assert.equal(table.get(0, 'name'), 'Älg');
});

test('delimiter sniffing: comma, semicolon, tab, pipe', () => {
  for (const d of [',', ';', '\t', '|']) {
    const { table, report } = parseCsv(['x', 'y', 'z'].join(d) + '\n' + ['1', '2', 'a'].join(d) + '\n' + ['3', '4', 'b'].join(d) + '\n');
    assert.equal(report.delimiter, d);
    assert.deepEqual(table.columnNames, ['x', 'y', 'z']);
  }
  // a comma inside quotes must not fool the sniffer into commas
  const r = parseCsv('a;b\n"1,5";2\n"2,5";3\n');
  assert.equal(r.report.delimiter, ';');
});

test('decimal comma option', () => {
  assert.deepEqual(values('a;b\n1,5;x\n2,25;y\n', 'a', { decimal: ',' }), [1.5, 2.25]);
});

test('header detection: present, absent, forced', () => {
  const withHeader = parseCsv('id,score\n1,2.5\n2,3.5\n');
  assert.equal(withHeader.report.header, true);
  const noHeader = parseCsv('1,2.5\n2,3.5\n');
  assert.equal(noHeader.report.header, false);
  assert.deepEqual(noHeader.table.columnNames, ['column_1', 'column_2']);
  assert.equal(noHeader.report.rows, 2);
  const forced = parseCsv('a,b\nc,d\n', { header: false });
  assert.equal(forced.report.rows, 2);
  const named = parseCsv('1,2\n3,4\n', { names: ['p', 'q'] });
  assert.deepEqual(named.table.columnNames, ['p', 'q']);
});

test('empty and repeated header names are renamed and reported', () => {
  // auto-detection does not take a row with empty or repeated cells as a header; say so explicitly
  assert.equal(parseCsv('a,,a\n1,2,3\n').report.header, false);
  const { table, report } = parseCsv('a,,a\n1,2,3\n', { header: true });
  assert.deepEqual(table.columnNames, ['a', 'column_2', 'a.1']);
  assert.equal(report.renamedColumns.length, 2);
});

test('comment lines and blank lines are skipped and counted', () => {
  const { table, report } = parseCsv('# data from somewhere\nn,m\n1,2\n\n# mid comment\n3,4\n');
  assert.equal(report.rows, 2);
  assert.equal(report.commentLines, 2);
  assert.equal(report.blankLines, 1);
  assert.deepEqual(Array.from({ length: 2 }, (_, i) => table.get(i, 'm')), [2, 4]);
  const custom = parseCsv('% header note\nn\n1\n', { comment: '%' });
  assert.equal(custom.report.commentLines, 1);
  const off = parseCsv('v,w\n#1,a\n#2,b\n', { comment: null });
  assert.equal(off.report.rows, 2);
});

test('missing-value tokens: defaults and explicit', () => {
  const { report, table } = parseCsv('x,s\n1,a\nNA,N/A\n,null\nNaN,?\n5,b\n');
  assert.equal(report.missing.x, 3);
  assert.equal(report.missing.s, 3);
  assert.equal(table.get(1, 'x'), null);
  const explicit = parseCsv('x\n1\n-999\nNA\n', { naTokens: ['-999'] });
  assert.equal(explicit.report.missing.x, 1);
  assert.equal(explicit.table.column('x').kind, 'categorical'); // "NA" is now text
});

test('numbers parse exactly as parseFloat, including long mantissas and exponents', () => {
  const texts = ['0.1', '-2.5e-3', '123456789012345678', '1e300', '3.141592653589793238', '-0', '+7', '.5', '5.', '1E5', '2.2250738585072014e-308'];
  const got = values('v\n' + texts.join('\n') + '\n', 'v');
  assert.deepEqual(got, texts.map((t) => parseFloat(t)));
});

test('a number column meeting text later is kept whole as strings and reported', () => {
  const rows = ['n'];
  for (let i = 0; i < 1500; i++) rows.push(String(i));
  rows.push('oops');
  const { table, report } = parseCsv(rows.join('\n') + '\n');
  assert.equal(report.rows, 1501);
  assert.deepEqual(report.storageChanges, [{ column: 'n', line: 1502 }]);
  const col = table.column('n');
  assert.equal(col.evidence.mixed, true);
  assert.equal(col.evidence.number, 1500);
  assert.equal(col.evidence.text, 1);
  assert.equal(table.get(1500, 'n'), 'oops');
  assert.equal(table.get(7, 'n'), '7');
});

test('streaming: small chunks give the same table as one buffer, records spanning chunks', async () => {
  const lines = ['id,name,value,when'];
  for (let i = 0; i < 3000; i++) lines.push(`${i},"name ${i % 7}${i % 50 === 0 ? '\nsecond line' : ''}",${(i * 0.37).toFixed(3)},2024-01-${String(1 + (i % 28)).padStart(2, '0')}`);
  const text = lines.join('\r\n') + '\r\n';
  const p = file('stream.csv', text);
  const whole = parseCsv(text);
  const chunked = await readCsv(p, { chunkSize: 65536 });
  assert.equal(chunked.report.rows, 3000);
  for (const r of [0, 50, 1234, 2999]) assert.deepEqual(chunked.table.row(r), whole.table.row(r));
  assert.equal(chunked.table.get(50, 'name'), 'name 1\nsecond line');
  assert.equal(chunked.table.column('when').kind, 'datetime');
});

test('TSV file by extension and sniffing', async () => {
  const p = file('t.tsv', 'a\tb\n1\tx y\n2\tz\n');
  const { table, report } = await readCsv(p);
  assert.equal(report.delimiter, '\t');
  assert.equal(table.get(0, 'b'), 'x y');
});

test('error: ragged row names file and line', async () => {
  const p = file('data.csv', 'a,b,c,d,e\n' + '1,2,3,4,5\n'.repeat(15) + '1,2,3,4\n');
  await assert.rejects(readCsv(p), (e: unknown) => e instanceof DataError && e.message === `${p}:17: expected 5 fields, found 4` && e.line === 17);
  const { report } = await readCsv(p, { onRaggedRow: 'skip' });
  assert.equal(report.rows, 15);
  assert.equal(report.raggedRows, 1);
  assert.deepEqual(report.raggedExamples, [{ line: 17, fields: 4 }]);
});

test('error: ragged row line counts newlines inside quotes', () => {
  assert.throws(() => parseCsv('a,b\n"x\ny",1\n2\n', { file: 'q.csv' }), { message: 'q.csv:4: expected 2 fields, found 1' });
});

test('error: unterminated quote names the line and column where it opened', async () => {
  const p = file('open.csv', 'a,b\n1,2\n3,"never closed\n4,5\n');
  await assert.rejects(readCsv(p), (e: unknown) => e instanceof DataError && e.message.startsWith(`${p}:3:3: unterminated quoted field`));
  // also when the file is read in small chunks
  const big = 'a,b\n' + '1,2\n'.repeat(40000) + '3,"x\n' + '4,5\n'.repeat(100);
  await assert.rejects(readCsv(file('open2.csv', big), { chunkSize: 65536 }), { message: /open2\.csv:40002:3: unterminated quoted field/ });
});

test('error: stray character after a closing quote', () => {
  assert.throws(() => parseCsv('a,b\n"x"y,1\n', { file: 's.csv' }), { message: /^s\.csv:2:4: unexpected character "y" after a closing quote/ });
});

test('error: column is counted in characters, not bytes', () => {
  assert.throws(() => parseCsv('a,b\nää,"x"z\n', { file: 'u.csv' }), { message: /^u\.csv:2:7: / });
});

test('error: empty file and comment-only file', async () => {
  await assert.rejects(readCsv(file('empty.csv', '')), { message: `${join(tmp, 'empty.csv')}: empty file (0 bytes)` });
  await assert.rejects(readCsv(file('c.csv', '# only\n\n')), { message: /c\.csv: no records/ });
});

test('header-only file gives a table with no rows', () => {
  const { table } = parseCsv('a,b\n');
  assert.equal(table.rowCount, 0);
  assert.deepEqual(table.columnNames, ['a', 'b']);
});

test('bundled penguins.csv reads with the right shape and missing counts', async () => {
  const { table, report } = await readCsv('datasets/penguins.csv');
  assert.equal(report.rows, 344);
  assert.deepEqual(table.columnNames, ['species', 'island', 'bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g', 'sex', 'year']);
  assert.equal(report.missing.sex, 11);
  assert.equal(report.missing.bill_length_mm, 2);
});
