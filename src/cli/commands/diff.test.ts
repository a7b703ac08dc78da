/**
 * `runlens diff`: real CSV files, a real git repository and a real store;
 * most cases call the CLI's `main` in process, one spawns the real process
 * to check the exit codes a CI job sees.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { cliEnv, runCli } from '../../../test/fixtures/workspace';
import { datasetWorkspace } from '../../datasets/testing/datasetWorkspace';
import { main } from '../main';

interface Result {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

async function cli(cwd: string, args: string[], interactive = false): Promise<Result> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd, env: cliEnv(cwd), interactive });
  return { code, out, err };
}

// Scores repeat: a column of one whole number per row (0..39) would be ID-like and not drift-tested.
const BASE = 'id,name,score\n' + Array.from({ length: 40 }, (_, i) => `${i},n${i % 4},${i % 20}`).join('\n') + '\n';
/** One cell changed: rows differ, no column drifts. */
const ONE_CELL = BASE.replace('\n7,n3,7\n', '\n7,n3,7.5\n');
/** Scores shifted far: drift is large. */
const SHIFTED = 'id,name,score\n' + Array.from({ length: 40 }, (_, i) => `${i},n${i % 4},${i % 20 + 100}`).join('\n') + '\n';

function setup(t: TestContext) {
  const ws = datasetWorkspace(t);
  ws.write('a.csv', BASE);
  ws.write('same.csv', BASE.split('\n').reverse().join('\n').trim().split('\n').sort((x, y) => (x.startsWith('id') ? -1 : y.startsWith('id') ? 1 : 0)).join('\n') + '\n');
  ws.write('cell.csv', ONE_CELL);
  ws.write('shifted.csv', SHIFTED);
  ws.write('extra.csv', BASE.replace(/^id,name,score/, 'id,name,score2').replace(/\n$/, '\n'));
  return ws;
}

test('exit 0 for no change (rows reordered), 1 for a change; text summary on stdout, nothing on stderr off a terminal', async (t) => {
  const ws = setup(t);
  const same = await cli(ws.root, ['diff', 'a.csv', 'same.csv']);
  assert.equal(same.code, 0, same.err);
  assert.match(same.out, /^A  a\.csv  \(40 rows\)\nB  same\.csv  \(40 rows\)\n\nNo differences\.\n$/);
  assert.equal(same.err, '');
  const changed = await cli(ws.root, ['diff', 'a.csv', 'cell.csv', '--key', 'id']);
  assert.equal(changed.code, 1, changed.err);
  assert.match(changed.out, /0 rows added, 0 removed, 1 modified \(1 cell\)/);
  assert.match(changed.out, /modified +id=7  score: 7 → 7\.5/);
  assert.equal(changed.err, '');
});

test('--fail-on: exit 1 only when the condition is met', async (t) => {
  const ws = setup(t);
  const cases: [string, string[], number][] = [
    ['cell.csv', ['--fail-on', 'drift=large'], 0],
    ['cell.csv', ['--fail-on', 'rows'], 1],
    ['cell.csv', ['--fail-on', 'schema'], 0],
    ['shifted.csv', ['--fail-on', 'drift=large'], 1],
    ['shifted.csv', ['--fail-on', 'drift=moderate'], 1],
    ['extra.csv', ['--fail-on', 'schema'], 1],
    ['extra.csv', ['--fail-on', 'drift=large,rows'], 0],
  ];
  for (const [b, flags, expected] of cases) {
    const r = await cli(ws.root, ['diff', 'a.csv', b, '--key', 'id', ...flags]);
    assert.equal(r.code, expected, `${b} ${flags.join(' ')}: ${r.out}${r.err}`);
    if (expected === 1) assert.match(r.out, /\nfailed: /);
  }
});

test('--json: both sides, summary, the diff and the first --max-rows changes', async (t) => {
  const ws = setup(t);
  const r = await cli(ws.root, ['diff', 'a.csv', 'shifted.csv', '--key', 'id', '--json', '--max-rows', '3', '--fail-on', 'drift=large']);
  assert.equal(r.code, 1, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.a, { ref: 'a.csv', label: 'a.csv', fingerprint: null });
  assert.equal(j.b.label, 'shifted.csv');
  assert.equal(j.changed, true);
  assert.equal(j.exitCode, 1);
  assert.deepEqual(j.failOn, ['drift=large']);
  assert.deepEqual(j.failOnMet, ['drift=large']);
  assert.deepEqual(j.columns, ['id', 'name', 'score']);
  assert.equal(j.diff.rows.modified, 40);
  assert.equal(j.changesTotal, 40);
  assert.equal(j.changes.length, 3);
  assert.deepEqual(j.changes[0].changes, [{ column: 'score', before: 0, after: 100 }]);
  assert.equal(j.diff.drift.find((d: { column: string }) => d.column === 'score').verdict, 'large');
  assert.match(j.summary, /40 modified/);
});

test('--markdown: the report, with changed rows capped by --max-rows', async (t) => {
  const ws = setup(t);
  const r = await cli(ws.root, ['diff', 'a.csv', 'shifted.csv', '--key', 'id', '--markdown', '--max-rows', '2']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /^## Dataset diff\n/);
  assert.match(r.out, /### Changed rows \(first 2 of 40\)/);
  assert.match(r.out, /\| modified \| 0 \| n0 \| 0 → \*\*100\*\* \|/);
  assert.match(r.out, /\| score \| large shift \|/);
});

test('errors exit 2 with one line and no stack', async (t) => {
  const ws = setup(t);
  const cases: [string[], RegExp][] = [
    [['diff', 'a.csv'], /^error: expected two datasets, got 1; usage: runlens diff/],
    [['diff', 'a.csv', 'none.csv'], /^error: none\.csv: no such file$/],
    [['diff', 'a.csv', 'cell.csv', '--key', 'nope'], /^error: .*key column "nope"/],
    [['diff', 'a.csv', 'cell.csv', '--fail-on', 'drift'], /^error: --fail-on "drift" is not a condition \(use drift=large, drift=moderate, rows, schema\)$/],
    [['diff', 'a.csv', 'cell.csv', '--max-rows=-1'], /^error: --max-rows "-1" is not a whole number >= 0$/],
    [['diff', 'a.csv', 'cell.csv', '--max-rows', 'ten'], /^error: --max-rows "ten" is not a whole number >= 0$/],
    [['diff', 'a.csv', 'cell.csv', '--json', '--markdown'], /^error: --json and --markdown cannot be combined$/],
    [['diff', 'a.csv', 'cell.csv', '--frobnicate'], /^error: Unknown option '--frobnicate'/],
    [['diff', 'a.csv@HEAD', 'cell.csv'], /^error: a\.csv@HEAD: .* is not inside a git repository/],
    [['diff', 'abcdef1234', 'cell.csv'], /^error: no recorded dataset version matches "abcdef1234"/],
  ];
  for (const [args, pattern] of cases) {
    const r = await cli(ws.root, args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.out}`);
    assert.match(r.err.trimEnd(), pattern);
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    assert.equal(r.out, '');
  }
});

test('git revisions and recorded versions as sides', async (t) => {
  const ws = setup(t);
  ws.initGit();
  ws.write('data/d.csv', BASE);
  const c1 = ws.commit('base');
  const v1 = ws.recordRun('r1', 'data/d.csv', { gitCommit: c1, snapshot: true });
  ws.write('data/d.csv', ONE_CELL);
  ws.commit('one cell');
  ws.write('data/d.csv', SHIFTED); // uncommitted

  const fromGit = await cli(ws.root, ['diff', 'data/d.csv@HEAD~1', 'data/d.csv@HEAD', '--key', 'id', '--json']);
  assert.equal(fromGit.code, 1, fromGit.err);
  const j = JSON.parse(fromGit.out);
  assert.equal(j.a.label, 'data/d.csv@HEAD~1');
  assert.equal(j.a.fingerprint, v1.fingerprint);
  assert.equal(j.diff.rows.modified, 1);
  // From a sub-folder: typed paths are relative to it, versions resolve through the store above.
  const sub = path.join(ws.root, 'data');
  const version = await cli(sub, ['diff', v1.fingerprint.slice(0, 8), 'd.csv@HEAD~1']);
  assert.equal(version.code, 0, version.err);
  assert.match(version.out, new RegExp(`A  data/d\\.csv \\(version ${v1.fingerprint.slice(0, 12)}\\)`));
  assert.match(version.out, /B  d\.csv@HEAD~1/);
  const unknownRev = await cli(ws.root, ['diff', 'data/d.csv@v9', 'data/d.csv']);
  assert.equal(unknownRev.code, 2);
  assert.match(unknownRev.err, /^error: data\/d\.csv@v9: unknown git revision "v9"\n$/);
});

test('on a terminal, progress goes to stderr and is cleared', async (t) => {
  const ws = setup(t);
  const r = await cli(ws.root, ['diff', 'a.csv', 'shifted.csv', '--key', 'id'], true);
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.out, /\r|\x1b/, 'stdout stays clean');
  assert.match(r.err, /^\r\x1b\[2Kdiff: [a-z]+.*\r\x1b\[2K$/s);
});

test('the real process exits 0, 1 and 2', (t) => {
  const ws = setup(t);
  assert.equal(runCli(ws.root, ['diff', 'a.csv', 'same.csv']).code, 0);
  assert.equal(runCli(ws.root, ['diff', 'a.csv', 'cell.csv']).code, 1);
  const bad = runCli(ws.root, ['diff', 'a.csv', 'missing.csv']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'error: missing.csv: no such file\n');
});
