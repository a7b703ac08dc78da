import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCsvText, readCsv } from './csvReader';
import { CsvError } from './dataError';
import { prepareData } from './prepareData';

let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runlens-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  fs.writeFileSync(path.join(dir, name), content);
}

/** Reads `content` as the file `name` (relative to the temp dir, displayed as written) and returns the CsvError. */
async function csvError(name: string, content: string | Buffer): Promise<CsvError> {
  write(name, content);
  try {
    await readCsv(path.join(dir, name), { displayPath: name });
  } catch (e) {
    assert.ok(e instanceof CsvError, `expected a CsvError, got ${String(e)}`);
    return e;
  }
  assert.fail('no error');
}

function assertLocation(e: CsvError, file: string, line: number | undefined, column: number | undefined, columnName?: string): void {
  assert.deepEqual({ file: e.file, line: e.line, column: e.column, columnName: e.columnName },
    { file, line, column, columnName }, e.message);
  assert.ok(!e.message.includes('\n'), 'one-line message');
}

test('ragged row with too many fields: line of the row, first extra field, counts in the message', async () => {
  const e = await csvError('data/r1.csv', 'a,b,c\n1,2,3\n4,5,6,7\n');
  assertLocation(e, 'data/r1.csv', 3, 4);
  assert.equal(e.message, 'data/r1.csv:3:4: row has 4 fields, expected 3 (a, b, c)');
});

test('ragged row with too few fields names the first missing column', async () => {
  const e = await csvError('data/r2.csv', 'a,b,c\n1,2,3\n"multi\nline",5,6\n7,8\n');
  assertLocation(e, 'data/r2.csv', 5, 3, 'c');
  assert.equal(e.message, 'data/r2.csv:5:3 (column "c"): row has 2 fields, expected 3 (a, b, c)');
});

test('empty file, and a file of blank lines, are empty', async () => {
  const e = await csvError('empty.csv', '');
  assertLocation(e, 'empty.csv', 1, undefined);
  assert.match(e.message, /^empty\.csv:1: the file is empty/);
  const b = await csvError('blank.csv', '\n\r\n   \n');
  assert.match(b.message, /^blank\.csv:1: the file is empty/);
  const bom = await csvError('bom-only.csv', Buffer.from([0xef, 0xbb, 0xbf]));
  assert.match(bom.message, /the file is empty/);
});

test('header only: no data rows, naming the header line and the columns', async () => {
  const e = await csvError('h.csv', '\na,b\n\n');
  assertLocation(e, 'h.csv', 2, undefined);
  assert.equal(e.message, 'h.csv:2: header only, no data rows (columns: a, b)');
});

test('duplicate column names: both positions', async () => {
  const e = await csvError('dup.csv', 'x,y,x\n1,2,3\n');
  assertLocation(e, 'dup.csv', 1, 3, 'x');
  assert.equal(e.message, 'dup.csv:1:3 (column "x"): duplicate column name "x" (columns 1 and 3)');
});

test('unterminated quote: the line where the quote started', async () => {
  const e = await csvError('q.csv', 'a,b\n1,2\n3,"never closed\n4,5\n6,7\n');
  assertLocation(e, 'q.csv', 3, 2, 'b');
  assert.match(e.message, /^q\.csv:3:2 \(column "b"\): unterminated quoted field/);
  const h = await csvError('qh.csv', 'a,"b\n1,2\n');
  assertLocation(h, 'qh.csv', 1, 2);
});

test('unterminated quote in a file bigger than a read chunk', async () => {
  const rows = Array.from({ length: 300_000 }, (_, i) => `${i},${i * 2}`);
  rows[250_000] = '250000,"open';
  const e = await csvError('bigq.csv', `a,b\n${rows.join('\n')}\n`);
  assertLocation(e, 'bigq.csv', 250_002, 2, 'b');
});

test('missing file, UTF-16 file', async () => {
  await assert.rejects(readCsv(path.join(dir, 'nope.csv'), { displayPath: 'nope.csv' }),
    (e: unknown) => e instanceof CsvError && e.message === 'nope.csv: file not found');
  const e = await csvError('u16.csv', Buffer.from('\ufeffa,b\n1,2\n', 'utf16le'));
  assert.match(e.message, /UTF-16/);
});

test('parseCsvText errors carry the given source name', () => {
  assert.throws(() => parseCsvText('a,b\n1\n', 'mem.csv'), /^CsvError: mem\.csv:2:2 \(column "b"\)/);
});

test('a non-numeric value in a numeric column used for training: file, line and column of the first bad cell', async () => {
  const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 3 === 0 ? 'a' : 'b'},${i === 12 ? '1,5' : i / 4},${i % 2}`);
  rows[30] = `30,a,${'"n/a "'},0`;
  write('data/bad.csv', `id,g,petal_width,label\n${rows.join('\n')}\n`);
  await assert.rejects(prepareData({ path: 'data/bad.csv', target: 'label' }, dir), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    // The unquoted 1,5 splits into two fields, so that row is ragged first.
    assert.equal(e.line, 14);
    return true;
  });
  rows[12] = '12,a,1;5,0';
  write('data/bad.csv', `id,g,petal_width,label\n${rows.join('\n')}\n`);
  await assert.rejects(prepareData({ path: 'data/bad.csv', target: 'label' }, dir), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assertLocation(e, 'data/bad.csv', 14, 3, 'petal_width');
    assert.equal(e.message, 'data/bad.csv:14:3 (column "petal_width"): not a number: "1;5" in a numeric column (1 more non-numeric cell in this column)');
    return true;
  });
  // Excluding the column makes the file usable.
  const ok = await prepareData({ path: 'data/bad.csv', target: 'label', features: { exclude: ['petal_width'] } }, dir);
  assert.deepEqual(ok.featureNames, ['id', 'g=a', 'g=b']);
});

test('target column missing: names the file and the columns there are', async () => {
  write('t.csv', 'a,b\n1,2\n3,4\n');
  await assert.rejects(prepareData({ path: 't.csv', target: 'label' }, dir), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assert.equal(e.message, 't.csv: target column "label" not found; the columns are: a, b');
    return true;
  });
});

test('a classification target with one class: names the file and the column', async () => {
  write('one.csv', 'x,species\n1,setosa\n2,setosa\n3,setosa\n4, setosa\n');
  await assert.rejects(prepareData({ path: 'one.csv', target: 'species' }, dir), (e: unknown) => {
    assert.ok(e instanceof CsvError);
    assertLocation(e, 'one.csv', undefined, 2, 'species');
    assert.match(e.message, /^one\.csv \(column "species"\): the target has only one class \("setosa"\)/);
    return true;
  });
});
