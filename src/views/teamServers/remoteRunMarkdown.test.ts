import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunDetails } from '../../tracking/runSource';
import { remoteRunMarkdown } from './remoteRunMarkdown';

test('a remote run page names its server, escapes what the server sent, lists artifacts without hashes', () => {
  const run = {
    id: 'a'.repeat(32), name: 'evil *run* <img src=x>', experiment: 'team', experimentId: 1, experimentKey: '1', status: 'finished', parentId: null,
    createdAt: 0, startedAt: 1_000, endedAt: 61_000, heartbeatAt: null, pid: null, host: null, configPath: null, configJson: null,
    gitCommit: null, gitDirty: false, error: null, runlensVersion: null, starred: false, note: null, user: 'ana',
    params: { lr: '0.1' }, metrics: { acc: 0.9 }, tags: { 'mlflow.user': 'ana' },
  } as unknown as RunDetails['run'];
  const d: RunDetails = {
    run,
    metrics: [{ key: 'acc', latest: 0.9, latestStep: 0, latestTimestamp: 0, min: 0.9, max: 0.9, count: 1 }],
    artifacts: [{ runId: run.id, path: 'model/MLmodel', size: null, sha256: null, kind: 'file', createdAt: null }, { runId: run.id, path: 'cm.json', size: 120, sha256: null, kind: 'file', createdAt: null }],
    inputs: [],
  };
  const md = remoteRunMarkdown(d, { name: 'team', uri: 'http://mlflow:5000' }, 2);
  assert.match(md, /^# evil \\\*run\\\* \\<img src=x\\>/);
  assert.match(md, /On the tracking server \*\*team\*\* \(http:\/\/mlflow:5000\), logged by ana\./);
  assert.match(md, /\| Child runs \| 2 \|/);
  assert.match(md, /\| lr \| 0\\\.1 \|/);
  assert.match(md, /\| model\/MLmodel \| — \|\n\| cm\\\.json \| 120 \|/);
  assert.doesNotMatch(md, /sha256/);
});
