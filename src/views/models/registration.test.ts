import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../store/runStore';
import { registrationProblem } from './registration';

test('only runs with a model package can be registered; the reason names the run, the file and what to do', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runlens-register-'));
  const store = RunStore.open(join(dir, '.runlens'));
  try {
    const failed = store.createRun({ experiment: 'churn', name: 'sad-panda-1' });
    store.setStatus(failed.id, 'failed');
    assert.equal(registrationProblem(store, failed.id),
      'run sad-panda-1 has no model package (model/model.json), so it cannot be registered: only a finished training run saves one (this run is failed)');
    const sweep = store.createRun({ experiment: 'churn', name: 'sweep-parent' });
    store.setStatus(sweep.id, 'finished');
    store.createRun({ experiment: 'churn', name: 'trial-1', parentId: sweep.id });
    assert.match(registrationProblem(store, sweep.id) ?? '', /has 1 child runs \(a sweep or cross-validation\): register one of those$/);
    const trained = store.createRun({ experiment: 'churn', name: 'happy-otter-2' });
    store.logArtifact(trained.id, 'model/model.json', '{}', 'model');
    store.setStatus(trained.id, 'finished');
    assert.equal(registrationProblem(store, trained.id), undefined);
    assert.equal(registrationProblem(store, 'feedbeef00'), 'run feedbeef no longer exists');
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
