import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readCsv } from '../../core/data/csvReader';
import { fingerprintFrame } from '../../core/data/fingerprint';
import { snapshotDatasetFile } from '../../datasets/snapshot';
import { tempDir, tempStore } from '../../store/testing/tempStore';
import { describeDiffError } from './diffMessages';
import { MAX_PAGE_ROWS, SideUnreadableError, runDatasetDiff } from './diffSession';

const OLD = 'id,name,score,city\n1,ann,0.5,Oslo\n2,bob,0.7,Rome\n3,cid,0.9,Oslo\n4,dan,0.1,Lima\n';
const NEW = 'id,name,score,city\n1,ann,0.5,Oslo\n2,bob,0.75,Rome\n4,dan,0.1,Lima\n5,eve,0.3,Oslo\n';

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

test('a keyed diff of two files: counts, schema, paired statistics, rows paged under a filter, capped', async (t) => {
  const root = tempDir(t);
  write(root, 'data/old.csv', OLD);
  write(root, 'data/new.csv', NEW);
  const progress: string[] = [];
  const result = await runDatasetDiff('data/old.csv', 'data/new.csv', ['id'], { root }, { onProgress: (m) => progress.push(m) });
  t.after(() => result.dispose());
  const s = result.summary;
  assert.deepEqual(s.counts, { added: 1, removed: 1, modified: 1, changedCells: 1 });
  assert.equal(s.mode, 'key');
  assert.deepEqual(s.key, ['id']);
  assert.equal(s.identical, false);
  assert.deepEqual([s.a.rows, s.b.rows], [4, 4]);
  assert.deepEqual([s.a.ref, s.b.ref], ['data/old.csv', 'data/new.csv']);
  assert.deepEqual(s.columns, ['id', 'name', 'score', 'city']);
  // statistics computed from the files (no store): one pair per column, both sides present
  assert.deepEqual(s.statistics.map((p) => p.column), ['id', 'name', 'score', 'city']);
  const score = s.statistics.find((p) => p.column === 'score');
  assert.equal(score?.a?.type, 'numeric');
  assert.equal(score?.a?.type === 'numeric' && score.a.max, 0.9);
  assert.equal(score?.b?.type === 'numeric' && score.b.max, 0.75);
  assert.ok(s.a.fingerprint && /^[0-9a-f]{64}$/.test(s.a.fingerprint), 'the computed side carries its sha256');
  assert.ok(progress.includes('Reading A') && progress.includes('Computing statistics'), progress.join(', '));

  const all = await result.page(0, 10, {});
  assert.equal(all.total, 3);
  const modified = await result.page(0, 10, { kind: 'modified' });
  assert.equal(modified.total, 1);
  assert.deepEqual(modified.rows[0].changes, [{ column: 'score', before: 0.7, after: 0.75 }]);
  const byColumn = await result.page(0, 10, { column: 'score' });
  assert.ok(byColumn.rows.every((r) => r.kind !== 'modified' || r.changes?.some((c) => c.column === 'score')));
  // an unknown column is ignored rather than passed to the engine; a huge limit is capped
  assert.equal((await result.page(0, 10, { column: '<img src=x>' })).total, 3);
  assert.ok(MAX_PAGE_ROWS <= 500);
  assert.equal((await result.page(-5, 1e9, {})).offset, 0);
});

test('a recorded version uses the statistics stored with it; the current file gets computed ones', async (t) => {
  const { store, dir } = tempStore(t);
  const root = path.dirname(dir);
  const file = write(root, 'data/train.csv', OLD);
  const frame = await readCsv(file, { hash: true });
  const fp = fingerprintFrame(frame, frame.sha256 as string);
  const run = store.createRun({ experiment: 'exp', name: 'first-run' });
  store.datasets.logInput(run.id, { fingerprint: fp.sha256, path: 'data/train.csv', rows: fp.rows, columns: fp.columns, schema: fp.schema, stats: fp.stats }, 'train');
  assert.equal(snapshotDatasetFile(store, fp.sha256, file, 10 * 1024 * 1024), 'stored');
  fs.writeFileSync(file, NEW); // the file moves on: the version is read from its snapshot

  const result = await runDatasetDiff(`sha256:${fp.sha256}`, 'data/train.csv', ['id'], { root, store });
  t.after(() => result.dispose());
  const s = result.summary;
  assert.equal(s.a.fingerprint, fp.sha256);
  assert.deepEqual(s.statistics.map((p) => p.a), fp.stats, 'A: the stored statistics');
  assert.notDeepEqual(s.statistics.map((p) => p.b), fp.stats, 'B: computed from the new content');
  assert.deepEqual(s.counts, { added: 1, removed: 1, modified: 1, changedCells: 1 });
});

test('drift comes sorted by severity; a renamed column pairs its statistics under "old → new"', async (t) => {
  const root = tempDir(t);
  const rows = (f: (i: number) => string) => Array.from({ length: 400 }, (_, i) => f(i)).join('\n');
  write(root, 'a.csv', `id,shift,stable,old_name\n${rows((i) => `${i},${i % 10},${i % 7},${i % 3}`)}\n`);
  write(root, 'b.csv', `id,shift,stable,new_name\n${rows((i) => `${i},${(i % 10) + 50},${i % 7},${i % 3}`)}\n`);
  const result = await runDatasetDiff('a.csv', 'b.csv', ['id'], { root });
  t.after(() => result.dispose());
  const verdicts = result.summary.drift.map((d) => d.verdict);
  const rank = { large: 2, moderate: 1, none: 0 };
  assert.deepEqual(verdicts, [...verdicts].sort((x, y) => rank[y] - rank[x]));
  assert.equal(result.summary.drift[0].column, 'shift');
  assert.equal(result.summary.drift[0].verdict, 'large');
  assert.deepEqual(result.summary.schema.renamed, [{ from: 'old_name', to: 'new_name' }]);
  const pair = result.summary.statistics.find((p) => p.column === 'old_name → new_name');
  assert.ok(pair?.a && pair.b, JSON.stringify(result.summary.statistics.map((p) => p.column)));
  assert.equal(result.summary.statistics.length, 4, 'the old name is not listed again on its own');
});

test('bad input becomes one clear line: duplicate keys, a missing key column, a missing file, a cancel', async (t) => {
  const root = tempDir(t);
  write(root, 'dup.csv', 'id,v\n1,a\n1,b\n');
  write(root, 'ok.csv', 'id,v\n1,a\n');
  const failure = async (...args: Parameters<typeof runDatasetDiff>) => {
    try {
      (await runDatasetDiff(...args)).dispose();
    } catch (e) {
      // The panel offers "Change key…" except when a side could not be read.
      return { ...describeDiffError(e), sideUnreadable: e instanceof SideUnreadableError };
    }
    assert.fail('expected the diff to fail');
  };
  const dup = await failure('dup.csv', 'ok.csv', ['id'], { root });
  assert.match(dup.message, /dup\.csv/);
  assert.match(dup.message, /duplicate/i);
  assert.doesNotMatch(dup.message, /\n/);
  assert.equal(dup.unexpected, false);
  assert.equal(dup.sideUnreadable, false, 'another key can fix duplicate keys');
  const key = await failure('ok.csv', 'ok.csv', ['nope'], { root });
  assert.match(key.message, /nope/);
  const missing = await failure('ok.csv', 'gone.csv', [], { root });
  assert.equal(missing.message, 'B: gone.csv is gone (no such file: deleted or moved since the diff was opened)', 'names the side whose file is gone');
  assert.equal(missing.unexpected, false);
  assert.equal(missing.sideUnreadable, true);
  const missingA = await failure('gone.csv', 'ok.csv', [], { root });
  assert.match(missingA.message, /^A: gone\.csv is gone /);
  const notFile = await failure('ok.csv', '.', [], { root });
  assert.equal(notFile.message, 'B: .: not a file', 'other unreadable refs keep their reason, with the side');
  assert.equal(notFile.sideUnreadable, true);
  const aborted = new AbortController();
  aborted.abort();
  const cancelled = await failure('ok.csv', 'ok.csv', [], { root }, { signal: aborted.signal });
  assert.equal(cancelled.message, 'The diff was cancelled.');
});
