/** `runlens report` through the real CLI on a workspace store holding three runs (#18.3). */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, runCli } from '../../../test/fixtures/workspace';
import { RunStore } from '../../store/runStore';
import { EVIL, threeRuns } from '../../views/report/testing/threeRuns';

const ws = makeWorkspace();
after(() => ws.cleanup());
const store = RunStore.open(join(ws.dir, '.runlens'));
const ids = threeRuns(store);
store.close();

test('--out FILE.html writes one self-contained file; --format md --out writes the charts beside it', () => {
  const html = runCli(ws.dir, ['report', ...ids, '--out', 'review.html']);
  assert.equal(html.code, 0, html.stderr);
  assert.match(html.stderr, /wrote .*review\.html/);
  const text = readFileSync(join(ws.dir, 'review.html'), 'utf8');
  assert.match(text, /^<!DOCTYPE html>/);
  assert.match(text, /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/);
  assert.ok(!text.includes(EVIL));
  assert.match(text, /<td>5<\/td>/, 'the dataset version\'s column count comes from the store');

  const md = runCli(ws.dir, ['report', ids[0]!, ids[2]!, '--format', 'md', '--out', 'pr.md']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stderr, /wrote .*pr\.md and 1 chart beside it/);
  assert.ok(existsSync(join(ws.dir, 'pr-files', 'curve-1.svg')));
  assert.match(readFileSync(join(ws.dir, 'pr.md'), 'utf8'), /^# RunLens report: baseline, deep-tree$/m);
});

test('without --out the report goes to stdout; runs by name; bad input is one line', () => {
  const out = runCli(ws.dir, ['report', 'baseline']);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^# RunLens report: baseline\n/);
  assert.match(out.stdout, /## Params\n/, 'one run: all its params');
  const html = runCli(ws.dir, ['report', 'baseline', '--format', 'html']);
  assert.match(html.stdout, /^<!DOCTYPE html>/);
  const bad = runCli(ws.dir, ['report', 'baseline', '--format', 'pdf']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format: expected md or html, got "pdf"/);
  assert.equal(runCli(ws.dir, ['report']).code, 2);
  const missing = runCli(ws.dir, ['report', 'no-such-run']);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr.trim().split('\n').length, 1, missing.stderr);
});

test('the data each run used is diffed against the previous run of the same config', () => {
  const iris = readFileSync(join(ws.dir, 'data', 'iris.csv'), 'utf8');
  ws.write('flowers.csv', iris);
  ws.write('flowers.train.yaml', 'experiment: flowers\ndata: { path: flowers.csv, target: species }\nmodel: { type: decision_tree, params: { max_depth: 2 } }\n');
  const first = runCli(ws.dir, ['train', 'flowers.train.yaml', '--name', 'before', '--json']);
  assert.equal(first.code, 0, first.stderr);
  // Ten rows fewer: the second run reads another version of the file.
  ws.write('flowers.csv', iris.trimEnd().split('\n').slice(0, -10).join('\n') + '\n');
  const second = runCli(ws.dir, ['train', 'flowers.train.yaml', '--name', 'after', '--json']);
  assert.equal(second.code, 0, second.stderr);
  const md = runCli(ws.dir, ['report', 'before', 'after']);
  assert.equal(md.code, 0, md.stderr);
  assert.match(md.stdout, /after: train data flowers\.csv changed since before, the previous run of its config \([0-9a-f]{12} → [0-9a-f]{12}\): 0 rows added, 10 removed/);
  assert.doesNotMatch(md.stdout, /before: .*previous run/, 'the first run of the config has none');
});
