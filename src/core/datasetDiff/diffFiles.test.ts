import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diffCsv } from './datasetDiff';
import { DatasetDiffError, diffCsvFiles } from './diffFiles';
import type { DiffFilesOptions, FileDiff } from './diffFiles';
import type { DatasetDiff } from './types';
import { assertClose } from './testing/assertClose';

/**
 * Writes both texts, runs the streaming engine (scanning on this thread and
 * on worker threads) and the in-memory engine, checks all agree, returns the
 * streaming result.
 */
async function both(a: string, b: string, key?: string[], opts: DiffFilesOptions = {}): Promise<{ diff: DatasetDiff; files: FileDiff }> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  try {
    writeFileSync(join(dir, 'a.csv'), a);
    writeFileSync(join(dir, 'b.csv'), b);
    const pa = join(dir, 'a.csv');
    const pb = join(dir, 'b.csv');
    const files = await diffCsvFiles(pa, pb, { workers: 'never', ...opts, ...(key ? { key } : {}) });
    const memory = await diffCsv(pa, pb, { ...(key ? { key } : {}), ...(opts.exampleLimit ? { exampleLimit: opts.exampleLimit } : {}) });
    assertClose(files.diff, memory);
    const threaded = await diffCsvFiles(pa, pb, { ...opts, workers: 'always', ...(key ? { key } : {}) });
    try {
      assert.deepEqual([threaded.scannedOnWorkers, files.scannedOnWorkers], [true, false]);
      assert.deepEqual(threaded.diff, files.diff, 'scanning on worker threads changes nothing');
      assert.deepEqual(await threaded.page(0, 10_000), await files.page(0, 10_000));
    } finally {
      threaded.dispose();
    }
    return { diff: files.diff, files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function diffCsvFilesOf(a: string, b: string, key?: string[]): Promise<DatasetDiff> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  try {
    writeFileSync(join(dir, 'a.csv'), a);
    writeFileSync(join(dir, 'b.csv'), b);
    const files = await diffCsvFiles(join(dir, 'a.csv'), join(dir, 'b.csv'), key ? { key } : {});
    files.dispose();
    return files.diff;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function diffOf(a: string, b: string, key?: string[]): Promise<DatasetDiff> {
  const { diff, files } = await both(a, b, key);
  files.dispose();
  return diff;
}

test('same results as the in-memory engine for every kind of change', async () => {
  // Columns added, removed, retyped.
  const d = await diffOf('id,x,gone,t\n1,1.5,a,10\n2,2.5,b,20\n', 'id,x,t,new\n1,1.5,ten,p\n2,2.5,twenty,q\n', ['id']);
  assert.deepEqual(d.schema.typeChanged, [{ name: 't', before: 'numeric', after: 'categorical' }]);
  // Renames: keyed, unkeyed by position, and not a rename when one value differs.
  assert.deepEqual((await diffOf('id,old\n1,5\n2,6\n3,7\n', 'id,fresh\n3,7\n1,5\n2,6\n', ['id'])).schema.renamed, [{ from: 'old', to: 'fresh' }]);
  assert.deepEqual((await diffOf('x,old\n1,5\n2,6\n', 'x,fresh\n1,5\n2,6\n')).schema.renamed, [{ from: 'old', to: 'fresh' }]);
  assert.deepEqual((await diffOf('id,old\n1,5\n2,6\n', 'id,fresh\n1,5\n2,9\n', ['id'])).schema.renamed, []);
  // Keyed rows added, removed, modified, with lines.
  const k = await diffOf('id,x,c\n1,1.0,a\n2,2.0,b\n3,3.0,c\n', 'id,x,c\n1,1,a\n2,2.5,B\n4,4.0,d\n', ['id']);
  assert.deepEqual(k.rows.addedRows, [{ key: [4], line: 4 }]);
  assert.deepEqual(k.rows.cellChanges.map((c) => c.column), ['x', 'c']);
  // Composite keys, columns in another order.
  await diffOf('user,day,v\nu1,1,10\nu1,2,11\nu2,1,12\n', 'day,user,v\n1,u1,10\n2,u1,99\n2,u2,13\n', ['user', 'day']);
  // Unkeyed multiset: a row twice in A and once in B is one removed row.
  const m = await diffOf('x,y\n1,a\n1,a\n2,b\n3,c\n', 'x,y\n3,c\n1,a\n4,d\n');
  assert.equal(m.rows.removed, 2);
  // NaN and empty are both missing; 1.0 equals 1; boolean columns.
  await diffOf('id,x,c\n1,NaN,\n2,,x\n3,1,\n', 'id,x,c\n1,,NaN\n2,NaN,x\n3,,y\n', ['id']);
  // One deliberate difference: a number in a text column counts as a category by its value, so "1.0"
  // and "1" are one category (the rows are equal, and so is the distribution).
  const mixed = await diffCsvFilesOf('x,y\nNaN,1.0\n2,b\n', 'y,x\nb,2\n1,\n');
  assert.equal(mixed.identical, true);
  assert.ok(mixed.drift.every((c) => c.psi.value === 0 && c.verdict === 'none'));
  await diffOf('id,x\n1,1.0\n2,2\n', 'id,x\n1,1\n2,two\n', ['id']);
  await diffOf('id,f,t\n1,true,1\n2,true,2\n3,false,3\n', 'id,f,t\n1,false,1\n2,false,x\n3,false,3\n', ['id']);
  await diffOf('id,f\n1,yes\n2,no\n3,\n', 'id,f\n1,true\n2,FALSE\n3,\n', ['id']);
});

test('quoted fields, embedded newlines and reordered rows and columns', async () => {
  const a = 'id,text\n1,"hello, world"\n2,"line one\nline two"\n3,"say ""hi"""\n';
  const d = await diffOf(a, 'id,text\n1,"hello, world"\n2,"line one\nline 2"\n3,"say ""hi"""\n', ['id']);
  assert.deepEqual(d.rows.cellChanges, [{ key: [2], column: 'text', before: 'line one\nline two', after: 'line one\nline 2' }]);
  const reordered = 'text,id\n"say ""hi""","3"\n"hello, world",1\n"line one\nline two",2\n';
  for (const key of [['id'], undefined]) assert.equal((await diffOf(a, reordered, key)).identical, true);
  const added = await diffOf(a, a + '4,"x\ny"\n5,z\n', ['id']);
  assert.deepEqual(added.rows.addedRows, [{ key: [4], line: 6 }, { key: [5], line: 8 }]);
});

test('statistics and drift equal the in-memory engine', async () => {
  const n = 300;
  const a = 'id,x,c,f\n' + Array.from({ length: n }, (_, i) => `${i},${(i * 7919) % 1000 / 10},${i % 2 ? 'p' : 'q'},${i % 3 ? 'true' : 'false'}`).join('\n') + '\n';
  const b = 'id,x,c,f\n' + Array.from({ length: n }, (_, i) => `${i},${i < 10 ? '' : ((i * 7919) % 1000) / 8},${i % 4 ? 'p' : 'r'},${i % 2 ? 'true' : 'false'}`).join('\n') + '\n';
  const d = await diffOf(a, b, ['id']);
  assert.ok(d.stats.some((s) => s.column === 'x' && s.stat === 'mean'));
  assert.deepEqual(d.drift.map((c) => c.column), ['x', 'c', 'f']);
  assert.deepEqual(d.driftSkipped, [{ column: 'id', reason: 'key' }]);
  assert.equal(d.drift.find((c) => c.column === 'c')?.verdict, 'large');
});

test('a UTF-8 BOM on one side and a different delimiter are no change', async () => {
  const a = 'id,name,v\n1,"a;b",1.5\n2,c,2\n';
  assert.equal((await diffOf('\ufeff' + a, a, ['id'])).identical, true);
  const d = await diffOf(a, 'id;name;v\n1;a;b;1.5\n'.replace('a;b', '"a;b"') + '2;c;2\n', ['id']);
  assert.equal(d.identical, true);
  assert.equal((await diffOf(a, a.replace(/,/g, '\t').replace('"a;b"', 'a;b'))).identical, true);
});

test('user errors are DatasetDiffError naming file, line, column and values', async () => {
  const expectError = async (a: string | Buffer, b: string, key: string[] | undefined, pattern: RegExp, check?: (e: DatasetDiffError) => void): Promise<void> => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
    const temp = mkdtempSync(join(tmpdir(), 'runlens-spill-'));
    try {
      writeFileSync(join(dir, 'a.csv'), a);
      writeFileSync(join(dir, 'b.csv'), b);
      await assert.rejects(diffCsvFiles(join(dir, 'a.csv'), join(dir, 'b.csv'), { key, tempDir: temp, labels: { a: 'a.csv', b: 'b.csv' } }), (e: unknown) => {
        assert.ok(e instanceof DatasetDiffError, String(e));
        assert.match(e.message, pattern);
        assert.ok(!e.message.includes('\n'), 'one line');
        check?.(e);
        return true;
      });
      assert.deepEqual(readdirSync(temp), [], 'temp files removed on error');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(temp, { recursive: true, force: true });
    }
  };
  await expectError('id,v\n1,a\n2,b\n1,c\n3,d\n2,e\n', 'id,v\n1,a\n', ['id'],
    /^a\.csv: 2 duplicate key value\(s\): id=1 \(line 2, line 4\); id=2 \(line 3, line 6\)$/, (e) => assert.equal(e.line, 4));
  await expectError('k1,k2\nx,1\n', 'k1,k2\nx,1\ny,1\nx,1\n', ['k1', 'k2'], /^b\.csv: 1 duplicate key value\(s\): k1="x", k2=1 \(line 2, line 4\)$/);
  await expectError('id,v\n1,2\n', 'v\n2\n', ['id'], /^b\.csv: key column "id" not found \(columns: v\)$/, (e) => {
    assert.equal(e.file, 'b.csv');
    assert.equal(e.column, 'id');
  });
  await expectError('', 'id\n1\n', undefined, /^a\.csv:1: the file is empty \(no header row\)$/);
  await expectError('id,v\n1,2\n2,3,4\n', 'id,v\n1,2\n', ['id'], /^a\.csv:3:3: row has 3 fields, expected 2/, (e) => assert.equal(e.line, 3));
  await expectError('id,v\n1,"open\n', 'id,v\n1,2\n', ['id'], /^a\.csv:2:2 \(column "v"\): unterminated quoted field/);
  await expectError(Buffer.from([0xff, 0xfe, 0x69, 0, 0x64, 0, 0x0a, 0]), 'id\n1\n', undefined, /UTF-16/);
});

test('renamed columns across many partitions: shown under the new name in pages too', async () => {
  const rows = (f: (i: number) => string, n: number): string => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';
  const a = 'id,old,v\n' + rows((i) => `${i},o${i},${i}`, 400);
  const b = 'v,fresh,id\n' + rows((i) => `${i === 7 ? 70 : i},o${i},${i}`, 399);
  for (const key of [['id'], undefined]) {
    const { diff, files } = await both(a, b, key, { memoryBudget: 2048 });
    assert.deepEqual(diff.schema.renamed, key ? [{ from: 'old', to: 'fresh' }] : []);
    if (key) {
      assert.deepEqual(files.columns, ['v', 'fresh', 'id']);
      const removed = (await files.page(0, 10, { kind: 'removed' })).rows;
      assert.deepEqual(removed.map((r) => r.values), [{ id: 399, fresh: 'o399', v: 399 }]);
      const modified = (await files.page(0, 10, { kind: 'modified' })).rows;
      assert.deepEqual(modified.map((r) => [r.key, r.values, r.changes]), [[[7], { v: 70, fresh: 'o7', id: 7 }, [{ column: 'v', before: 7, after: 70 }]]]);
    }
    files.dispose();
  }
});

test('a missing file is named in the error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  try {
    writeFileSync(join(dir, 'a.csv'), 'id\n1\n');
    await assert.rejects(diffCsvFiles(join(dir, 'a.csv'), join(dir, 'nope.csv'), { labels: { a: 'a.csv', b: 'data/nope.csv' } }),
      (e: unknown) => e instanceof DatasetDiffError && e.message === 'data/nope.csv: file not found' && e.file === 'data/nope.csv');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('header-only files are empty tables: every row added, or identical', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  try {
    writeFileSync(join(dir, 'h.csv'), 'id,v\n');
    writeFileSync(join(dir, 'd.csv'), 'id,v\n1,x\n2,y\n');
    const d = await diffCsvFiles(join(dir, 'h.csv'), join(dir, 'd.csv'), { key: ['id'] });
    assert.equal(d.diff.rows.added, 2);
    assert.equal(d.diff.rows.rowsA, 0);
    assert.deepEqual((await d.page(0, 10)).rows.map((r) => [r.kind, r.key, r.values]), [['added', [1], { id: 1, v: 'x' }], ['added', [2], { id: 2, v: 'y' }]]);
    d.dispose();
    const same = await diffCsvFiles(join(dir, 'h.csv'), join(dir, 'h.csv'));
    assert.equal(same.diff.identical, true);
    same.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
