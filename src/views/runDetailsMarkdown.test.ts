import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDetailsMarkdown } from './runDetailsMarkdown';
import type { RunRecord } from '../store/types';

const run: RunRecord = {
  id: 'b'.repeat(32), experimentId: 1, experiment: 'iris', name: 'run|<script>', status: 'failed', parentId: null,
  configPath: '/w/iris.train.yaml', configJson: null, gitCommit: 'abc123', gitDirty: true, createdAt: 0, startedAt: 0,
  endedAt: 90_000, heartbeatAt: null, pid: null, host: null, starred: false, note: 'try *deeper*', error: 'data/x.csv:3:2 bad',
  runlensVersion: '0.1.0',
};

test('details page lists facts, metrics, params and artifacts with data escaped', () => {
  const md = runDetailsMarkdown({
    run,
    params: { max_depth: '4', 'weird|key': 'a\nb' },
    tags: {},
    metrics: [{ key: 'train_loss', latest: 0.2, latestStep: 9, latestTimestamp: 0, min: 0.2, max: 0.9, count: 10 }],
    artifacts: [{ runId: run.id, path: 'model/model.json', sha256: 'f'.repeat(64), size: 1234, kind: 'model', createdAt: 0 }],
    inputs: [],
    children: 0,
  });
  assert.match(md, /^# run\\\|\\<script\\>$/m);
  assert.match(md, /\| Status \| failed — data\/x\\\.csv:3:2 bad \|/);
  assert.match(md, /\| Duration \| 1m 30s \|/);
  assert.match(md, /\| train\\_loss \| 0\.2000 \| 0\.2000 \| 0\.9000 \| 10 \|/);
  assert.match(md, /\| weird\\\|key \| a b \|/, 'pipes escaped, newlines flattened');
  assert.match(md, /uncommitted changes/);
  assert.match(md, /\| model\/model\\\.json \| model \| 1234 \|/);
  assert.doesNotMatch(md, /## Tags/);
});
