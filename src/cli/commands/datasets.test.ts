/**
 * `runlens datasets`, `dataset show` and `diff` on versions, after real
 * trainings (a real trainer process, the real store) on a data file that
 * changes between them.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cliEnv, makeWorkspace } from '../../../test/fixtures/workspace';
import { main } from '../main';
import { runsCell } from './datasets';

async function cli(cwd: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t), cwd, env: cliEnv(cwd), interactive: false });
  return { code, out, err };
}

describe('dataset versions from two trainings on a changed file', () => {
  const ws = makeWorkspace();
  const iris = join(ws.dir, 'data', 'iris.csv');
  const original = readFileSync(iris, 'utf8');
  const edited = original.replace(/^5\.1,3\.5,1\.4,0\.2,setosa$/m, '5.15,3.5,1.4,0.2,setosa');
  const runs: string[] = [];
  after(() => ws.cleanup());

  before(async () => {
    assert.notEqual(edited, original);
    for (const text of [original, edited]) {
      writeFileSync(iris, text);
      const r = await cli(ws.dir, ['train', 'iris.train.yaml', '--json']);
      assert.equal(r.code, 0, r.err);
      runs.push(JSON.parse(r.out).id);
    }
  });

  test('datasets --json lists two versions, newest first, each with its run; the older one kept as a snapshot', async () => {
    const r = await cli(ws.dir, ['datasets', '--json']);
    assert.equal(r.code, 0, r.err);
    const files = JSON.parse(r.out);
    assert.deepEqual(files.map((f: { path: string }) => f.path), ['data/iris.csv']);
    const [file] = files;
    assert.equal(file.state, 'unchanged');
    assert.equal(file.absPath, iris);
    assert.equal(file.versions.length, 2);
    assert.equal(file.versions[0].fingerprint, file.currentFingerprint);
    assert.deepEqual(file.versions.map((v: { runs: { runId: string }[] }) => v.runs.map((x) => x.runId)), [[runs[1]], [runs[0]]]);
    assert.deepEqual(file.versions.map((v: { source: string }) => v.source), ['current-file', 'snapshot']);
    assert.deepEqual([file.versions[1].rows, file.versions[1].columns], [150, 5]);
    assert.equal(file.versions[0].runs[0].role, 'train');
  });

  test('the table flags a file changed since its last run; dataset show lists its versions', async () => {
    writeFileSync(iris, edited.replace('5.15,3.5', '5.25,3.5'));
    const table = await cli(ws.dir, ['datasets']);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, /^path +versions +latest rows×cols +state +runs\n/);
    assert.match(table.out, /\ndata\/iris\.csv +2 +150×5 +changed since last run +2\n/);
    const show = await cli(join(ws.dir, 'data'), ['dataset', 'show', 'iris.csv']);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /^data\/iris\.csv  \(changed since last run, current [0-9a-f]{12}\)/);
    assert.equal(show.out.match(/ snapshot\n/g)?.length, 2, 'both versions readable from snapshots');
  });

  test('dataset show <fingerprint> prints the schema and statistics of that version', async () => {
    const files = JSON.parse((await cli(ws.dir, ['datasets', '--json'])).out);
    const older = files[0].versions[1].fingerprint as string;
    const show = await cli(ws.dir, ['dataset', 'show', older.slice(0, 10)]);
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, new RegExp(`^data/iris\\.csv  version ${older}\\nshape +150 rows × 5 columns`));
    assert.match(show.out, /\nspecies +categorical +0 +3 distinct: setosa \(50\), versicolor \(50\), virginica \(50\)/);
    assert.match(show.out, /\nsepal_length +numeric +0 +min 4\.3000 +max 7\.9000/);
    const json = JSON.parse((await cli(ws.dir, ['dataset', 'show', older, '--json'])).out);
    assert.equal(json.fingerprint, older);
    assert.equal(json.stats.length, 5);
    assert.equal(json.stats[0].histogram.counts.reduce((s: number, c: number) => s + c, 0), 150);
  });

  test('diff of the two recorded versions, after the file changed again and after gc', async () => {
    const files = JSON.parse((await cli(ws.dir, ['datasets', '--json'])).out);
    const [newer, older] = files[0].versions.map((v: { fingerprint: string }) => v.fingerprint);
    assert.equal((await cli(ws.dir, ['gc'])).code, 0);
    const r = await cli(ws.dir, ['diff', older.slice(0, 8), newer.slice(0, 8), '--json']);
    assert.equal(r.code, 1, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.a.fingerprint, older);
    assert.equal(j.b.fingerprint, newer);
    assert.deepEqual([j.diff.rows.added, j.diff.rows.removed], [1, 1]);
    assert.equal(j.changes.find((c: { kind: string }) => c.kind === 'added').values.sepal_length, 5.15);
    const same = await cli(ws.dir, ['diff', older, older]);
    assert.equal(same.code, 0, same.err);
  });
});

test('runsCell: run labels up to the width, then how many more', () => {
  assert.equal(runsCell(['a (train)', 'b (train)'], 60), 'a (train), b (train)');
  assert.equal(runsCell(['a'.repeat(30), 'b'.repeat(30), 'c'.repeat(30)], 60), `${'a'.repeat(30)}, +2 more`);
  assert.equal(runsCell(['a'.repeat(70)], 60), 'a'.repeat(70));
  assert.equal(runsCell([], 60), '');
});

describe('dataset show for a file many runs read', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());

  test('the versions table stays one line a version; a version lists its runs one a line', async () => {
    const names = ['decision-tree-baseline-with-a-long-name', 'decision-tree-second-try-with-a-long-name', 'decision-tree-third-try-with-a-long-name'];
    for (const name of names) assert.equal((await cli(ws.dir, ['train', 'iris.train.yaml', '--name', name])).code, 0);
    const file = await cli(ws.dir, ['dataset', 'show', 'data/iris.csv']);
    assert.equal(file.code, 0, file.err);
    const row = file.out.split('\n').find((l) => names.some((n) => l.includes(n)))!;
    assert.match(row, /, \+2 more/);
    assert.ok(row.length < 140, row);
    const fingerprint = /^(\w{12}) /m.exec(file.out.split('\n').slice(2).join('\n'))![1]!;
    const version = await cli(ws.dir, ['dataset', 'show', fingerprint]);
    const runLines = version.out.split('\n').filter((l) => names.some((n) => l.includes(n)));
    assert.equal(runLines.length, 3, version.out);
    assert.match(runLines[0]!, /^runs {8}decision-tree-/);
    assert.match(runLines[1]!, /^ {12}decision-tree-/);
  });
});
