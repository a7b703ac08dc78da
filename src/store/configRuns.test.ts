import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempStore } from './testing/tempStore';

test('runsOfConfig lists one config\'s top-level runs newest first; lastRunOf is the newest', (t) => {
  const { store, clock } = tempStore(t);
  const made: string[] = [];
  for (let i = 0; i < 3; i++) {
    clock.advance(1000);
    const r = store.createRun({ experiment: 'iris', name: `a${i}`, configPath: '/w/a.train.yaml' });
    store.setStatus(r.id, 'finished');
    made.push(r.id);
  }
  clock.advance(1000);
  store.createRun({ experiment: 'iris', name: 'b0', configPath: '/w/b.train.yaml' });
  // a sweep trial of config a: a child run, left out unless asked for
  clock.advance(1000);
  const trial = store.createRun({ experiment: 'iris', name: 'a-trial', configPath: '/w/a.train.yaml', parentId: made[0] });
  // a path that differs only by a suffix or a LIKE wildcard is another config
  store.createRun({ experiment: 'iris', name: 'x', configPath: '/w/a.train.yaml.bak' });
  store.createRun({ experiment: 'iris', name: 'y', configPath: '/w/%.train.yaml' });

  assert.deepEqual(store.runsOfConfig('/w/a.train.yaml').map((r) => r.name), ['a2', 'a1', 'a0']);
  assert.deepEqual(store.runsOfConfig('/w/a.train.yaml', { limit: 2 }).map((r) => r.name), ['a2', 'a1']);
  assert.deepEqual(store.runsOfConfig('/w/a.train.yaml', { includeChildren: true }).map((r) => r.id), [trial.id, made[2], made[1], made[0]]);
  assert.equal(store.lastRunOf('/w/a.train.yaml')?.id, made[2]);
  assert.equal(store.lastRunOf('/w/b.train.yaml')?.name, 'b0');
  assert.equal(store.lastRunOf('/w/never.train.yaml'), undefined);
  // the rows are the full listing rows: params, metrics, tags
  store.logMetrics(made[2], [{ key: 'acc', value: 0.9 }]);
  assert.deepEqual(store.lastRunOf('/w/a.train.yaml')?.metrics, { acc: 0.9 });
});

test('a soft-deleted run is no config\'s last run', (t) => {
  const { store, clock } = tempStore(t);
  const old = store.createRun({ experiment: 'iris', configPath: '/w/a.yaml' });
  clock.advance(1000);
  const recent = store.createRun({ experiment: 'iris', configPath: '/w/a.yaml' });
  store.lifecycle.deleteRun(recent.id);
  assert.equal(store.lastRunOf('/w/a.yaml')?.id, old.id);
});
