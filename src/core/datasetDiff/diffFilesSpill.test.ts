import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '../util/rng';
import { diffCsv } from './datasetDiff';
import { diffCsvFiles } from './diffFiles';
import type { DiffFilesOptions, FileDiff, RowChange } from './diffFiles';
import { assertClose } from './testing/assertClose';

const ROWS = 3000;

/** A and B of ROWS rows: numbers, text with quotes and line breaks, booleans, missing cells; B adds, removes and edits rows and reorders them. */
function writePair(dir: string): { a: string; b: string } {
  const rng = new Rng(5);
  const row = (id: number, edit: boolean, editY = false): string => {
    const x = edit ? 1000 + id : ((id * 37) % 101) / 4;
    const text = id % 7 === 0 ? `"say ""${id}""\nnext line"` : `t${id % 13}`;
    const flag = id % 3 === 0 ? 'true' : id % 3 === 1 ? 'false' : '';
    const y = editY ? '0.5' : id % 11 === 0 ? 'NaN' : (((id * 7907) % 1000) / 250 - 2).toFixed(3);
    return `${id},${x},${text},${flag},${y}`;
  };
  const linesA: string[] = [];
  const linesB: string[] = [];
  for (let id = 0; id < ROWS; id++) {
    linesA.push(row(id, false));
    if (id % 50 === 7) continue; // removed
    linesB.push(row(id, id % 40 === 3, id % 80 === 3)); // modified: x, and y in every other one
  }
  for (let id = ROWS; id < ROWS + 40; id++) linesB.push(row(id, false)); // added
  for (let i = linesB.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [linesB[i], linesB[j]] = [linesB[j], linesB[i]];
  }
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  writeFileSync(a, 'id,x,text,flag,y\n' + linesA.join('\n') + '\n');
  writeFileSync(b, 'y,flag,text,x,id\n' + linesB.map((l) => l.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/).reverse().join(',')).join('\n') + '\n');
  return { a, b };
}

async function all(d: FileDiff, filter?: Parameters<FileDiff['changes']>[0]): Promise<RowChange[]> {
  const out: RowChange[] = [];
  for await (const c of d.changes(filter)) out.push(c);
  return out;
}

for (const key of [['id'], undefined]) {
  test(`spilling to many partitions gives the in-memory result (${key ? 'keyed' : 'unkeyed'})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
    const spillDir = mkdtempSync(join(tmpdir(), 'runlens-spill-'));
    try {
      const { a, b } = writePair(dir);
      const opts: DiffFilesOptions = { ...(key ? { key } : {}), exampleLimit: 100_000 };
      const inMemory = await diffCsvFiles(a, b, opts);
      let partFiles = 0;
      const spilled = await diffCsvFiles(a, b, {
        ...opts, tempDir: spillDir, memoryBudget: 8 * 1024,
        onProgress: (p) => {
          if (p.phase === 'comparing' && p.done === 1) {
            const [run] = readdirSync(spillDir);
            partFiles = readdirSync(join(spillDir, run)).filter((f) => f.endsWith('.part')).length;
          }
        },
      });
      assert.ok(partFiles > 20, `rows went to partition files (${partFiles})`);
      assertClose(spilled.diff, inMemory.diff);
      assert.deepEqual(await all(spilled), await all(inMemory));
      // And both equal the whole-file engine.
      assertClose(spilled.diff, await diffCsv(a, b, opts));
      const rows = spilled.diff.rows;
      assert.equal(rows.removed, key ? ROWS / 50 : rows.removed);
      assert.ok(rows.added >= 40);
      if (key) assert.equal(rows.modified, ROWS / 40);
      inMemory.dispose();
      spilled.dispose();
      assert.deepEqual(readdirSync(spillDir), [], 'dispose removes the spill files');
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(spillDir, { recursive: true, force: true });
    }
  });
}

test('pages and filters by kind and by column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  try {
    const { a, b } = writePair(dir);
    const d = await diffCsvFiles(a, b, { key: ['id'], exampleLimit: 5, memoryBudget: 16 * 1024 });
    const rows = d.diff.rows;
    assert.equal(rows.cellChanges.length, 5);
    assert.equal(rows.addedRows.length, 5);
    assert.deepEqual(d.columns, ['y', 'flag', 'text', 'x', 'id']);
    const everything = await all(d);
    assert.equal(everything.length, rows.added + rows.removed + rows.modified);
    // Display order: removed and modified by line in A, added by line in B.
    const lineOf = (c: RowChange): number => (c.kind === 'added' ? (c.lineB as number) : (c.lineA as number));
    const aSide = everything.filter((c) => c.kind !== 'added').map(lineOf);
    assert.deepEqual(aSide, [...aSide].sort((x, y) => x - y));
    // Pages tile the list.
    const paged: RowChange[] = [];
    for (let off = 0; off < everything.length; off += 17) {
      const page = await d.page(off, 17);
      assert.equal(page.total, everything.length);
      assert.equal(page.offset, off);
      paged.push(...page.rows);
    }
    assert.deepEqual(paged, everything);
    assert.deepEqual(await d.page(everything.length + 5, 10), { total: everything.length, offset: everything.length + 5, rows: [] });
    // By kind.
    const added = await d.page(0, 1000, { kind: 'added' });
    assert.equal(added.total, rows.added);
    assert.ok(added.rows.every((r) => r.kind === 'added' && r.lineB !== undefined && r.lineA === undefined));
    // By column: modified rows where that cell changed, plus every added and removed row.
    const byX = await all(d, { column: 'x' });
    assert.equal(byX.length, rows.added + rows.removed + rows.changedCellsByColumn.x);
    assert.ok(byX.filter((r) => r.kind === 'modified').every((r) => r.changes?.some((c) => c.column === 'x')));
    const modifiedY = await d.page(0, 1000, { kind: 'modified', column: 'y' });
    assert.equal(modifiedY.total, rows.changedCellsByColumn.y);
    assert.ok(modifiedY.total > 0 && modifiedY.total < rows.modified);
    const first = modifiedY.rows[0];
    assert.deepEqual(Object.keys(first.values).sort(), ['flag', 'id', 'text', 'x', 'y']);
    assert.equal(first.values.x, 1000 + (first.key as number[])[0]);
    d.dispose();
    await assert.rejects(d.page(0, 1), /disposed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an abort stops the diff and removes its temp files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  const spillDir = mkdtempSync(join(tmpdir(), 'runlens-spill-'));
  try {
    const { a, b } = writePair(dir);
    for (const phase of ['partitioning', 'comparing'] as const) {
      const controller = new AbortController();
      const phases: string[] = [];
      const run = diffCsvFiles(a, b, {
        key: ['id'], tempDir: spillDir, memoryBudget: 8 * 1024, signal: controller.signal,
        onProgress: (p) => {
          phases.push(p.phase);
          // Abort from outside the diff's own call stack, as a Cancel button would.
          if (p.phase === phase) setImmediate(() => controller.abort());
        },
      });
      await assert.rejects(run, (e: unknown) => (e as Error).name === 'AbortError');
      assert.ok(phases.includes(phase));
      assert.ok(!phases.includes('statistics'), 'stopped before the end');
      assert.deepEqual(readdirSync(spillDir), []);
    }
    const aborted = new AbortController();
    aborted.abort();
    await assert.rejects(diffCsvFiles(a, b, { signal: aborted.signal }), (e: unknown) => (e as Error).name === 'AbortError');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(spillDir, { recursive: true, force: true });
  }
});
