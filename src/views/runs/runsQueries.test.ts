import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempStore } from '../../store/testing/tempStore';
import { LocalRunSource } from '../../tracking/localRunSource';
import { runIdsFilter, viewFilterText, viewSortText } from './runsQueries';

test('the view\'s filter and sort texts: starred only narrows the user\'s filter, starred first leads the sort', () => {
  assert.equal(viewFilterText('  ', false), '');
  assert.equal(viewFilterText('metrics.acc > 0.9 or params.lr = 0.1', false), 'metrics.acc > 0.9 or params.lr = 0.1');
  assert.equal(viewFilterText('metrics.acc > 0.9 or params.lr = 0.1', true), '(metrics.acc > 0.9 or params.lr = 0.1) and attributes.starred = true');
  assert.equal(viewFilterText('', true), 'attributes.starred = true');
  assert.equal(viewSortText('', false), 'attributes.start_time DESC');
  assert.equal(viewSortText('metrics.acc DESC', true), 'attributes.starred DESC, metrics.acc DESC');
});

test('runIdsFilter finds exactly the runs named, on a real store through its run source', async (t) => {
  const { store } = tempStore(t);
  const ids = [0, 1, 2, 3].map((i) => store.createRun({ experiment: 'e', name: `r${i}` }).id);
  const child = store.createRun({ experiment: 'e', name: 'child', parentId: ids[0] }).id;
  const source = new LocalRunSource(store);
  const page = await source.searchRuns({ filter: runIdsFilter([ids[1]!, ids[3]!, child]) });
  assert.deepEqual(page.rows.map((r) => r.id).sort(), [ids[1], ids[3], child].sort());
  assert.deepEqual((await source.searchRuns({ filter: viewFilterText('', true) })).rows, []);
  store.setStar(ids[2]!, true);
  assert.deepEqual((await source.searchRuns({ filter: viewFilterText('', true) })).rows.map((r) => r.id), [ids[2]]);
  const sorted = await source.searchRuns({ filter: runIdsFilter(ids), sort: viewSortText('', true) });
  assert.equal(sorted.rows[0]!.id, ids[2], 'starred first');
  assert.throws(() => runIdsFilter(["x') or ('1' = '1"]), /not a run id/);
});
