import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError } from '../data/dataError';
import { diffCsv } from './datasetDiff';
import type { DatasetDiff } from './types';

/** Writes the two CSV texts to a fresh temp dir, diffs them, and removes the dir. */
async function diffTexts(a: string, b: string, key?: string[]): Promise<DatasetDiff> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  try {
    writeFileSync(join(dir, 'a.csv'), a);
    writeFileSync(join(dir, 'b.csv'), b);
    return await diffCsv(join(dir, 'a.csv'), join(dir, 'b.csv'), key ? { key } : {});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const emptySchema = { added: [], removed: [], renamed: [], typeChanged: [] };

test('added, removed and retyped columns', async () => {
  const d = await diffTexts('id,x,gone,t\n1,1.5,a,10\n2,2.5,b,20\n', 'id,x,t,new\n1,1.5,ten,p\n2,2.5,twenty,q\n', ['id']);
  assert.deepEqual(d.schema.added, [{ name: 'new', type: 'categorical' }]);
  assert.deepEqual(d.schema.removed, [{ name: 'gone', type: 'categorical' }]);
  assert.deepEqual(d.schema.typeChanged, [{ name: 't', before: 'numeric', after: 'categorical' }]);
  assert.deepEqual(d.schema.renamed, []);
  assert.equal(d.rows.changedCellsByColumn.t, 2);
  assert.equal(d.rows.changedCellsByColumn.x, undefined);
  assert.equal(d.identical, false);
});

test('a column renamed with all values equal is a rename, not remove + add', async () => {
  const d = await diffTexts('id,old\n1,5\n2,6\n3,7\n', 'id,fresh\n3,7\n1,5\n2,6\n', ['id']);
  assert.deepEqual(d.schema, { ...emptySchema, renamed: [{ from: 'old', to: 'fresh' }] });
  assert.equal(d.rows.modified, 0);
  // Unkeyed, same row order: detected by position.
  const u = await diffTexts('x,old\n1,5\n2,6\n', 'x,fresh\n1,5\n2,6\n');
  assert.deepEqual(u.schema.renamed, [{ from: 'old', to: 'fresh' }]);
  assert.equal(u.rows.added + u.rows.removed, 0);
  // One value differs: not a rename.
  const n = await diffTexts('id,old\n1,5\n2,6\n', 'id,fresh\n1,5\n2,9\n', ['id']);
  assert.deepEqual(n.schema.renamed, []);
  assert.deepEqual(n.schema.removed.map((c) => c.name), ['old']);
  assert.deepEqual(n.schema.added.map((c) => c.name), ['fresh']);
});

test('keyed rows added, removed and modified, with changed cells and lines', async () => {
  const a = 'id,x,c\n1,1.0,a\n2,2.0,b\n3,3.0,c\n';
  const b = 'id,x,c\n1,1,a\n2,2.5,B\n4,4.0,d\n';
  const d = await diffTexts(a, b, ['id']);
  assert.equal(d.rows.mode, 'key');
  assert.equal(d.rows.added, 1);
  assert.equal(d.rows.removed, 1);
  assert.equal(d.rows.modified, 1);
  assert.equal(d.rows.changedCells, 2);
  assert.deepEqual(d.rows.addedRows, [{ key: [4], line: 4 }]);
  assert.deepEqual(d.rows.removedRows, [{ key: [3], line: 4 }]);
  assert.deepEqual(d.rows.cellChanges, [
    { key: [2], column: 'x', before: 2, after: 2.5 },
    { key: [2], column: 'c', before: 'b', after: 'B' },
  ]);
  assert.deepEqual(d.rows.changedCellsByColumn, { x: 1, c: 1 });
});

test('example lists are capped while counts stay exact', async () => {
  const rows = (f: (i: number) => string): string => Array.from({ length: 30 }, (_, i) => f(i)).join('\n') + '\n';
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  try {
    writeFileSync(join(dir, 'a.csv'), 'id,v\n' + rows((i) => `${i},${i}`));
    writeFileSync(join(dir, 'b.csv'), 'id,v\n' + rows((i) => `${i},${i + 1}`));
    const d = await diffCsv(join(dir, 'a.csv'), join(dir, 'b.csv'), { key: ['id'], exampleLimit: 5 });
    assert.equal(d.rows.modified, 30);
    assert.equal(d.rows.changedCells, 30);
    assert.equal(d.rows.cellChanges.length, 5);
    assert.equal(d.rows.exampleLimit, 5);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('composite keys', async () => {
  const a = 'user,day,v\nu1,1,10\nu1,2,11\nu2,1,12\n';
  const b = 'day,user,v\n1,u1,10\n2,u1,99\n2,u2,13\n';
  const d = await diffTexts(a, b, ['user', 'day']);
  assert.deepEqual(d.rows.removedRows.map((r) => r.key), [['u2', 1]]);
  assert.deepEqual(d.rows.addedRows.map((r) => r.key), [['u2', 2]]);
  assert.deepEqual(d.rows.cellChanges, [{ key: ['u1', 2], column: 'v', before: 11, after: 99 }]);
});

test('unkeyed rows are multiset differences', async () => {
  const a = 'x,y\n1,a\n1,a\n2,b\n3,c\n';
  const b = 'x,y\n3,c\n1,a\n4,d\n';
  const d = await diffTexts(a, b);
  assert.equal(d.rows.mode, 'hash');
  assert.equal(d.rows.removed, 2); // one of the two "1,a" rows, and "2,b"
  assert.equal(d.rows.added, 1);
  assert.deepEqual(d.rows.addedRows, [{ values: { x: 4, y: 'd' }, line: 4 }]);
  assert.deepEqual(d.rows.removedRows.map((r) => r.values), [{ x: 1, y: 'a' }, { x: 2, y: 'b' }]);
});

test('quoted fields with delimiters, quotes and embedded newlines', async () => {
  const a = 'id,text\n1,"hello, world"\n2,"line one\nline two"\n3,"say ""hi"""\n';
  const b = 'id,text\n1,"hello, world"\n2,"line one\nline 2"\n3,"say ""hi"""\n';
  const d = await diffTexts(a, b, ['id']);
  assert.deepEqual(d.rows.cellChanges, [{ key: [2], column: 'text', before: 'line one\nline two', after: 'line one\nline 2' }]);
  // Same content with reordered rows/columns and needless quotes around a key.
  const same = await diffTexts(a, 'text,id\n"say ""hi""","3"\n"hello, world",1\n"line one\nline two",2\n', ['id']);
  assert.equal(same.identical, true);
  // Line numbers count the physical lines inside quotes.
  const added = await diffTexts(a, a + '4,"x\ny"\n5,z\n', ['id']);
  assert.deepEqual(added.rows.addedRows, [{ key: [4], line: 6 }, { key: [5], line: 8 }]);
});

test('NaN and empty are both missing; missing vs a value is a change', async () => {
  const a = 'id,x,c\n1,NaN,\n2,,x\n3,1,\n';
  const b = 'id,x,c\n1,,NaN\n2,NaN,x\n3,,y\n';
  const d = await diffTexts(a, b, ['id']);
  assert.deepEqual(d.rows.cellChanges, [
    { key: [3], column: 'x', before: 1, after: null },
    { key: [3], column: 'c', before: null, after: 'y' },
  ]);
  assert.equal(d.rows.modified, 1);
});

test('numbers compare numerically, also across a type change', async () => {
  const d = await diffTexts('id,x\n1,1.0\n2,2\n', 'id,x\n1,1\n2,2.000\n', ['id']);
  assert.equal(d.identical, true);
  const t = await diffTexts('id,x\n1,1.0\n2,2\n', 'id,x\n1,1\n2,two\n', ['id']);
  assert.deepEqual(t.rows.cellChanges, [{ key: [2], column: 'x', before: 2, after: 'two' }]);
});

test('duplicate keys are an error naming the values and lines', async () => {
  const a = 'id,v\n1,a\n2,b\n1,c\n3,d\n2,e\n';
  await assert.rejects(diffTexts(a, 'id,v\n1,a\n', ['id']), (e: unknown) => {
    assert.ok(e instanceof DataError);
    assert.match(e.message, /a\.csv: 2 duplicate key value\(s\): id=1 \(line 2, line 4\); id=2 \(line 3, line 6\)/);
    return true;
  });
  await assert.rejects(diffTexts('k1,k2\nx,1\n', 'k1,k2\nx,1\ny,1\nx,1\n', ['k1', 'k2']), /b\.csv: 1 duplicate key value\(s\): k1="x", k2=1 \(line 2, line 4\)/);
  await assert.rejects(diffTexts('id\n1\n', 'id\n1\n', ['nope']), /key column "nope" not found/);
});

test('reordered columns and rows are no change', async () => {
  const a = 'id,x,c\n1,1.5,a\n2,2.5,b\n3,3.5,c\n';
  const b = 'c,id,x\nc,3,3.5\na,1,1.5\nb,2,2.5\n';
  for (const key of [['id'], undefined]) {
    const d = await diffTexts(a, b, key);
    assert.deepEqual(d.schema, emptySchema);
    assert.equal(d.rows.added + d.rows.removed + d.rows.modified, 0);
    assert.deepEqual(d.stats, []);
    assert.equal(d.identical, true);
    assert.ok(d.drift.every((c) => c.verdict === 'none' && c.psi.value === 0));
  }
});

test('statistics and drift of changed columns', async () => {
  const n = 200;
  // x is spread out (3i), so it is a measurement, not an ID-like column of row numbers.
  const a = 'id,x,c\n' + Array.from({ length: n }, (_, i) => `${i},${3 * i},${i % 2 ? 'p' : 'q'}`).join('\n') + '\n';
  const b = 'id,x,c\n' + Array.from({ length: n }, (_, i) => `${i},${i < 10 ? '' : 3 * i + 300},${i % 4 ? 'p' : 'q'}`).join('\n') + '\n';
  const d = await diffTexts(a, b, ['id']);
  const stat = (column: string, s: string) => d.stats.find((x) => x.column === column && x.stat === s);
  assert.deepEqual(stat('x', 'missing'), { column: 'x', stat: 'missing', before: 0, after: 10 });
  assert.deepEqual(stat('x', 'max'), { column: 'x', stat: 'max', before: 597, after: 897 });
  assert.equal(stat('c', 'distinct'), undefined);
  const x = d.drift.find((c) => c.column === 'x');
  assert.equal(x?.kind, 'numeric');
  assert.equal(x?.ks?.verdict, 'large');
  assert.ok(x && x.ks && x.ks.value > 0.5);
  const c = d.drift.find((col) => col.column === 'c');
  assert.equal(c?.kind, 'categorical');
  // A: 100 p / 100 q; B: 150 p / 50 q -> chi2 = 26.666..., dof 1.
  assert.ok(c?.chiSquare);
  assert.ok(Math.abs(c.chiSquare.value - 80 / 3) < 1e-9);
  assert.equal(c.chiSquare.dof, 1);
  assert.equal(c.chiSquare.verdict, 'large'); // Cramér's V = sqrt(26.67/400) = 0.258
  assert.equal(JSON.parse(JSON.stringify(d)).rows.rowsA, n); // JSON-serialisable
});

test('unkeyed: NaN equals empty and 1.0 equals 1 in the row multiset', async () => {
  const d = await diffTexts('x,y\nNaN,1.0\n2,b\n', 'y,x\nb,2\n1,\n');
  assert.equal(d.rows.added + d.rows.removed, 0);
  assert.equal(d.identical, true);
});

test('boolean columns get category drift; retyped columns get none', async () => {
  const d = await diffTexts('id,f,t\n1,true,1\n2,true,2\n3,false,3\n', 'id,f,t\n1,false,1\n2,false,x\n3,false,3\n', ['id']);
  const f = d.drift.find((c) => c.column === 'f');
  assert.equal(f?.kind, 'categorical');
  assert.equal(f?.chiSquare?.dof, 1);
  assert.deepEqual(d.stats.filter((s) => s.column === 'f').map((s) => [s.stat, s.before, s.after]), [['true', 2, 0], ['false', 1, 3]]);
  assert.equal(d.drift.find((c) => c.column === 't'), undefined);
  assert.deepEqual(d.rows.cellChanges.filter((c) => c.column === 'f').map((c) => [c.before, c.after]), [['true', 'false'], ['true', 'false']]);
});
