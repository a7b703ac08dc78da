/**
 * End-to-end tests of the `runlens` CLI: real processes, a real SQLite store,
 * the real example CSVs. Nothing is mocked.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, runCli } from '../../test/fixtures/workspace';

describe('runlens CLI on the examples workspace', () => {
  const ws = makeWorkspace();
  let irisId = '';
  after(() => ws.cleanup());

  before(() => {
    const r = runCli(ws.dir, ['train', 'iris.train.yaml', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    irisId = out.id;
  });

  test('train --json prints one object with id, status, params and test metrics', () => {
    const r = runCli(ws.dir, ['train', 'iris.train.yaml', '--json', '--set', 'model.params.max_depth=2']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.match(out.id, /^[0-9a-f]{32}$/);
    assert.equal(out.status, 'finished');
    assert.equal(out.params.model, 'decision_tree');
    assert.equal(String(out.params.max_depth), '2');
    assert.ok(out.metrics.test_accuracy > 0.8 && out.metrics.test_accuracy <= 1, `accuracy ${out.metrics.test_accuracy}`);
    assert.ok('test_f1_macro' in out.metrics);
    assert.ok(existsSync(join(ws.dir, '.runlens', 'store.db')));
    assert.equal(readFileSync(join(ws.dir, '.runlens', '.gitignore'), 'utf8').trim(), '*');
  });

  test('train prints a result table and progress on stderr', () => {
    const r = runCli(ws.dir, ['train', 'breast_cancer.train.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /test_accuracy\s+0\.9\d+/);
    assert.match(r.stderr, /breast-cancer · .*started/);
  });

  test('runs --filter uses the filter language; --json is machine readable', () => {
    const all = JSON.parse(runCli(ws.dir, ['runs', '--json']).stdout);
    assert.ok(all.length >= 3);
    const r = runCli(ws.dir, ['runs', '--json', '--filter', 'params.model = "decision_tree" and metrics.test_accuracy > 0.5', '--sort', 'metrics.test_accuracy DESC']);
    assert.equal(r.code, 0, r.stderr);
    const runs = JSON.parse(r.stdout);
    assert.equal(runs.length, 2);
    assert.ok(runs.every((x: { params: Record<string, string> }) => x.params.model === 'decision_tree'));
    assert.ok(runs[0].metrics.test_accuracy >= runs[1].metrics.test_accuracy);
  });

  test('a malformed filter points at the offending token', () => {
    const r = runCli(ws.dir, ['runs', '--filter', 'metrics.test_accuracy >> 0.9']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: .*column/m);
    assert.match(r.stderr, /\^/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
  });

  test('show, metrics --csv and compare --only-changed', () => {
    const show = runCli(ws.dir, ['show', irisId.slice(0, 8)]);
    assert.equal(show.code, 0, show.stderr);
    assert.match(show.stdout, /max_depth\s+4/);
    assert.match(show.stdout, /model\/model\.json/);
    assert.match(show.stdout, /data\/iris\.csv/);
    const csv = runCli(ws.dir, ['metrics', irisId, 'test_accuracy', '--csv']);
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(csv.stdout, /^step,timestamp,value\n0,\d+,0\.\d+/);
    const runs = JSON.parse(runCli(ws.dir, ['runs', '--json', '--experiment', 'iris']).stdout);
    const cmp = runCli(ws.dir, ['compare', runs[0].id, runs[1].id, '--only-changed']);
    assert.equal(cmp.code, 0, cmp.stderr);
    assert.match(cmp.stdout, /max_depth/);
    assert.doesNotMatch(cmp.stdout, /criterion/, 'unchanged params hidden');
  });

  test('--gate fails the command with a one-line reason', () => {
    const ok = runCli(ws.dir, ['train', 'iris.train.yaml', '--gate', 'metrics.test_accuracy >= 0.5']);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = runCli(ws.dir, ['train', 'iris.train.yaml', '--gate', 'metrics.test_accuracy > 1']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^gate failed: metrics\.test_accuracy = 0\.\d+ \(gate: metrics\.test_accuracy > 1\)$/m);
  });

  test('delete removes a run and gc frees nothing more', () => {
    const before = JSON.parse(runCli(ws.dir, ['runs', '--json']).stdout).length;
    const del = runCli(ws.dir, ['delete', irisId]);
    assert.equal(del.code, 0, del.stderr);
    assert.match(del.stdout, /deleted .* freed/);
    assert.equal(JSON.parse(runCli(ws.dir, ['runs', '--json']).stdout).length, before - 1);
    assert.equal(runCli(ws.dir, ['show', irisId]).code, 1);
    const gc = runCli(ws.dir, ['gc']);
    assert.equal(gc.code, 0, gc.stderr);
    assert.match(gc.stdout, /^removed 0 unreferenced/);
  });
});

describe('runlens CLI errors', () => {
  const ws = makeWorkspace();
  after(() => ws.cleanup());

  test('an invalid config names file, line and column and starts no run', () => {
    ws.write('bad.train.yaml', 'experiment: x\ndata:\n  path: data/iris.csv\n  target: species\nmodel:\n  type: random_forest\n');
    const r = runCli(ws.dir, ['train', 'bad.train.yaml']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.train\.yaml:6:\d+: .*random_forest/);
    // Nothing was written, not even a store: a read says there is none.
    assert.match(runCli(ws.dir, ['runs', '--json']).stderr, /^error: no RunLens store at /);
  });

  test('a bad CSV fails the run with file, line and column, and leaves it failed', () => {
    ws.write('data/ragged.csv', 'a,b,y\n1,2,x\n3,4\n5,6,z\n');
    ws.write('ragged.train.yaml', 'experiment: bad\ndata:\n  path: data/ragged.csv\n  target: y\nmodel:\n  type: decision_tree\n');
    const r = runCli(ws.dir, ['train', 'ragged.train.yaml', '--json']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ragged\.csv:3/);
    const out = JSON.parse(r.stdout);
    assert.equal(out.status, 'failed');
    const show = JSON.parse(runCli(ws.dir, ['show', out.id, '--json']).stdout);
    assert.equal(show.status, 'failed');
    assert.match(show.error, /ragged\.csv:3/);
  });

  test('unknown command and missing config are one line, exit non-zero', () => {
    const a = runCli(ws.dir, ['trian']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command "trian"/);
    const b = runCli(ws.dir, ['train', 'nope.yaml']);
    assert.equal(b.code, 1);
    assert.equal(b.stderr.trim().split('\n').length, 1);
  });

  test('init writes the examples workspace into an empty folder', () => {
    const target = join(ws.dir, 'fresh');
    const r = runCli(ws.dir, ['init', 'fresh']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(join(target, 'iris.train.yaml')));
    assert.ok(existsSync(join(target, 'data', 'iris.csv')));
  });
});
