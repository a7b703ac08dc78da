import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { readParquet } from './parquetReader';
import { CsvError } from './dataError';
import { parseCsvText } from './csvReader';
import { fingerprintFrame } from './fingerprint';

function tempFile(t: { after: (fn: () => void) => void }, name: string, bytes: ArrayBuffer | Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-parquet-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  writeFileSync(file, Buffer.from(bytes as ArrayBuffer));
  return file;
}

test('reads numbers, booleans, strings and nulls by the file types; CSV missing markers in strings are missing', async (t) => {
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'x', data: [1.5, null, -3], type: 'DOUBLE' },
      { name: 'n', data: [1, 2, 3], type: 'INT32' },
      { name: 'big', data: [10n, 20n, null], type: 'INT64' },
      { name: 'flag', data: [true, null, false], type: 'BOOLEAN' },
      { name: 'species', data: ['setosa', 'NA', null], type: 'STRING' },
      { name: 'code', data: ['007', '12', ''], type: 'STRING' },
    ],
  });
  const file = tempFile(t, 'small.parquet', bytes);
  const frame = await readParquet(file, 'data/small.parquet');
  assert.equal(frame.rows, 3);
  assert.equal(frame.source, 'data/small.parquet');
  assert.deepEqual(frame.columns.map((c) => [c.name, c.type]), [
    ['x', 'numeric'], ['n', 'numeric'], ['big', 'numeric'], ['flag', 'boolean'], ['species', 'categorical'], ['code', 'categorical'],
  ]);
  assert.deepEqual([...(frame.columns[0].values as Float64Array)], [1.5, NaN, -3]);
  assert.deepEqual([...(frame.columns[2].values as Float64Array)], [10, 20, NaN]);
  assert.deepEqual([...(frame.columns[3].values as Float64Array)], [1, NaN, 0]);
  assert.deepEqual(frame.columns[4].values, ['setosa', null, null]);
  // A string column stays text even when its strings look like numbers: the file says what it is.
  assert.deepEqual(frame.columns[5].values, ['007', '12', null]);
  assert.equal(frame.sha256, createHash('sha256').update(Buffer.from(bytes)).digest('hex'));
});

test('the same values in Parquet and in CSV give the same frame statistics', async (t) => {
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'a', data: [1, 2.5, null, 4], type: 'DOUBLE' },
      { name: 'city', data: ['Oslo', 'Lima', 'Oslo', null], type: 'STRING' },
    ],
  });
  const parquet = await readParquet(tempFile(t, 'x.parquet', bytes));
  const csv = parseCsvText('a,city\n1,Oslo\n2.5,Lima\n,Oslo\n4,\n', 'x.csv');
  const strip = (f: ReturnType<typeof fingerprintFrame>) => ({ ...f, sha256: '' });
  assert.deepEqual(strip(fingerprintFrame(parquet, 'p')), strip(fingerprintFrame(csv, 'c')));
});

test('dates become ISO text (a categorical column), as a CSV file would hold them', async (t) => {
  const bytes = parquetWriteBuffer({
    columnData: [{ name: 'day', data: [new Date(Date.UTC(2024, 0, 2, 3, 4, 5))], type: 'TIMESTAMP' }],
  });
  const frame = await readParquet(tempFile(t, 'd.parquet', bytes));
  assert.equal(frame.columns[0].type, 'categorical');
  assert.deepEqual(frame.columns[0].values, ['2024-01-02T03:04:05.000Z']);
});

test('a nested column is refused by name', async (t) => {
  const bytes = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: [1, 2], type: 'INT32' },
      { name: 'payload', data: [{ a: 1 }, { a: 2 }], type: 'JSON' },
    ],
  });
  const file = tempFile(t, 'nested.parquet', bytes);
  await assert.rejects(readParquet(file, 'logs/nested.parquet'), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assert.match(e.message, /^logs\/nested\.parquet \(column \"payload\"\): is a nested column/);
    return true;
  });
});

test('a file whose second row group is cut short names that row group', async (t) => {
  const bytes = Buffer.from(parquetWriteBuffer({
    columnData: [{ name: 'v', data: Array.from({ length: 300 }, (_, i) => i * 1.25), type: 'DOUBLE' }],
    rowGroupSize: 100,
  }));
  const meta = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  assert.equal(meta.row_groups.length, 3);
  const chunk = meta.row_groups[1].columns[0].meta_data!;
  const start = Number(chunk.dictionary_page_offset ?? chunk.data_page_offset);
  const length = Number(chunk.total_compressed_size);
  // Row group 2's bytes past its first 12 are lost (zeroed); the footer still lists it.
  const damaged = Buffer.from(bytes);
  damaged.fill(0, start + 12, start + length);
  const file = tempFile(t, 'cut.parquet', damaged);
  await assert.rejects(readParquet(file, 'cut.parquet'), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assert.match(e.message, /^cut\.parquet: row group 2 of 3 \(rows 101-200\) cannot be read: .*truncated or damaged$/);
    return true;
  });
});

test('a file cut before its footer, and a file that is not Parquet, say so naming the file', async (t) => {
  const bytes = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'v', data: [1, 2, 3], type: 'DOUBLE' }] }));
  const cut = tempFile(t, 'cut.parquet', bytes.subarray(0, bytes.length - 20));
  await assert.rejects(readParquet(cut, 'cut.parquet'), /^CsvError: cut\.parquet: not a readable Parquet file|cut\.parquet: not a readable Parquet file/);
  const csv = tempFile(t, 'fake.parquet', Buffer.from('a,b\n1,2\n'));
  await assert.rejects(readParquet(csv, 'fake.parquet'), (e: unknown) => e instanceof CsvError && e.message.startsWith('fake.parquet: not a readable Parquet file'));
  await assert.rejects(readParquet(join(tmpdir(), 'no-such-runlens.parquet'), 'gone.parquet'), /gone\.parquet: file not found/);
});
