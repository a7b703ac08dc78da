import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TextDictionary } from './cellHash';
import type { ScannedRows } from './csvSource';
import { INLINE_TEXT, NO_TEXT, PartitionStore } from './partitions';
import type { PartitionRows } from './partitions';

/** A batch of `rows` rows from line `first`: a number column and a text column (every third cell missing). */
function batch(rows: number, first: number): ScannedRows {
  const lines = new Uint32Array(rows).map((_, i) => first + i);
  const numbers = new Float64Array(rows).map((_, i) => (first + i) / 4);
  const texts = Array.from({ length: rows }, (_, i) => ((first + i) % 3 === 0 ? (undefined as unknown as string) : `t${(first + i) % 10}`));
  return { rows, lines, values: [numbers, new Float64Array(rows).fill(NaN)], texts: [undefined, texts] };
}

/** The rows as [line, number, text] triples (texts through the dictionary or inline). */
function rowsOf(part: PartitionRows, dict: TextDictionary): [number, number, string | undefined][] {
  return Array.from({ length: part.rows }, (_, r) => {
    const id = part.ids[1]?.[r] ?? NO_TEXT;
    const text = id >= 0 ? dict.texts[id] : id === INLINE_TEXT ? part.inline[1]?.get(r) : undefined;
    return [part.lines[r], part.values[0][r], text];
  });
}

/** Sends batch rows to partition `line % count`, as the scan pass does by hash. */
function fill(store: PartitionStore, side: 0 | 1, dict: TextDictionary, batches: number, rowsPer: number, expectedRows: number, firstBatch = 0): void {
  for (let k = firstBatch; k < firstBatch + batches; k++) {
    const b = batch(rowsPer, 2 + k * rowsPer);
    for (let p = 0; p < store.count; p++) {
      const order = Int32Array.from({ length: rowsPer }, (_, i) => i).filter((i) => b.lines[i] % store.count === p);
      store.append(side, p, b, order, order.length, dict, expectedRows);
    }
  }
}

function expected(count: number, p: number, batches: number, rowsPer: number): [number, number, string | undefined][] {
  const out: [number, number, string | undefined][] = [];
  for (let line = 2; line < 2 + batches * rowsPer; line++) if (line % count === p) out.push([line, line / 4, line % 3 === 0 ? undefined : `t${line % 10}`]);
  return out;
}

test('a file expected past the budget goes to temp files from its first batch, and every row reads back (dictionary and inline texts)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = new PartitionStore(4, dir, 64 * 1024, [2, 2]);
  // Room for 4 texts: t0..t9 past those travel inline.
  const dict = new TextDictionary(4);
  // 10,000 rows x 4 partitions x 20 bytes is past 64 KB: spilled before anything is held.
  fill(store, 0, dict, 1, 50, 10_000);
  assert.equal(store.spilled, true);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.part')).length, 8);
  fill(store, 0, dict, 30, 50, 10_000, 1);
  for (let p = 0; p < 4; p++) {
    const part = store.take(0, p);
    assert.deepEqual(rowsOf(part, dict), expected(4, p, 31, 50), `partition ${p}`);
    assert.ok(part.inline[1] !== undefined && part.inline[1].size > 0, 'some texts were inline');
  }
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('a-')), [], 'taken partitions are deleted');
  store.close();
});

test('a store expected within the budget stays in memory until new partitions, counted whole, pass it; then spills', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const budget = 1024 * 1024;
  const store = new PartitionStore(4, dir, budget, [2, 2]);
  const dict = new TextDictionary(100);
  // Each side alone: 6,000 rows x 4 x 20 bytes = 480 KB, within the budget. Each new partition is sized
  // for 6,000 rows (24 bytes a row with its text ids): 4 of them hold 576 KB, 8 (both sides) 1.15 MB.
  fill(store, 0, dict, 2, 100, 6000);
  assert.equal(store.spilled, false);
  assert.deepEqual(readdirSync(dir), []);
  fill(store, 1, dict, 2, 100, 6000);
  assert.equal(store.spilled, true, 'the partitions\' first allocations count toward the budget');
  fill(store, 1, dict, 1, 100, 6000, 2);
  for (const side of [0, 1] as const) {
    for (let p = 0; p < 4; p++) {
      const batches = side === 0 ? 2 : 3;
      const want = expected(4, p, batches, 100);
      assert.deepEqual(rowsOf(store.take(side, p), dict), want, `side ${side}, partition ${p}`);
    }
  }
  store.close();
});
