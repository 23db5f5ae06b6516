import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readParquet } from '../src/data/sources/parquet.js';
import { explore } from '../src/data/explore/explore.js';
import { tempDir } from './data_files.js';

// Parquet files written by hyparquet-writer (a different code path from the reader).
function writeSample(dir: string): string {
  const n = 60;
  const buf = parquetWriteBuffer({
    columnData: [
      { name: 'x', data: Array.from({ length: n }, (_, i) => (i % 10 === 3 ? null : i * 0.5)), type: 'DOUBLE' },
      { name: 'k', data: Array.from({ length: n }, (_, i) => ['red', 'green', 'blue'][i % 3]), type: 'STRING' },
      { name: 'n', data: Array.from({ length: n }, (_, i) => i % 7), type: 'INT32' },
      { name: 'when', data: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2024, 0, 1 + i))), type: 'TIMESTAMP' },
      { name: 'ok', data: Array.from({ length: n }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
    ],
  });
  const f = join(dir, 'sample.parquet');
  writeFileSync(f, Buffer.from(buf));
  return f;
}

test('Parquet: columns typed, nulls missing, order kept', async () => {
  const f = writeSample(tempDir());
  const { table, report } = await readParquet(f);
  assert.deepEqual(table.columnNames, ['x', 'k', 'n', 'when', 'ok']);
  assert.equal(table.rowCount, 60);
  assert.equal(report.missing.x, 6);
  assert.equal(table.column('x').kind, 'numeric');
  assert.equal(table.column('k').kind, 'categorical');
  assert.equal(table.column('n').kind, 'integer');
  assert.equal(table.column('when').kind, 'datetime');
  assert.equal(table.column('ok').kind, 'boolean');
  assert.equal(table.get(4, 'x'), 2);
  assert.equal((table.get(2, 'when') as Date).toISOString(), '2024-01-03T00:00:00.000Z');
  const r = await explore(f, { target: 'k', out: null });
  assert.equal(r.table!.profile.target!.task, 'multiclass');
});

test('Parquet: a corrupt or empty file names the file', async () => {
  const dir = tempDir();
  const f = join(dir, 'bad.parquet');
  writeFileSync(f, Buffer.from('PAR1 this is not parquet PAR1'));
  await assert.rejects(readParquet(f), (e: Error) => e.message.startsWith(f) && /cannot read Parquet/.test(e.message));
  writeFileSync(f, '');
  await assert.rejects(readParquet(f), /bad\.parquet: empty file/);
});
