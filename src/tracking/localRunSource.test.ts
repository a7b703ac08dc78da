import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RunStore } from '../store/runStore';
import { tempStore } from '../store/testing/tempStore';
import { LocalRunSource } from './localRunSource';

test('LocalRunSource pages the store\'s own query by token, and a token of another query is refused', async (t) => {
  const { store } = tempStore(t);
  for (let i = 0; i < 5; i++) {
    const r = store.createRun({ experiment: i < 4 ? 'a' : 'b', name: `r${i}` });
    store.logMetrics(r.id, [{ key: 'acc', value: i / 10 }]);
  }
  const source = new LocalRunSource(store);
  const q = { filter: 'metrics.acc >= 0.1', sort: 'metrics.acc DESC', limit: 2 } as const;
  const first = await source.searchRuns(q);
  const second = await source.searchRuns({ ...q, pageToken: first.nextPageToken });
  assert.deepEqual([first.rows.map((r) => r.name), second.rows.map((r) => r.name), second.nextPageToken], [['r4', 'r3'], ['r2', 'r1'], undefined]);
  assert.deepEqual(second.rows.map((r) => r.experimentKey), second.rows.map((r) => String(r.experimentId)));
  await assert.rejects(source.searchRuns({ ...q, sort: 'metrics.acc', pageToken: first.nextPageToken }), /page token belongs to another query/);
  await assert.rejects(source.searchRuns({ ...q, pageToken: 'garbage' }), /page token is damaged/);
  assert.deepEqual((await source.listExperiments()).map((e) => [e.key, e.name, e.runCount]), [['1', 'a', 4], ['2', 'b', 1]]);
});

test('LocalRunSource: details, artifacts by path, and a change token that moves when another connection writes', async (t) => {
  const { store, dir } = tempStore(t);
  const run = store.createRun({ experiment: 'a', name: 'x' });
  store.logArtifact(run.id, 'notes/a.txt', 'hello');
  store.datasets.logInput(run.id, { fingerprint: 'fp', path: 'd.csv', rows: 7 }, 'train');
  const source = new LocalRunSource(store);
  const details = await source.getRun('x');
  assert.deepEqual(details.inputs.map((i) => [i.path, i.role, i.rows]), [['d.csv', 'train', 7]]);
  assert.equal((await source.readArtifact(run.id, 'notes/a.txt')).toString(), 'hello');
  await assert.rejects(source.readArtifact(run.id, 'nope'), /has no artifact "nope"/);
  const before = await source.changeToken();
  const other = RunStore.open(dir);
  t.after(() => other.close());
  other.logMetrics(run.id, [{ key: 'loss', value: 1 }]);
  assert.notEqual(await source.changeToken(), before);
  assert.deepEqual((await source.resolveRun(run.id.slice(0, 6))).metrics, { loss: 1 });
});

test('LocalRunSource.runsOfConfig: the store\'s typed query, as source rows', async (t) => {
  const { store, clock } = tempStore(t);
  const first = store.createRun({ experiment: 'a', name: 'first', configPath: '/w/a.yaml' });
  clock.advance(1000);
  const second = store.createRun({ experiment: 'a', name: 'second', configPath: '/w/a.yaml' });
  store.createRun({ experiment: 'a', name: 'trial', configPath: '/w/a.yaml', parentId: second.id });
  store.createRun({ experiment: 'a', name: 'other', configPath: '/w/b.yaml' });
  const source = new LocalRunSource(store);
  const rows = await source.runsOfConfig('/w/a.yaml');
  assert.deepEqual(rows.map((r) => [r.id, r.experimentKey, r.user]), [[second.id, '1', null], [first.id, '1', null]]);
  assert.deepEqual((await source.runsOfConfig('/w/a.yaml', { limit: 1 })).map((r) => r.name), ['second']);
  assert.deepEqual(await source.runsOfConfig('/w/none.yaml'), []);
});
