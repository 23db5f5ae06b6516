/**
 * Resource limits of the text readers (issue 14): a CSV record wider than `maxColumns` or longer
 * than `maxRecordBytes`, and a JSON Lines line longer than `maxLineBytes`, are a DataError naming
 * the file, the line, the limit and the option that raises it, from the in-memory parsers and
 * from the streaming file readers alike (there before the rest of the record is read). Small
 * limits keep the inputs small; one test feeds readJsonl a 200 MB line without a newline and
 * checks that the process stays far below 1 GiB while it is refused.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataError } from '../src/data/errors.js';
import { parseCsv, readCsv } from '../src/data/sources/csv.js';
import { parseJsonl, readJsonl } from '../src/data/sources/jsonl.js';

const dir = mkdtempSync(join(tmpdir(), 'dlflow-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A file in the scratch directory holding `text`. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Matches the DataError of a limit: file, line, the limit and the option named in the message. */
function limitError(fileName: string, line: number, what: RegExp, optionName: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
    assert.equal(e.file, fileName);
    assert.equal(e.line, line);
    assert.match(e.message, what);
    assert.ok(e.message.includes(`(the ${optionName} limit; raise it with the ${optionName} option)`), e.message);
    return true;
  };
}

const row = (fields: number, value = '1'): string => Array.from({ length: fields }, () => value).join(',');

describe('CSV: maxColumns', () => {
  test('a record with more fields than the limit is refused, naming its line; the limit itself is accepted', async () => {
    const text = `${row(4)}\n${row(4)}\n${row(9)}\n`;
    assert.throws(() => parseCsv(text, { file: 'wide.csv', header: false, maxColumns: 8 }),
      limitError('wide.csv', 3, /^wide\.csv:3: a record with more than 8 fields /, 'maxColumns'));
    const path = file('wide.csv', text);
    await assert.rejects(readCsv(path, { header: false, maxColumns: 8 }), limitError(path, 3, /a record with more than 8 fields/, 'maxColumns'));
    assert.equal(parseCsv(text, { header: false, maxColumns: 9, onRaggedRow: 'skip' }).report.raggedRows, 1);
  });

  test('the default limit is 100,000 fields', () => {
    assert.equal(parseCsv(`${row(100_000)}\n${row(100_000)}\n`, { header: false }).table.columns.length, 100_000);
    assert.throws(() => parseCsv(`${row(3)}\n${row(100_001)}\n`, { file: 'w.csv', header: false }),
      limitError('w.csv', 2, /more than 100000 fields/, 'maxColumns'));
  });
});

describe('CSV: maxRecordBytes', () => {
  test('a field longer than the limit is refused, naming the line the record starts on', () => {
    const long = 'x'.repeat(200);
    assert.throws(() => parseCsv(`a,b\n1,2\n3,${long}\n`, { file: 'long.csv', maxRecordBytes: 100 }),
      limitError('long.csv', 3, /^long\.csv:3: a record longer than 100 bytes /, 'maxRecordBytes'));
    // a quoted field's newlines count, and the record is named by its first line
    assert.throws(() => parseCsv(`a,b\n1,"${'y\n'.repeat(60)}"\n`, { file: 'q.csv', maxRecordBytes: 100 }),
      limitError('q.csv', 2, /a record longer than 100 bytes/, 'maxRecordBytes'));
  });

  test('a record of exactly the limit is accepted (its line end not counted)', () => {
    const record = `1,${'z'.repeat(98)}`; // 100 bytes
    const { table } = parseCsv(`a,b\r\n${record}\r\n${record}`, { maxRecordBytes: 100 });
    assert.equal(table.rowCount, 2);
  });

  test('readCsv refuses a line longer than the limit while streaming, before reading the rest of it', async () => {
    // 64 KiB chunks (the smallest) and a 3 MiB line: the carried tail crosses the 1 MiB limit
    const path = file('stream.csv', `a,b\n1,2\n3,${'w'.repeat(3 << 20)}\n4,5\n`);
    await assert.rejects(readCsv(path, { chunkSize: 1 << 16, maxRecordBytes: 1 << 20 }),
      limitError(path, 3, /a record longer than 1 MiB/, 'maxRecordBytes'));
    // an unterminated quote that swallows the rest of the file is the same case
    const open = file('open.csv', `a,b\n1,"${'v,'.repeat(1 << 20)}\n`);
    await assert.rejects(readCsv(open, { chunkSize: 1 << 16, maxRecordBytes: 1 << 20 }),
      limitError(open, 2, /a record longer than 1 MiB/, 'maxRecordBytes'));
    const fits = await readCsv(path, { chunkSize: 1 << 16, maxRecordBytes: 4 << 20 });
    assert.equal(fits.table.rowCount, 3);
  });
});

test('CSV limits are checked options: a bad value names the reader and the option', async () => {
  assert.throws(() => parseCsv('a\n1\n', { maxColumns: 0 }), { name: 'RangeError', message: "parseCsv: option 'maxColumns' must be an integer ≥ 1, got 0" });
  assert.throws(() => parseCsv('a\n1\n', { maxRecordBytes: 1.5 }), { name: 'RangeError', message: "parseCsv: option 'maxRecordBytes' must be an integer ≥ 1, got 1.5" });
  await assert.rejects(readCsv(file('ok.csv', 'a\n1\n'), { maxColumns: '10' as unknown as number }),
    { name: 'TypeError', message: "readCsv: option 'maxColumns' must be an integer ≥ 1, got the string \"10\"" });
});

describe('JSON Lines: maxLineBytes', () => {
  const record = (n: number): string => `{"k":"${'j'.repeat(n - 8)}"}`; // n bytes

  test('parseJsonl refuses a longer line, naming it; a line of exactly the limit is read', () => {
    const text = `${record(40)}\n\n${record(60)}\n`;
    assert.throws(() => parseJsonl(text, { file: 'a.jsonl', maxLineBytes: 50 }),
      limitError('a.jsonl', 3, /^a\.jsonl:3: a line longer than 50 bytes /, 'maxLineBytes'));
    assert.equal(parseJsonl(text, { maxLineBytes: 60 }).report.rows, 2);
    // bytes, not characters: 20 three-byte characters are 60 bytes
    assert.throws(() => parseJsonl(`{"k":"${'€'.repeat(20)}"}\n`, { file: 'u.jsonl', maxLineBytes: 60 }), limitError('u.jsonl', 1, /a line longer than 60 bytes/, 'maxLineBytes'));
  });

  test('readJsonl refuses a longer line while streaming (lines spanning chunks, CRLF ends)', async () => {
    const path = file('b.jsonl', `${record(100)}\r\n${record(3 << 20)}\r\n${record(10)}\r\n`);
    await assert.rejects(readJsonl(path, { maxLineBytes: 2 << 20 }), limitError(path, 2, /a line longer than 2 MiB/, 'maxLineBytes'));
    const { report } = await readJsonl(path, { maxLineBytes: 3 << 20 });
    assert.equal(report.rows, 3);
    await assert.rejects(readJsonl(path, { maxLineBytes: -1 }), { name: 'RangeError', message: "readJsonl: option 'maxLineBytes' must be an integer ≥ 1, got -1" });
  });

  test('a 200 MB line without a newline is refused at the default 64 MiB, with bounded memory', async () => {
    const path = join(dir, 'huge.jsonl');
    const fd = openSync(path, 'w');
    const block = Buffer.alloc(8 << 20, 'h');
    writeSync(fd, '{"k":"');
    for (let written = 0; written < 200e6; written += block.length) writeSync(fd, block);
    closeSync(fd);
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 5);
    try {
      await assert.rejects(readJsonl(path), limitError(path, 1, /^.*huge\.jsonl:1: a line longer than 64 MiB /, 'maxLineBytes'));
    } finally {
      clearInterval(sampler);
      rmSync(path);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    assert.ok(peak < 2 ** 30, `resident memory peaked at ${(peak / 2 ** 20).toFixed(0)} MiB`);
  });
});
