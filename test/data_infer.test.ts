import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, parseJsonl, Table, DataError } from '../src/data/index.js';

function kinds(csv: string): Record<string, string> {
  const { table } = parseCsv(csv);
  return Object.fromEntries(table.columns.map((c) => [c.name, c.kind]));
}
function column(lines: string[], name = 'v') {
  return parseCsv([name, ...lines].join('\n') + '\n', { header: true }).table.column(name);
}
const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

test('numeric, integer, boolean, categorical, datetime kinds', () => {
  const k = kinds('f,i,b,c,d\n1.5,1,yes,red,2024-01-05\n2.25,2,no,blue,2024-02-06\n3,3,yes,red,2024-03-07\n,4,no,green,\n');
  assert.deepEqual(k, { f: 'numeric', i: 'integer', b: 'boolean', c: 'categorical', d: 'datetime' });
});

test('evidence counts cells of each type and missing cells', () => {
  // a bare empty line is a blank line (skipped, counted); "" is an empty cell
  const c = column(['1', '2.5', 'NA', 'abc', '7', '""']);
  assert.equal(c.evidence.rows, 6);
  assert.equal(c.evidence.missing, 2);
  assert.equal(c.evidence.number, 3);
  assert.equal(c.evidence.integer, 2);
  assert.equal(c.evidence.text, 1);
  assert.equal(c.evidence.mixed, true);
  assert.deepEqual(c.evidence.examples.text, ['abc']);
});

test('identifier-like: distinct strings per row, consecutive integers, id-named integers', () => {
  assert.equal(column(range(30, (i) => `u${1000 + i}`)).kind, 'identifier');
  assert.equal(column(range(30, (i) => String(i + 1))).kind, 'identifier');
  assert.equal(column(range(30, (i) => String(i * 7 + 3)), 'customer_id').kind, 'identifier');
  assert.equal(column(range(30, (i) => String(i * 7 + 3)), 'amount').kind, 'integer');
  assert.equal(column(range(10, (i) => `u${i}`)).kind, 'categorical'); // too few rows to say
  assert.equal(column(range(30, (i) => String(i + 0.5))).kind, 'numeric');
});

test('text: long free-form strings', () => {
  assert.equal(column(range(30, (i) => `this is a fairly long sentence number ${i} about things`)).kind, 'text');
});

test('datetime formats: ISO date-time with zone, slashes, month names', () => {
  const { table } = parseCsv('a,b,c,d\n2024-03-05T14:30:00Z,05/03/2024,5 Mar 2024,2024/03/05 10:00\n2024-03-05 16:30:00+02:00,25/12/2023,Dec 25 2023,2023/12/25 00:00\n');
  for (const n of ['a', 'b', 'c', 'd']) assert.equal(table.column(n).kind, 'datetime', n);
  assert.equal((table.get(0, 'a') as Date).toISOString(), '2024-03-05T14:30:00.000Z');
  assert.equal((table.get(1, 'a') as Date).toISOString(), '2024-03-05T14:30:00.000Z');
  // 25/12 forces day-first for the whole column
  assert.equal((table.get(0, 'b') as Date).toISOString(), '2024-03-05T00:00:00.000Z');
  assert.equal((table.get(1, 'c') as Date).toISOString(), '2023-12-25T00:00:00.000Z');
  assert.equal(column(['2024-02-30', '2024-01-01']).kind, 'categorical'); // invalid day is not a date
});

test('empty column and constant columns', () => {
  assert.equal(column(['', 'NA', '']).kind, 'empty');
});

test('a column of quoted numbers is numeric', () => {
  assert.equal(kinds('x,y\n"1","a"\n"2","b"\n').x, 'integer');
});

test('Table: select, drop, take, head, errors', () => {
  const { table } = parseCsv('a,b,c\n1,x,2024-01-01\n2,y,2024-01-02\n3,,2024-01-03\n');
  assert.deepEqual(table.select(['c', 'a']).columnNames, ['c', 'a']);
  assert.deepEqual(table.drop(['b']).columnNames, ['a', 'c']);
  const t = table.take([2, 0, 0]);
  assert.equal(t.rowCount, 3);
  assert.deepEqual([t.get(0, 'a'), t.get(1, 'a'), t.get(2, 'a')], [3, 1, 1]);
  assert.equal(t.get(0, 'b'), null);
  assert.equal(t.column('b').kind, table.column('b').kind);
  assert.equal(table.head(2).rowCount, 2);
  assert.throws(() => table.column('zz'), /no column "zz"; columns are: a, b, c/);
  assert.throws(() => table.take([3]), /row index 3 at position 0 is outside 0\.\.2/);
  assert.throws(() => new Table([...table.columns, table.columns[0]]), /duplicate column name "a"/);
  assert.ok(table.memoryBytes() > 0);
});

test('JSON Lines: union of keys, nulls, nested values, booleans', () => {
  const { table, report } = parseJsonl('{"a":1,"b":"x"}\n\n{"a":2.5,"c":true}\r\n{"a":null,"b":"y","d":{"k":[1]}}\n');
  assert.deepEqual(table.columnNames, ['a', 'b', 'c', 'd']);
  assert.equal(report.rows, 3);
  assert.equal(report.blankLines, 1);
  assert.equal(report.nestedValues, 1);
  assert.deepEqual(report.missing, { a: 1, b: 1, c: 2, d: 2 });
  assert.equal(table.column('a').kind, 'numeric');
  assert.equal(table.column('c').kind, 'boolean');
  assert.equal(table.get(2, 'd'), '{"k":[1]}');
});

test('JSON Lines errors name file, line and column', () => {
  assert.throws(() => parseJsonl('{"a":1}\n{"a":2,}\n', { file: 'x.jsonl' }), (e: unknown) => e instanceof DataError && e.line === 2 && /^x\.jsonl:2:\d+: invalid JSON/.test(e.message));
  assert.throws(() => parseJsonl('{"a":1}\n[1]\n', { file: 'x.jsonl' }), { message: 'x.jsonl:2:1: expected a JSON object, found an array' });
  assert.throws(() => parseJsonl('', { file: 'e.jsonl' }), { message: 'e.jsonl: empty input (0 bytes)' });
});
