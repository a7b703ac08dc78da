import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finish, hashCell } from './cellHash';
import { diffCsvFiles } from './diffFiles';
import type { DiffFilesOptions, DiffProgress, FileDiff, RowChange } from './diffFiles';
import { HASH_SEED } from './scanPass';

/** Budget small enough that the keyed diff partitions (and spills) instead of streaming B against A. */
const PARTITIONED: DiffFilesOptions = { memoryBudget: 64 * 1024 };

async function all(d: FileDiff): Promise<RowChange[]> {
  const out: RowChange[] = [];
  for await (const c of d.changes()) out.push(c);
  return out;
}

/** Diffs keyed on `id` streamed (default budget) and partitioned; asserts equal results; returns the streamed one and whether it restarted. */
async function bothWays(a: string, b: string): Promise<{ streamed: FileDiff; changes: RowChange[]; restarted: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-direct-'));
  try {
    writeFileSync(join(dir, 'a.csv'), a);
    writeFileSync(join(dir, 'b.csv'), b);
    let last = -1;
    let restarted = false;
    const onProgress = (p: DiffProgress): void => {
      if (p.phase !== 'reading') return;
      if (p.done < last) restarted = true;
      last = p.done;
    };
    const streamed = await diffCsvFiles(join(dir, 'a.csv'), join(dir, 'b.csv'), { key: ['id'], exampleLimit: 100_000, onProgress });
    const partitioned = await diffCsvFiles(join(dir, 'a.csv'), join(dir, 'b.csv'), { key: ['id'], exampleLimit: 100_000, ...PARTITIONED });
    assert.deepEqual(streamed.diff, partitioned.diff);
    const changes = await all(streamed);
    assert.deepEqual(changes, await all(partitioned));
    partitioned.dispose();
    return { streamed, changes, restarted };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * About 3 MB of rows, more than one read batch (2 MB), fewer rows than the
 * statistics sample (so drift is exact and equal both ways): `late` is put
 * in column x of the last row of B.
 */
function bigPair(late: string): { a: string; b: string; rows: number } {
  const rows = 45_000;
  const row = (i: number, x: string, flag: string, y: string): string => `${i},${x},${flag},word${i % 17},${y},a note of some length for row ${i}`;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(row(i, String((i * 7) % 1000), i % 2 === 0 ? 'yes' : 'no', (i * 0.001).toFixed(3)));
  const header = 'id,x,flag,w,y,note\n';
  const changed = [...lines];
  changed[10] = row(10, '12345', 'yes', (10 * 0.001).toFixed(3));
  changed[rows - 1] = row(rows - 1, late, 'no', '9');
  return { a: header + lines.join('\n') + '\n', b: header + changed.join('\n') + '\n', rows };
}

test('a keyed diff streams B against A; rows match partitioned results', async () => {
  const { a, b } = bigPair('3');
  const { streamed, changes, restarted } = await bothWays(a, b);
  assert.equal(restarted, false);
  assert.equal(streamed.diff.rows.modified, 2);
  assert.deepEqual(changes.map((c) => c.key), [[10], [44_999]]);
  assert.deepEqual(changes[0].changes, [{ column: 'x', before: 10 * 7 % 1000, after: 12345 }]);
  streamed.dispose();
});

test('B changing a column type after its first batch restarts the diff by partitions, same result', async () => {
  // x is numeric in B's first batch and categorical at the end: the late text decides how every x cell shows.
  const { a, b } = bigPair('unknown');
  const { streamed, changes, restarted } = await bothWays(a, b);
  assert.equal(restarted, true);
  assert.equal(streamed.diff.rows.modified, 2);
  const last = changes.find((c) => c.key?.[0] === 44_999);
  assert.deepEqual(last?.changes?.find((c) => c.column === 'x'), { column: 'x', before: (44_999 * 7) % 1000, after: 'unknown' });
  streamed.dispose();
  // A boolean column meeting a number late (yes/no then 1): categorical in the end, also a restart.
  const lines = b.split('\n');
  lines[lines.length - 2] = lines[lines.length - 2].replace(',no,', ',1,');
  const again = await bothWays(a, lines.join('\n'));
  assert.equal(again.restarted, true);
  assert.ok(again.changes.some((c) => c.changes?.some((x) => x.column === 'flag' && x.after === '1')));
  again.streamed.dispose();
});

/** Two different keys whose row hashes (what sends a row to a partition) are equal, found by a birthday search. */
function collidingKeys(count: number): [string, string][] {
  const seen = new Map<number, string>();
  const pairs: [string, string][] = [];
  for (let i = 0; pairs.length < count; i++) {
    const k = `k${i}`;
    const h = finish(hashCell(HASH_SEED, NaN, k));
    const other = seen.get(h);
    if (other !== undefined) pairs.push([other, k]);
    else seen.set(h, k);
  }
  return pairs;
}

test('keys with equal hashes are still told apart by value, streamed and partitioned', async () => {
  const [[s1, s2], [t1, t2]] = collidingKeys(2);
  assert.equal(finish(hashCell(HASH_SEED, NaN, s1)), finish(hashCell(HASH_SEED, NaN, s2)));
  assert.notEqual(s1, s2);
  const filler = Array.from({ length: 200 }, (_, i) => `f${i},${i}`);
  const a = ['id,x', `${s1},1`, `${s2},2`, `${t1},3`, ...filler].join('\n') + '\n';
  const b = ['id,x', ...filler, `${s2},2`, `${s1},5`, `${t2},3`].join('\n') + '\n';
  const { streamed, changes } = await bothWays(a, b);
  const { added, removed, modified } = streamed.diff.rows;
  assert.deepEqual({ added, removed, modified }, { added: 1, removed: 1, modified: 1 });
  const byKind = Object.fromEntries(changes.map((c) => [c.kind, c]));
  assert.deepEqual(byKind.modified.key, [s1]);
  assert.deepEqual(byKind.modified.changes, [{ column: 'x', before: 1, after: 5 }]);
  assert.deepEqual(byKind.removed.key, [t1]);
  assert.deepEqual(byKind.added.key, [t2]);
  streamed.dispose();
});

test('duplicate keys in B are reported when B is streamed: matched in A, and among added rows', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-direct-'));
  try {
    const a = join(dir, 'a.csv');
    const b = join(dir, 'b.csv');
    writeFileSync(a, 'id,x\n1,1\n2,2\n');
    for (const [text, pattern] of [
      ['id,x\n1,1\n2,2\n1,3\n', /b\.csv: .*1.*lines? 2.*4/s],
      ['id,x\n1,1\n9,2\n9,3\n', /b\.csv: .*9.*lines? 3.*4/s],
    ] as const) {
      writeFileSync(b, text);
      await assert.rejects(diffCsvFiles(a, b, { key: ['id'], labels: { a: 'a.csv', b: 'b.csv' } }), (e: Error) => {
        assert.match(e.message, pattern);
        return true;
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an abort while B is streamed stops the diff and removes its temp files', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-direct-'));
  const temp = mkdtempSync(join(tmpdir(), 'runlens-direct-tmp-'));
  try {
    const { a, b } = bigPair('3');
    writeFileSync(join(dir, 'a.csv'), a);
    writeFileSync(join(dir, 'b.csv'), b);
    const controller = new AbortController();
    const sizeA = Buffer.byteLength(a);
    const phases: string[] = [];
    const run = diffCsvFiles(join(dir, 'a.csv'), join(dir, 'b.csv'), {
      key: ['id'], tempDir: temp, signal: controller.signal,
      onProgress: (p) => {
        phases.push(p.phase);
        // B's first batch is compared: abort from outside the diff's call stack, as a Cancel button would.
        if (p.phase === 'reading' && p.done > sizeA) setImmediate(() => controller.abort());
      },
    });
    await assert.rejects(run, (e: unknown) => (e as Error).name === 'AbortError');
    assert.ok(!phases.includes('comparing') && !phases.includes('statistics'), 'stopped while reading B');
    assert.deepEqual(readdirSync(temp), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  }
});
