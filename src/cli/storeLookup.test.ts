/**
 * Where the real CLI finds its store: a read never creates `.runlens/`, and
 * the lookup from a subfolder stops at the workspace root. These tests pass
 * `RUNLENS_STORE: ''` (the lookup itself is what they test) and set HOME to
 * their temp folder, so the walk cannot leave it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { makeWorkspace, runCli } from '../../test/fixtures/workspace';

describe('a read with no store', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());
  const lookup = { RUNLENS_STORE: '', HOME: ws.dir };

  for (const args of [['runs'], ['show', 'x'], ['compare', 'a', 'b'], ['metrics', 'x', 'loss'], ['experiments'], ['datasets'],
    ['dataset', 'show', 'data/iris.csv'], ['models'], ['model', 'show', 'iris'], ['delete', 'x'], ['gc'], ['export', 'mlflow', 'out']]) {
    test(`runlens ${args.join(' ')} says so and creates nothing`, () => {
      const r = runCli(ws.dir, args, lookup);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, `error: no RunLens store here (looked for .runlens/ in ${ws.dir}); train a config or pass --store\n`);
      assert.equal(existsSync(join(ws.dir, '.runlens')), false);
    });
  }

  test('--store naming a missing folder is named in the message', () => {
    const r = runCli(ws.dir, ['runs', '--store', 'elsewhere'], lookup);
    assert.equal(r.stderr, `error: no RunLens store at ${join(ws.dir, 'elsewhere')} (named by --store); train a config or pass another --store\n`);
    assert.equal(existsSync(join(ws.dir, 'elsewhere')), false);
  });

  test('runs --server needs no store and creates none', () => {
    const r = runCli(ws.dir, ['runs', '--server', 'env'], { ...lookup, MLFLOW_TRACKING_URI: '' });
    assert.match(r.stderr, /MLFLOW_TRACKING_URI is not set/);
    assert.equal(existsSync(join(ws.dir, '.runlens')), false);
  });
});

describe('the lookup from a subfolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'runlens-lookup-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const ws = makeWorkspace();
  after(() => ws.cleanup());

  test('finds the workspace store from below and says which it used; a write creates one', () => {
    assert.equal(runCli(ws.dir, ['train', 'iris.train.yaml'], { RUNLENS_STORE: '', HOME: ws.dir }).code, 0);
    assert.ok(existsSync(join(ws.dir, '.runlens', 'store.db')));
    const data = join(ws.dir, 'data');
    const r = runCli(data, ['runs', '--json'], { RUNLENS_STORE: '', HOME: ws.dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as unknown[]).length, 1);
    assert.equal(r.stderr, `using the store in ${join(ws.dir, '.runlens')}\n`);
    // In the store's own folder nothing is said.
    assert.equal(runCli(ws.dir, ['runs', '--json'], { RUNLENS_STORE: '', HOME: ws.dir }).stderr, '');
  });

  test('does not collect the runs of a stray store above the workspace root', () => {
    mkdirSync(join(root, '.runlens'));
    writeFileSync(join(root, '.runlens', 'store.db'), '');
    const project = join(root, 'project');
    mkdirSync(join(project, 'src'), { recursive: true });
    writeFileSync(join(project, 'package.json'), '{}');
    const r = runCli(join(project, 'src'), ['runs'], { RUNLENS_STORE: '', HOME: root });
    assert.equal(r.stderr, `error: no RunLens store here (looked for .runlens/ in ${join(project, 'src')} up to ${project}); train a config or pass --store\n`);
  });
});
