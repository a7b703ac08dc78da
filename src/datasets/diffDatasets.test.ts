/**
 * The one diff orchestration behind `runlens diff` and the diff panel: real
 * CSV files, a real git repository, real temp copies and spill files.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { AbortError } from '../core/util/errors';
import type { DiffSideName } from './diffDatasets';
import { DatasetError } from './datasetError';
import { diffDatasets } from './diffDatasets';
import { parseDatasetRef } from './datasetRef';
import { materializeDataset } from './materialize';
import { datasetWorkspace, sha256Of } from './testing/datasetWorkspace';

const BASE = 'id,v\n1,a\n2,b\n3,c\n';
const ONE_CELL = 'id,v\n1,a\n2,B\n3,c\n';

function setup(t: TestContext) {
  const ws = datasetWorkspace(t);
  ws.initGit();
  ws.write('data/d.csv', BASE);
  ws.commit('base');
  ws.write('data/d.csv', ONE_CELL);
  const temp = path.join(ws.root, '.runlens', 'tmp');
  fs.mkdirSync(temp, { recursive: true });
  const side = (text: string, root = ws.root) => ({ ref: parseDatasetRef(text), ctx: { root, tempDir: temp } });
  return { ws, temp, side };
}

test('a git revision against the work tree: both sides as files, the engine result, and dispose removes every temp file', async (t) => {
  const { ws, temp, side } = setup(t);
  const sides: DiffSideName[] = [];
  const phases = new Set<string>();
  const both = await diffDatasets(side('data/d.csv@HEAD'), side('data/d.csv'), {
    key: ['id'],
    tempDir: temp,
    onSide: (s) => sides.push(s),
    onProgress: (p) => phases.add(p.phase),
  });
  assert.deepEqual(sides, ['A', 'B']);
  assert.ok(phases.size > 0, 'the engine reported progress');
  assert.equal(both.a.label, 'data/d.csv@HEAD');
  assert.equal(both.b.label, 'data/d.csv');
  assert.equal(both.b.file, path.join(ws.root, 'data/d.csv'));
  assert.equal(fs.readFileSync(both.a.file, 'utf8'), BASE, 'A is the committed content');
  assert.equal(both.a.fingerprint, sha256Of(both.a.file));
  assert.equal(both.fileDiff.diff.rows.mode, 'key');
  assert.equal(both.fileDiff.diff.rows.modified, 1);
  assert.deepEqual((await both.fileDiff.page(0, 10)).rows[0]?.changes, [{ column: 'v', before: 'b', after: 'B' }]);
  assert.ok(fs.readdirSync(temp).length > 0, 'the git copy lives in the temp folder while the diff is open');
  both.dispose();
  both.dispose();
  assert.deepEqual(fs.readdirSync(temp), []);
  assert.equal(fs.readFileSync(path.join(ws.root, 'data/d.csv'), 'utf8'), ONE_CELL, 'the work tree file is never removed');
});

test('each side resolves against its own context; no key compares whole rows; exampleLimit caps the examples', async (t) => {
  const { ws, side } = setup(t);
  ws.write('other/d.csv', 'id,v\n1,a\n2,b\n3,c\n4,d\n5,e\n');
  const both = await diffDatasets(side('d.csv', path.join(ws.root, 'data')), side('d.csv', path.join(ws.root, 'other')), { key: [], exampleLimit: 1 });
  t.after(() => both.dispose());
  assert.equal(both.fileDiff.diff.rows.mode, 'hash');
  assert.equal(both.fileDiff.diff.rows.added, 3, '2,b → 2,B is one row removed and one added; 4 and 5 are new');
  assert.equal(both.fileDiff.diff.rows.removed, 1);
  assert.equal(both.fileDiff.diff.rows.addedRows.length, 1);
});

test('a failure after A was copied leaves nothing behind, and the error is materialize\'s own', async (t) => {
  const { temp, side } = setup(t);
  await assert.rejects(diffDatasets(side('data/d.csv@HEAD'), side('data/missing.csv')), new DatasetError('data/missing.csv: no such file'));
  assert.deepEqual(fs.readdirSync(temp), [], 'the copy of A is removed');
  await assert.rejects(diffDatasets(side('data/d.csv@HEAD'), side('data/d.csv'), { key: ['nope'], tempDir: temp }), /nope/);
  assert.deepEqual(fs.readdirSync(temp), [], 'an engine error removes the copy and the spill folder');
});

test('an abort stops before the next side, and a caller can name the sides in its errors', async (t) => {
  const { temp, side } = setup(t);
  const aborted = new AbortController();
  aborted.abort();
  const sides: DiffSideName[] = [];
  await assert.rejects(diffDatasets(side('data/d.csv@HEAD'), side('data/d.csv'), { signal: aborted.signal, onSide: (s) => sides.push(s) }), AbortError);
  assert.deepEqual(sides, ['A']);
  assert.deepEqual(fs.readdirSync(temp), []);
  const named = (s: DiffSideName, ref: Parameters<typeof materializeDataset>[0], ctx: Parameters<typeof materializeDataset>[1]) =>
    materializeDataset(ref, ctx).catch((e: Error) => Promise.reject(new Error(`${s}: ${e.message}`)));
  await assert.rejects(diffDatasets(side('data/d.csv'), side('gone.csv'), { materialize: named }), /^Error: B: gone\.csv: no such file$/);
});
